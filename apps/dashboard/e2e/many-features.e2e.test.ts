import { environmentDocument } from '@vexil/test-support';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { newAdminUser, newProject, signInWithToken } from './support/api.ts';
import { connectBrowser, newPage, screenshot } from './support/browser.ts';

const FEATURES = 1000;

/**
 * Flagsmith's dashboard is slow with hundreds of flags. Here 1,000 features load once and the list is virtualised:
 * the DOM holds only the rows in view however far you scroll or whatever you filter (asserted on the DOM, not on
 * timings, which a shared 2-core machine cannot promise).
 */
describe('an environment with 1,000 features', () => {
  const baseUrl = inject('sharedUrl');
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const rows = () => page.locator('[data-testid="feature-list"] li').count();

  beforeAll(async () => {
    browser = await connectBrowser();
    ({ context, page } = await newPage(browser, baseUrl));
    const user = await newAdminUser(baseUrl);
    const { api, project, environment } = await newProject(baseUrl, user, 'Big project');
    await api.post(`/api/v1/environments/${environment.api_key}/import-document/`, {
      ...environmentDocument({ features: FEATURES, segments: 0, identities: 0 }),
    });
    await signInWithToken(context, user.token);
    await page.goto(`/projects/${project.id}/environments/${environment.api_key}/features`);
  });
  afterAll(async () => {
    await context?.close();
    await browser?.close();
  });

  it('lists every feature but renders only the rows in view', async () => {
    await page.getByTestId('feature-count').getByText(`${FEATURES} features`).waitFor();
    const rendered = await rows();
    expect(rendered).toBeGreaterThan(5);
    expect(rendered).toBeLessThan(40);
    await screenshot(page, '09-features-1000');
  });

  it('scrolls to the end with the DOM still small', async () => {
    const list = page.getByTestId('feature-list');
    await list.evaluate((el) => {
      el.scrollTop = el.scrollHeight;
    });
    // Names sort as text: imported_999 is the last one.
    await page.locator('li[data-feature="imported_999"]').waitFor();
    expect(await page.locator('li[data-feature="imported_0"]').count()).toBe(0);
    expect(await rows()).toBeLessThan(40);
  });

  it('filters by name and by state, with the DOM still small', async () => {
    const search = page.getByLabel('Search');
    await search.fill('imported_12');
    // imported_12 and imported_120..129
    await page.getByTestId('feature-count').getByText(`11 of ${FEATURES} features`).waitFor();
    expect(await rows()).toBe(11);
    await search.fill('');
    await page.getByLabel('State').selectOption('enabled');
    await page
      .getByTestId('feature-count')
      .getByText(new RegExp(`^\\d+ of ${FEATURES} features`))
      .waitFor();
    const summary = (await page.getByTestId('feature-count').textContent()) ?? '';
    const enabled = Number(/^(\d+) of/.exec(summary)?.[1]);
    expect(enabled).toBeGreaterThan(0);
    expect(enabled).toBeLessThan(FEATURES);
    expect(await rows()).toBeLessThan(40);
    for (const toggle of await page.getByRole('switch').all())
      expect(await toggle.getAttribute('aria-checked')).toBe('true');
  });
});
