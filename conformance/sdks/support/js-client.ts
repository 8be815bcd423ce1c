import fs from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { type Browser, chromium } from 'playwright-core';
import type { FlagsView, Traits } from './expectations.ts';

/** The JS client's `getAllFlags()`: names lower-cased, `{id, enabled, value}` each. */
export type JsFlags = Record<string, { id: number; enabled: boolean; value: unknown }>;

export function jsView(flags: JsFlags): FlagsView {
  const view: FlagsView = {};
  for (const [name, f] of Object.entries(flags)) view[name] = { enabled: f.enabled, value: f.value };
  return view;
}

export interface JsIdentity {
  identifier: string;
  traits: Traits;
}

export const CHROMIUM_PATH = process.env.VEXIL_CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'];

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true });
}

/**
 * A page origin other than the API's, so the browser applies CORS exactly as for a real web app: `/` is an empty
 * page that loads the SDK's published browser bundle (`flagsmith/index.js`, a UMD that sets `window.flagsmith` and
 * `window.index.createFlagsmithInstance`).
 */
export async function startStaticSite(): Promise<{ url: string; close: () => Promise<void> }> {
  const bundle = fs.readFileSync(createRequire(import.meta.url).resolve('flagsmith'), 'utf8');
  const page =
    '<!doctype html><html><head><title>sdk</title><script src="/flagsmith.js"></script></head><body></body></html>';
  const server = http.createServer((req, res) => {
    if (req.url === '/flagsmith.js') {
      res.writeHead(200, { 'content-type': 'text/javascript' }).end(bundle);
    } else if (req.url === '/' || req.url === '/index.html') {
      res.writeHead(200, { 'content-type': 'text/html' }).end(page);
    } else if (req.url === '/favicon.ico') {
      // Chromium asks for it; a 404 would show up as a console error, which the suites treat as a failure.
      res.writeHead(204).end();
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
