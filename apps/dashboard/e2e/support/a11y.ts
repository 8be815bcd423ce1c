import type { Page } from 'playwright-core';

export interface A11yProblem {
  kind: 'unlabelled' | 'contrast';
  element: string;
  detail: string;
}

/**
 * A small in-page audit of two WCAG basics on what is visible: every control has an accessible name, and text
 * contrasts with its background (4.5:1, or 3:1 for large text). Disabled controls are exempt, as in WCAG.
 */
export async function auditPage(page: Page): Promise<A11yProblem[]> {
  return page.evaluate(() => {
    const problems: { kind: 'unlabelled' | 'contrast'; element: string; detail: string }[] = [];
    const visible = (el: Element) => {
      const r = el.getBoundingClientRect();
      const style = getComputedStyle(el);
      return r.width > 0 && r.height > 0 && style.visibility !== 'hidden' && style.display !== 'none';
    };
    const describe = (el: Element) =>
      `<${el.tagName.toLowerCase()}${el.id ? ` id="${el.id}"` : ''}${el.className ? ` class="${el.className}"` : ''}> ${(el.textContent ?? '').trim().slice(0, 40)}`;

    const nameOf = (el: HTMLElement): string => {
      const aria = el.getAttribute('aria-label');
      if (aria?.trim()) return aria;
      const by = el.getAttribute('aria-labelledby');
      if (by)
        return by
          .split(' ')
          .map((id) => document.getElementById(id)?.textContent ?? '')
          .join(' ');
      if ('labels' in el) {
        const labels = (el as HTMLInputElement).labels;
        if (labels && labels.length > 0)
          return Array.from(labels)
            .map((l) => l.textContent ?? '')
            .join(' ');
      }
      if (el.tagName === 'BUTTON' || el.tagName === 'A') return el.textContent ?? '';
      return el.getAttribute('title') ?? '';
    };
    for (const el of Array.from(
      document.querySelectorAll<HTMLElement>('input, select, textarea, button, a[href], [role="switch"]'),
    )) {
      if (!visible(el) || (el as HTMLInputElement).type === 'hidden') continue;
      if (!nameOf(el).trim())
        problems.push({ kind: 'unlabelled', element: describe(el), detail: 'no accessible name' });
    }

    const parse = (c: string): [number, number, number, number] | null => {
      const m = /rgba?\(([\d.]+),\s*([\d.]+),\s*([\d.]+)(?:,\s*([\d.]+))?\)/.exec(c);
      return m ? [Number(m[1]), Number(m[2]), Number(m[3]), m[4] === undefined ? 1 : Number(m[4])] : null;
    };
    const background = (el: Element | null): [number, number, number] => {
      for (let e = el; e; e = e.parentElement) {
        const bg = parse(getComputedStyle(e).backgroundColor);
        if (bg && bg[3] > 0.5) return [bg[0], bg[1], bg[2]];
      }
      return [255, 255, 255];
    };
    const luminance = ([r, g, b]: [number, number, number]) => {
      const ch = (v: number) => {
        const s = v / 255;
        return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
      };
      return 0.2126 * ch(r) + 0.7152 * ch(g) + 0.0722 * ch(b);
    };
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    const seen = new Set<Element>();
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const el = node.parentElement;
      if (!el || seen.has(el) || !(node.textContent ?? '').trim() || !visible(el)) continue;
      seen.add(el);
      if (el.closest('[disabled], [aria-hidden="true"], .visually-hidden, .skip-link, option')) continue;
      const style = getComputedStyle(el);
      const fg = parse(style.color);
      if (!fg) continue;
      const bg = background(el);
      const mix = (f: number, b: number) => f * fg[3] + b * (1 - fg[3]);
      const blended: [number, number, number] = [mix(fg[0], bg[0]), mix(fg[1], bg[1]), mix(fg[2], bg[2])];
      const [hi, lo] = [luminance(blended), luminance(bg)].sort((a, b) => b - a) as [number, number];
      const ratio = (hi + 0.05) / (lo + 0.05);
      const size = Number.parseFloat(style.fontSize);
      const large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700);
      if (ratio < (large ? 3 : 4.5)) {
        problems.push({
          kind: 'contrast',
          element: describe(el),
          detail: `${ratio.toFixed(2)}:1 (${style.color} on rgb(${bg.join(', ')}))`,
        });
      }
    }
    return problems;
  });
}
