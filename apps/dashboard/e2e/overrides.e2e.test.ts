import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type adminClient, newAdminUser, newProject, signInWithToken } from './support/api.ts';
import { connectBrowser, newPage, screenshot } from './support/browser.ts';

type Api = ReturnType<typeof adminClient>;
interface FeatureSegment {
  id: number;
  segment_name: string;
  priority: number;
}

/** Segment override priorities by drag and drop (mouse and keyboard), variations, and identity overrides. */
describe('overrides', () => {
  const baseUrl = inject('sharedUrl');
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let api: Api;
  let envId = 0;
  let featureId = 0;
  let base = '';

  const priorities = async () => {
    const list = await api.get<{ results: FeatureSegment[] }>(
      `/api/v1/features/feature-segments/?environment=${envId}&feature=${featureId}`,
    );
    return [...list.results].sort((a, b) => a.priority - b.priority).map((fs) => fs.segment_name);
  };
  const shownOrder = () =>
    page.getByTestId('segment-override').evaluateAll((els) => els.map((e) => e.getAttribute('data-segment')));

  beforeAll(async () => {
    browser = await connectBrowser();
    ({ context, page } = await newPage(browser, baseUrl));
    const user = await newAdminUser(baseUrl);
    const made = await newProject(baseUrl, user);
    api = made.api;
    envId = made.environment.id;
    const feature = await api.post<{ id: number }>(`/api/v1/projects/${made.project.id}/features/`, {
      name: 'banner',
      initial_value: 'default',
    });
    featureId = feature.id;
    for (const name of ['alpha', 'bravo', 'charlie']) {
      const segment = await api.post<{ id: number }>(`/api/v1/projects/${made.project.id}/segments/`, {
        name,
        rules: [
          {
            type: 'ALL',
            rules: [{ type: 'ANY', conditions: [{ operator: 'EQUAL', property: 'group', value: name }] }],
          },
        ],
      });
      await api.post(
        `/api/v1/environments/${made.environment.api_key}/features/${featureId}/create-segment-override/`,
        {
          enabled: true,
          feature_state_value: `for-${name}`,
          feature_segment: { segment: segment.id },
        },
      );
    }
    await signInWithToken(context, user.token);
    base = `/projects/${made.project.id}/environments/${made.environment.api_key}`;
    await page.goto(`${base}/features/${featureId}`);
    await page.getByTestId('segment-override').first().waitFor();
  });
  afterAll(async () => {
    await context?.close();
    await browser?.close();
  });

  it('reorders segment overrides by dragging with the mouse', async () => {
    expect(await shownOrder()).toEqual(['alpha', 'bravo', 'charlie']);
    const handle = page.getByRole('button', { name: /^Reorder charlie/ });
    const target = page.getByTestId('segment-override').filter({ hasText: 'alpha' });
    const from = await handle.boundingBox();
    const to = await target.boundingBox();
    if (!from || !to) throw new Error('not laid out');
    await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
    await page.mouse.down();
    for (let i = 1; i <= 10; i++) {
      await page.mouse.move(from.x + from.width / 2, from.y + (to.y + 4 - from.y) * (i / 10));
    }
    await page.mouse.up();
    await expect.poll(priorities).toEqual(['charlie', 'alpha', 'bravo']);
    expect(await shownOrder()).toEqual(['charlie', 'alpha', 'bravo']);
    await screenshot(page, '12-segment-override-priorities');
  });

  it('reorders with the keyboard: the drag handle, and the move buttons', async () => {
    const handle = page.getByRole('button', { name: /^Reorder alpha/ });
    const liveRegion = page.locator('[id^="DndLiveRegion"]');
    // dnd-kit's keyboard sensor: Space picks up, arrows move, Space drops. Each step is awaited through what the
    // page exposes (aria-pressed on the handle, the live region's announcement), not a fixed time.
    await handle.focus();
    await page.keyboard.press('Space');
    await expect.poll(() => handle.getAttribute('aria-pressed')).toBe('true');
    const pickedUp = await liveRegion.textContent();
    await page.keyboard.press('ArrowDown');
    await expect.poll(() => liveRegion.textContent()).not.toBe(pickedUp);
    await page.keyboard.press('Space');
    await expect.poll(() => handle.getAttribute('aria-pressed')).not.toBe('true');
    await expect.poll(priorities).toEqual(['charlie', 'bravo', 'alpha']);
    await page.getByRole('button', { name: 'Move charlie down' }).click();
    await expect.poll(priorities).toEqual(['bravo', 'charlie', 'alpha']);
    expect(await shownOrder()).toEqual(['bravo', 'charlie', 'alpha']);
  });

  it('edits the value of one segment override', async () => {
    await page.getByRole('button', { name: 'Edit the value for bravo' }).click();
    await page.getByRole('textbox', { name: 'Value for bravo' }).fill('bravo-2');
    await page.getByRole('button', { name: 'Save value' }).click();
    await page.getByTestId('segment-override').filter({ hasText: '"bravo-2"' }).waitFor();
  });

  it('adds weighted variations', async () => {
    await page.getByLabel('New variation value').fill('blue');
    await page.getByRole('button', { name: 'Add variation' }).click();
    const weight = page.getByLabel('Weight of "blue"');
    await weight.waitFor();
    await weight.fill('30');
    await page.getByRole('button', { name: 'Save weights' }).click();
    await page.getByText('Weights saved').waitFor();
    await weight.fill('130');
    await page.getByText('The weights add up to more than 100 %.').waitFor();
    // The warning and the disabled button come from the same state, but may land in separate renders.
    await expect.poll(() => page.getByRole('button', { name: 'Save weights' }).isDisabled()).toBe(true);
  });

  it("overrides the feature for one identity and shows that identity's flags", async () => {
    const identity = await api.post<{ id: number }>(
      `${base.replace(/^\/projects\/\d+/, '/api/v1')}/identities/`,
      {
        identifier: 'grace',
      },
    );
    await page.goto(`${base}/identities`);
    await page.getByLabel('Search by identifier').fill('gra');
    await page.getByRole('link', { name: 'grace' }).click();
    await page.getByRole('heading', { name: 'Identity: grace' }).waitFor();
    const form = page.getByRole('form', { name: 'Add an identity override' });
    await form.getByLabel('Feature', { exact: true }).selectOption({ label: 'banner' });
    await form.getByLabel('Value for this identity type').selectOption('text');
    await form.getByRole('textbox', { name: 'Value for this identity' }).fill('just-for-grace');
    await form.getByRole('button', { name: 'Add override' }).click();
    await page.getByRole('switch', { name: 'banner enabled for this identity' }).waitFor();
    const flag = page.getByTestId('identity-flags').locator('tr[data-flag="banner"]');
    await flag.getByText('"just-for-grace"').waitFor();
    await screenshot(page, '13-identity-overrides');
    const states = await api.get<unknown[]>(
      `${base.replace(/^\/projects\/\d+/, '/api/v1')}/identities/${identity.id}/featurestates/`,
    );
    expect(states).toHaveLength(1);
  });
});
