import type { HttpServer } from '../http/server.ts';
import type { Metrics } from '../platform/metrics.ts';
import type { Readiness } from './readiness.ts';

/** Liveness: the process runs. Readiness: it can do its job. Metrics: Prometheus text. */
export function registerHealthRoutes(app: HttpServer, deps: { readiness: Readiness; metrics: Metrics }) {
  app.get('/health/liveness', async () => ({ status: 'ok' }));

  app.get('/health/readiness', async (_request, reply) => {
    const report = await deps.readiness.run();
    return reply.status(report.status === 'error' ? 503 : 200).send(report);
  });

  app.get('/metrics', async (_request, reply) => {
    reply.header('content-type', deps.metrics.registry.contentType);
    return deps.metrics.registry.metrics();
  });
}
