import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyReply } from 'fastify';
import type { Logger } from '../platform/logger.ts';
import type { HttpServer } from './server.ts';

/** Paths that belong to the server, never to the dashboard: an unknown one is a JSON 404, not the SPA. */
const SERVER_PATHS = /^\/(api|health|metrics)(\/|$)/;

/**
 * Serves the built dashboard (apps/dashboard/dist, or VEXIL_DASHBOARD_DIR) at `/`: files as they are, hashed
 * assets cached for a year, and index.html for every other GET that is not a server path, so that the
 * dashboard's client-side routes survive a reload. The dashboard talks to the server only over HTTP.
 */
export async function registerDashboard(app: HttpServer, deps: { dir: string; logger: Logger }) {
  const root = path.resolve(deps.dir);
  const index = path.join(root, 'index.html');
  if (!existsSync(index)) {
    deps.logger.info(
      { dir: root },
      'dashboard not built: run `npm run build -w @vexil/dashboard` (npm install does it) to serve it at /',
    );
    app.get('/', { schema: { hide: true } }, async (_request, reply) =>
      reply.status(404).send({
        detail: `Dashboard not built (no ${index}). Run: npm run build -w @vexil/dashboard`,
      }),
    );
    return;
  }
  // serve: false only decorates reply.sendFile; the one route below decides what each path gets.
  await app.register(fastifyStatic, { root, serve: false });

  const send = (reply: FastifyReply, file: string) => {
    const immutable = file.startsWith('assets/');
    reply.header('cache-control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
    return reply.sendFile(file, { cacheControl: false });
  };

  app.get('/*', { schema: { hide: true } }, async (request, reply) => {
    const pathname = request.url.split('?')[0] ?? '/';
    if (SERVER_PATHS.test(pathname)) return reply.callNotFound();
    let decoded: string;
    try {
      decoded = decodeURIComponent(pathname);
    } catch {
      return reply.callNotFound();
    }
    const file = path.resolve(root, `.${decoded}`);
    if (file.startsWith(`${root}${path.sep}`) && isFile(file)) return send(reply, path.relative(root, file));
    // A missing asset is a 404, not the SPA: a stale page asking for an old bundle must not get HTML back.
    if (path.extname(decoded) !== '' && !decoded.endsWith('.html')) return reply.callNotFound();
    return send(reply, 'index.html');
  });
}

function isFile(file: string): boolean {
  try {
    return statSync(file).isFile();
  } catch {
    return false;
  }
}
