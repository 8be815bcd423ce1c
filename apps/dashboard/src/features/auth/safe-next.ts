/** Only same-site paths, so a crafted link cannot send someone elsewhere after login. */
export function safeNext(next: string | null): string {
  return next?.startsWith('/') && !next.startsWith('//') ? next : '/';
}
