export function Logo() {
  return (
    <svg width="26" height="26" viewBox="0 0 32 32" aria-hidden="true" focusable="false">
      <rect width="32" height="32" rx="7" fill="#3730a3" />
      <path d="M9 8h3l4 11 4-11h3l-5.5 15h-3z" fill="#fff" />
    </svg>
  );
}
