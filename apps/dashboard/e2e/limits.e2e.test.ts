import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { newAdminUser, newProject, SHARED_SEGMENT_LIMIT, signInWithToken } from './support/api.ts';
import { connectBrowser, newPage, screenshot } from './support/browser.ts';

/** Limits are shown before they bite, and the refusal at the limit is a clear sentence, not a blank page. */
describe('limits', () => {
  const baseUrl = inject('sharedUrl');
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let segmentsPath = '';

  beforeAll(async () => {
    browser = await connectBrowser();
    ({ context, page } = await newPage(browser, baseUrl));
    const user = await newAdminUser(baseUrl);
    const { api, project, environment } = await newProject(baseUrl, user);
    for (let i = 1; i < SHARED_SEGMENT_LIMIT; i++) {
      await api.post(`/api/v1/projects/${project.id}/segments/`, {
        name: `segment ${i}`,
        rules: [{ type: 'ALL', conditions: [{ operator: 'EQUAL', property: 'n', value: String(i) }] }],
      });
    }
    await signInWithToken(context, user.token);
    segmentsPath = `/projects/${project.id}/environments/${environment.api_key}/segments`;
  });
  afterAll(async () => {
    await context?.close();
    await browser?.close();
  });

  const createSegment = async (name: string) => {
    await page.goto(`${segmentsPath}/new`);
    await page.getByLabel('Name', { exact: true }).fill(name);
    const condition = page.getByRole('group', { name: 'Rule 1 nested rule 1 condition 1' });
    await condition.getByLabel('Trait').fill('plan');
    await condition.getByLabel('Value').fill(name);
    await page.getByRole('button', { name: 'Create segment' }).click();
  };

  it('warns from 80 % of the segment limit, with the usage in view', async () => {
    await page.goto(segmentsPath);
    await page
      .getByText(
        `Nearing a limit: segments in this project is at ${SHARED_SEGMENT_LIMIT - 1} of ${SHARED_SEGMENT_LIMIT}.`,
      )
      .waitFor();
    await page.getByText(`${SHARED_SEGMENT_LIMIT - 1} of ${SHARED_SEGMENT_LIMIT}`, { exact: true }).waitFor();
  });

  it('says when the limit is reached, and explains the refusal of one more', async () => {
    await createSegment('last one');
    await page.getByText('Created segment last one').waitFor();
    await page.goto(segmentsPath);
    await page.getByText(/^Limit reached: segments in this project/).waitFor();
    await createSegment('one too many');
    const error = page.getByRole('alert').filter({ hasText: 'maximum allowed segments limit' });
    await error.waitFor();
    expect(await error.textContent()).toBe(
      `The project has reached the maximum allowed segments limit: max_segments_allowed is ${SHARED_SEGMENT_LIMIT} and the project has ${SHARED_SEGMENT_LIMIT} segments.`,
    );
    await screenshot(page, '14-limit-reached');
  });
});
