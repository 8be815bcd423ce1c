import type { Page } from 'playwright-core';

/**
 * Presses Tab (or Shift+Tab) until the focused element matches, proving it can be reached with the keyboard alone.
 * Fails after `max` presses.
 */
export async function tabTo(
  page: Page,
  matches: { name: string | RegExp; role?: string },
  max = 60,
  back = false,
) {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press(back ? 'Shift+Tab' : 'Tab');
    const focused = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement | null;
      if (!el) return null;
      const labelledBy = el.getAttribute('aria-labelledby');
      const label =
        el.getAttribute('aria-label') ??
        (labelledBy ? document.getElementById(labelledBy)?.textContent : null) ??
        (el.id ? document.querySelector(`label[for="${el.id}"]`)?.textContent : null) ??
        el.textContent ??
        '';
      return { name: label.trim(), role: el.getAttribute('role') ?? el.tagName.toLowerCase() };
    });
    if (!focused) continue;
    const nameOk =
      typeof matches.name === 'string' ? focused.name === matches.name : matches.name.test(focused.name);
    if (nameOk && (!matches.role || matches.role === focused.role)) return;
  }
  throw new Error(
    `could not reach ${String(matches.name)} with ${back ? 'Shift+Tab' : 'Tab'} in ${max} presses`,
  );
}
