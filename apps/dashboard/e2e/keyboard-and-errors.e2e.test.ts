import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { adminClient, newAdminUser, newProject, type TestUser } from './support/api.ts';
import { connectBrowser, newPage, screenshot, uncaughtErrors } from './support/browser.ts';
import { tabTo } from './support/keyboard.ts';

/** The main flows with the keyboard alone, and API validation errors shown beside the field they are about. */
describe('keyboard and errors', () => {
  const baseUrl = inject('sharedUrl');
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let user: TestUser;
  let projectPath = '';

  beforeAll(async () => {
    browser = await connectBrowser();
    ({ context, page } = await newPage(browser, baseUrl));
    user = await newAdminUser(baseUrl);
    const { api, project, environment } = await newProject(baseUrl, user);
    await api.post(`/api/v1/projects/${project.id}/features/`, { name: 'existing_flag' });
    projectPath = `/projects/${project.id}/environments/${environment.api_key}`;
  });
  afterAll(async () => {
    await context?.close();
    await browser?.close();
  });

  it('logs in with the keyboard only', async () => {
    await page.goto(`/login?next=${encodeURIComponent(`${projectPath}/features`)}`);
    await page.getByLabel('Email').waitFor();
    // The email field has the focus on arrival.
    await page.keyboard.type(user.email);
    await page.keyboard.press('Tab');
    await page.keyboard.type(user.password);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Features', exact: true }).waitFor();
    expect(page.url()).toContain(`${projectPath}/features`);
  });

  it('offers a skip link first, and reaches the navigation by Tab', async () => {
    await page.locator('body').focus();
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Skip to content');
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('main');
    await tabTo(page, { name: 'Segments' }, 40, true);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Segments', exact: true }).waitFor();
    await tabTo(page, { name: 'Features' }, 40, true);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Features', exact: true }).waitFor();
  });

  it('creates a feature and toggles it with the keyboard; Escape closes a dialog and gives the focus back', async () => {
    await tabTo(page, { name: 'New feature' });
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'New feature' });
    await dialog.waitFor();
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('New feature');

    await page.keyboard.press('Enter');
    await dialog.waitFor();
    await page.keyboard.type('keyboard_flag'); // the name field has the focus
    await page.keyboard.press('Enter'); // submits the form
    await dialog.waitFor({ state: 'hidden' });
    const toggle = page.getByRole('switch', { name: 'keyboard_flag enabled' });
    await toggle.waitFor();
    await tabTo(page, { name: 'keyboard_flag enabled', role: 'switch' }, 80);
    await page.keyboard.press('Space');
    await page.getByText('keyboard_flag turned on').waitFor();
    expect(await toggle.getAttribute('aria-checked')).toBe('true');
    await screenshot(page, '10-keyboard-focus');
  });

  it('shows the API’s validation error next to the field it concerns, and keeps the form', async () => {
    await page.getByRole('button', { name: 'New feature' }).click();
    const dialog = page.getByRole('dialog', { name: 'New feature' });
    const name = dialog.getByLabel('Name', { exact: true });
    await name.fill('EXISTING_FLAG');
    await dialog.getByRole('button', { name: 'Create feature' }).click();
    await dialog.getByRole('alert').first().waitFor();
    expect(await name.getAttribute('aria-invalid')).toBe('true');
    const describedBy = (await name.getAttribute('aria-describedby')) ?? '';
    const message = await page.locator(`[id="${describedBy.split(' ')[0]}"]`).textContent();
    expect(message).toMatch(/Feature with that name already exists/);
    // Right under the field, inside its own field block.
    const field = dialog.locator('.field').filter({ has: page.getByLabel('Name', { exact: true }) });
    expect(await field.getByRole('alert').textContent()).toBe(message);
    expect(await name.inputValue()).toBe('EXISTING_FLAG');
    await screenshot(page, '11-validation-error');
  });

  it('refuses invalid JSON before sending it, beside the value field', async () => {
    const dialog = page.getByRole('dialog', { name: 'New feature' });
    await dialog.getByLabel('Name', { exact: true }).fill('json_flag');
    await dialog.getByLabel('Initial value type').selectOption('json');
    const value = dialog.getByRole('textbox', { name: 'Initial value' });
    await value.fill('{"broken": ');
    await dialog.getByRole('button', { name: 'Create feature' }).click();
    await dialog.getByText(/^Not valid JSON/).waitFor();
    expect(await value.getAttribute('aria-invalid')).toBe('true');
    await page.keyboard.press('Escape');
    expect(uncaughtErrors(page)).toEqual([]);
  });

  it('shows a clear message instead of a blank page for an unknown environment', async () => {
    await page.goto(`${projectPath.replace(/environments\/[^/]+/, 'environments/no-such-key')}/features`);
    await page.getByText('This project has no environment with key no-such-key.').waitFor();
  });

  it('goes back to the login page, and then to where it was, when the session ends elsewhere', async () => {
    await page.goto(`${projectPath}/features`);
    await page.getByRole('heading', { name: 'Features', exact: true }).waitFor();
    const token = await page.evaluate(() => localStorage.getItem('vexil.token'));
    await adminClient(baseUrl, `Token ${token}`).post('/api/v1/auth/logout/');
    // Go to another page with the revoked token. (Clicking a link raced the app: a background refetch could meet
    // the 401 first and move to the login page while the click was being made.)
    await page.goto(`${projectPath}/audit`);
    await page.waitForURL('**/login?next=**');
    await page.getByLabel('Email').fill(user.email);
    await page.getByLabel('Password').fill(user.password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('heading', { name: 'Audit log' }).waitFor();
  });
});
