import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { connectBrowser, newPage, screenshot, uncaughtErrors } from './support/browser.ts';

/**
 * The first-run journey of the issue, in order on a server nobody has used: sign up, create a project and an
 * environment, create a feature, toggle it, add a segment with two conditions, override the feature for it, and
 * check through the SDK API that an identity in the segment gets the override. Screenshots of each main page go to
 * test-results/screenshots/.
 */
describe('first run, in a real browser', () => {
  const baseUrl = inject('freshUrl');
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let clientKey = '';
  const email = 'founder@example.com';
  const password = 'correct-horse-battery';

  beforeAll(async () => {
    browser = await connectBrowser();
    ({ context, page } = await newPage(browser, baseUrl));
  });
  afterAll(async () => {
    await context?.close();
    await browser?.close();
  });

  it('sends the first visitor to sign-up, which creates the first admin and their organisation', async () => {
    await page.goto('/');
    await page.waitForURL('**/signup');
    await page.getByRole('heading', { name: 'Welcome to Vexil' }).waitFor();
    await screenshot(page, '01-first-run-sign-up');
    await page.getByLabel('First name').fill('Ada');
    await page.getByLabel('Last name').fill('Lovelace');
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(password);
    await page.getByLabel('Organisation name').fill('Analytical Engines');
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.waitForURL('**/organisations/*/projects');
    await page.getByRole('heading', { name: 'Projects in Analytical Engines' }).waitFor();
    await page.getByText(email).first().waitFor();
  });

  it('creates a project and an environment, and shows its keys with an SDK snippet', async () => {
    await page.getByLabel('Project name').fill('Web shop');
    await page.getByRole('button', { name: 'Create project' }).click();
    await page.waitForURL('**/environments/new');
    await page.getByLabel('Environment name').fill('Production');
    await page.getByRole('button', { name: 'Create environment' }).click();
    await page.waitForURL('**/settings');
    clientKey = await page.getByLabel('Client-side key', { exact: true }).inputValue();
    expect(clientKey).toMatch(/^\S{10,}$/);
    expect(await page.locator('pre.code').textContent()).toContain(clientKey);
    await page.getByRole('button', { name: 'Copy client-side key' }).click();
    await page.getByRole('button', { name: 'Copy client-side key' }).getByText('Copied').waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(clientKey);
    await page.getByLabel('New key name').fill('Backend');
    await page.getByRole('button', { name: 'Create server-side key' }).click();
    await page.getByLabel('Server-side key Backend', { exact: true }).waitFor();
    await screenshot(page, '02-environment-keys');
  });

  it('creates a feature and toggles it on', async () => {
    await page.getByRole('link', { name: 'Features' }).click();
    await page.getByRole('button', { name: 'Create the first feature' }).click();
    const dialog = page.getByRole('dialog', { name: 'New feature' });
    await dialog.getByLabel('Name', { exact: true }).fill('new_checkout');
    await dialog.getByLabel('Description').fill('The one-page checkout');
    await dialog.getByLabel('Initial value type').selectOption('json');
    await dialog.getByLabel('Initial value', { exact: true }).fill('{"steps": 1, "theme": "light"}');
    await dialog.getByRole('button', { name: 'Create feature' }).click();
    const toggle = page.getByRole('switch', { name: 'new_checkout enabled' });
    await toggle.waitFor();
    expect(await toggle.getAttribute('aria-checked')).toBe('false');
    await toggle.click();
    await page.getByText('new_checkout turned on').waitFor();
    expect(await toggle.getAttribute('aria-checked')).toBe('true');
    await page.reload();
    expect(
      await page.getByRole('switch', { name: 'new_checkout enabled' }).getAttribute('aria-checked'),
    ).toBe('true');
    await screenshot(page, '03-features');
  });

  it('shows a JSON value formatted on the feature page', async () => {
    await page.getByRole('link', { name: 'new_checkout' }).click();
    const value = page.getByRole('textbox', { name: 'Value', exact: true });
    expect(await value.inputValue()).toBe('{\n  "steps": 1,\n  "theme": "light"\n}');
  });

  it('creates a segment with two conditions', async () => {
    await page.getByRole('link', { name: 'Segments' }).click();
    await page.getByRole('link', { name: 'New segment' }).click();
    await page.getByLabel('Name', { exact: true }).fill('Beta testers in France');
    const first = page.getByRole('group', { name: 'Rule 1 nested rule 1 condition 1' });
    await first.getByLabel('Trait').fill('plan');
    await first.getByLabel('Operator').selectOption('EQUAL');
    await first.getByLabel('Value').fill('beta');
    await page
      .getByRole('group', { name: 'Rule 1 nested rule 1' })
      .getByRole('button', { name: '+ Condition' })
      .click();
    const second = page.getByRole('group', { name: 'Rule 1 nested rule 1 condition 2' });
    await second.getByLabel('Trait').fill('country');
    await second.getByLabel('Operator').selectOption('IN');
    await second.getByLabel('Value').fill('fr,be');
    // Both conditions must hold.
    await page.getByLabel('Rule 1 nested rule 1 matches when').selectOption('ALL');
    await page.getByRole('button', { name: 'Create segment' }).click();
    await page.getByText('Created segment Beta testers in France').waitFor();
    await page.waitForURL(/\/segments\/\d+$/);
  });

  it('tests the segment against typed traits, in the browser, with the engine', async () => {
    const box = page.getByRole('form', { name: 'Test this segment' });
    await box.getByLabel('Identifier').fill('ada');
    await box.getByLabel('Trait 1 key').fill('plan');
    await box.getByLabel('Trait 1 value').fill('beta');
    await box.getByRole('button', { name: '+ Trait' }).click();
    await box.getByLabel('Trait 2 key').fill('country');
    await box.getByLabel('Trait 2 value').fill('be');
    await box.getByRole('button', { name: 'Test', exact: true }).click();
    await box.getByText('✓ ada is in Beta testers in France').waitFor();
    await box.getByLabel('Trait 2 value').fill('de');
    await box.getByRole('button', { name: 'Test', exact: true }).click();
    await box.getByText('✗ ada is not in Beta testers in France').waitFor();
    await box.getByLabel('Trait 2 value').fill('fr');
    await box.getByRole('button', { name: 'Test', exact: true }).click();
    await box.getByText('✓ ada is in Beta testers in France').waitFor();
    await screenshot(page, '04-segment-editor');
  });

  it('overrides the feature for the segment', async () => {
    await page.getByRole('link', { name: 'Features' }).click();
    await page.getByRole('link', { name: 'new_checkout' }).click();
    const form = page.getByRole('form', { name: 'Add a segment override' });
    await form.getByLabel('Segment', { exact: true }).selectOption({ label: 'Beta testers in France' });
    await form.getByLabel('Value for this segment type').selectOption('text');
    await form.getByRole('textbox', { name: 'Value for this segment' }).fill('beta-checkout');
    await form.getByRole('button', { name: 'Add override' }).click();
    await page
      .getByTestId('segment-override')
      .filter({ hasText: 'Beta testers in France' })
      .filter({ hasText: '"beta-checkout"' })
      .waitFor();
    await screenshot(page, '05-feature-overrides');
  });

  it('serves the override through the SDK API to an identity in the segment, and not to others', async () => {
    type Flags = { flags: { feature: { name: string }; enabled: boolean; feature_state_value: unknown }[] };
    const checkout = async (traits: Record<string, string>) => {
      const response = await fetch(`${baseUrl}/api/v1/identities/`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-environment-key': clientKey },
        body: JSON.stringify({
          identifier: `user-${Object.values(traits).join('-')}`,
          traits: Object.entries(traits).map(([trait_key, trait_value]) => ({ trait_key, trait_value })),
        }),
      });
      expect(response.status).toBe(200);
      const body = (await response.json()) as Flags;
      return body.flags.find((f) => f.feature.name === 'new_checkout');
    };
    // The dashboard's writes reach the SDK API through the document pipeline (a rebuild task, then NOTIFY), so
    // the new value arrives shortly after the admin API's 200, not with it.
    await expect
      .poll(() => checkout({ plan: 'beta', country: 'fr' }), { timeout: 10_000, interval: 100 })
      .toMatchObject({ enabled: true, feature_state_value: 'beta-checkout' });
    expect((await checkout({ plan: 'beta', country: 'de' }))?.feature_state_value).toBe(
      '{"steps":1,"theme":"light"}',
    );
  });

  it('lists the changes in the audit log with a before/after diff', async () => {
    await page.getByRole('link', { name: 'Audit log' }).click();
    const entry = page.getByRole('button', { name: /new_checkout/ }).first();
    await entry.waitFor();
    await entry.click();
    await page.getByRole('table', { name: 'Changes' }).waitFor();
    await screenshot(page, '06-audit-log');
  });

  it('shows an identity with its traits and its flags', async () => {
    await page.getByRole('link', { name: 'Identities' }).click();
    await page.getByLabel('New identity').fill('ada@example.com');
    await page.getByRole('button', { name: 'Add identity' }).click();
    await page.getByRole('heading', { name: 'Identity: ada@example.com' }).waitFor();
    await page.getByLabel('Trait key').fill('plan');
    await page.getByLabel('Trait value').fill('beta');
    await page.getByRole('button', { name: 'Set trait' }).click();
    await page.getByRole('cell', { name: '"beta"' }).waitFor();
    await page.getByTestId('identity-flags').locator('tr[data-flag="new_checkout"]').waitFor();
    await screenshot(page, '07-identity');
  });

  it('invites a teammate, who signs up with the link and joins the organisation as a user', async () => {
    await page.getByLabel('Organisation').selectOption({ label: 'Analytical Engines' });
    await page.getByRole('heading', { name: 'People' }).waitFor();
    await page.getByRole('button', { name: 'Create invite link' }).click();
    const link = await page.getByLabel('Invite link (user)').inputValue();
    expect(link).toMatch(/\/signup\?invite=\S+$/);
    await screenshot(page, '15-projects-and-people');
    const teammate = await newPage(browser, baseUrl);
    try {
      await teammate.page.goto(link);
      await teammate.page.getByRole('heading', { name: 'Join your team on Vexil' }).waitFor();
      await teammate.page.getByLabel('Email').fill('charles@example.com');
      await teammate.page.getByLabel('Password').fill('difference-engine');
      await teammate.page.getByRole('button', { name: 'Create account' }).click();
      // A user-role member sees the organisation; projects show up once an admin grants access to them.
      await teammate.page.getByRole('heading', { name: 'Projects in Analytical Engines' }).waitFor();
      expect(await teammate.page.getByText('charles@example.com').count()).toBeGreaterThan(0);
    } finally {
      await teammate.context.close();
    }
    await page.reload();
    await page.getByText('charles@example.com').waitFor();
  });

  it('logs out and back in', async () => {
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.waitForURL('**/login**');
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill('wrong-password');
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByText('Unable to log in with provided credentials.').waitFor();
    await screenshot(page, '08-login-error');
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Log in' }).click();
    // Back where the session ended.
    await page.getByRole('heading', { name: 'Projects in Analytical Engines' }).waitFor();
    expect(uncaughtErrors(page)).toEqual([]);
  });
});
