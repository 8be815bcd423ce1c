import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { auditPage } from './support/a11y.ts';
import { newAdminUser, newProject, signInWithToken } from './support/api.ts';
import { connectBrowser, newPage } from './support/browser.ts';

/** Labels and contrast on every main page, with real data on them. */
describe('accessibility basics', () => {
  const baseUrl = inject('sharedUrl');
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const pages: Record<string, string> = {};

  beforeAll(async () => {
    browser = await connectBrowser();
    ({ context, page } = await newPage(browser, baseUrl));
    const user = await newAdminUser(baseUrl);
    const { api, project, environment } = await newProject(baseUrl, user);
    const tag = await api.post<{ id: number }>(`/api/v1/projects/${project.id}/tags/`, {
      label: 'checkout',
      color: '#ffcc00',
    });
    const feature = await api.post<{ id: number }>(`/api/v1/projects/${project.id}/features/`, {
      name: 'a11y_flag',
      description: 'Checked for labels and contrast',
      initial_value: 'hello',
      tags: [tag.id],
    });
    const segment = await api.post<{ id: number }>(`/api/v1/projects/${project.id}/segments/`, {
      name: 'pro users',
      rules: [
        {
          type: 'ALL',
          rules: [{ type: 'ANY', conditions: [{ operator: 'EQUAL', property: 'plan', value: 'pro' }] }],
        },
      ],
    });
    await api.post(
      `/api/v1/environments/${environment.api_key}/features/${feature.id}/create-segment-override/`,
      {
        enabled: true,
        feature_state_value: 'pro',
        feature_segment: { segment: segment.id },
      },
    );
    const identity = await api.post<{ id: number }>(
      `/api/v1/environments/${environment.api_key}/identities/`,
      {
        identifier: 'someone',
      },
    );
    const base = `/projects/${project.id}/environments/${environment.api_key}`;
    Object.assign(pages, {
      features: `${base}/features`,
      feature: `${base}/features/${feature.id}`,
      segments: `${base}/segments`,
      segment: `${base}/segments/${segment.id}`,
      identities: `${base}/identities`,
      identity: `${base}/identities/${identity.id}`,
      audit: `${base}/audit`,
      keys: `${base}/settings`,
      project: `${base}/project`,
    });
    await signInWithToken(context, user.token);
  });
  afterAll(async () => {
    await context?.close();
    await browser?.close();
  });

  it('labels every control and keeps text contrast at WCAG AA on every main page', async () => {
    const found: Record<string, unknown[]> = {};
    for (const [name, path] of Object.entries(pages)) {
      await page.goto(path);
      await page.locator('main h1').first().waitFor();
      await page.waitForLoadState('networkidle');
      const problems = await auditPage(page);
      if (problems.length > 0) found[name] = problems;
    }
    expect(found).toEqual({});
  });

  it('would notice a missing label or faint text (the audit itself works)', async () => {
    await page.evaluate(() => {
      document
        .querySelector('main')
        ?.insertAdjacentHTML('beforeend', '<p style="color:#bbb">faint</p><input id="bare">');
    });
    const problems = await auditPage(page);
    expect(problems.map((p) => p.kind).sort()).toEqual(['contrast', 'unlabelled']);
  });

  it('does the same on the login page', async () => {
    const anonymous = await browser.newContext({ baseURL: baseUrl });
    const login = await anonymous.newPage();
    await login.goto('/login');
    await login.getByRole('button', { name: 'Log in' }).waitFor();
    expect(await auditPage(login)).toEqual([]);
    await anonymous.close();
  });
});
