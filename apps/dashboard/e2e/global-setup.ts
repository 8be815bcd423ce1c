import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BrowserServer, chromium } from 'playwright-core';
import { build } from 'vite';
import type { TestProject } from 'vitest/node';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './support/browser.ts';
import { type SpawnedServer, spawnServer } from './support/server.ts';

const DASHBOARD = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

import { BOOTSTRAP_KEY, SHARED_SEGMENT_LIMIT } from './support/api.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A server nobody has signed up on yet: the first-run journey's. */
    freshUrl: string;
    /** A server with organisation "Default" and BOOTSTRAP_KEY, where each test file makes its own users. */
    sharedUrl: string;
    wsEndpoint: string;
  }
}

/**
 * Once per run: builds the dashboard (about 2 s, into a temporary directory so a running `npm start` is not
 * disturbed), starts two real servers serving it (each on its own embedded database), and launches Chromium.
 */
export async function setup(project: TestProject) {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'vexil-dashboard-e2e-'));
  const dist = path.join(tmp, 'dist');
  await build({ root: DASHBOARD, logLevel: 'warn', build: { outDir: dist, emptyOutDir: true } });

  const common = { VEXIL_DASHBOARD_DIR: dist, LOG_LEVEL: 'info' };
  const started: SpawnedServer[] = [];
  let browser: BrowserServer | undefined;
  const teardown = async () => {
    await browser?.close().catch(() => {});
    await Promise.all(started.map((s) => s.stop()));
    rmSync(tmp, { recursive: true, force: true });
  };
  try {
    const start = async (env: Record<string, string>) => {
      const server = await spawnServer({ ...common, ...env });
      started.push(server);
      return server;
    };
    const launch = async () => {
      browser = await chromium.launchServer({
        executablePath: CHROMIUM_PATH,
        args: CHROMIUM_ARGS,
        headless: true,
      });
      return browser;
    };
    const [fresh, shared, launched] = await Promise.all([
      start({ VEXIL_DATA_DIR: path.join(tmp, 'fresh') }),
      start({
        VEXIL_DATA_DIR: path.join(tmp, 'shared'),
        VEXIL_BOOTSTRAP_API_KEY: BOOTSTRAP_KEY,
        // Small enough for e2e/limits to reach; no other test makes more than three segments in a project.
        VEXIL_MAX_SEGMENTS_PER_PROJECT: String(SHARED_SEGMENT_LIMIT),
      }),
      launch(),
    ]);
    project.provide('freshUrl', fresh.url);
    project.provide('sharedUrl', shared.url);
    project.provide('wsEndpoint', launched.wsEndpoint());
  } catch (err) {
    await teardown();
    throw err;
  }
  return teardown;
}
