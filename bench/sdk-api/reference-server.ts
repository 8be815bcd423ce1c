/**
 * The yardstick, run on the same machine: a plain Fastify route (no hooks, no logging, no schema) answering
 * a constant 300-flag JSON list, serialized per request. usage: node reference-server.ts <flags.json>; prints the
 * URL it listens on.
 */
import { readFileSync } from 'node:fs';
import Fastify from 'fastify';

const flags = JSON.parse(readFileSync(process.argv[2] ?? '', 'utf8')) as unknown[];
const app = Fastify({ logger: false });
app.get('/api/v1/flags/', async () => flags);
const url = await app.listen({ host: '127.0.0.1', port: 0 });
console.log(JSON.stringify({ url }));
process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
