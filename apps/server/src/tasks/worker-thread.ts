/**
 * Entry point of a task worker thread (started by worker-pool.ts, never imported). It runs one task at a time:
 * imports the definition's module, calls its handler, reports the result. Limits are enforced from outside
 * (resourceLimits on the thread, terminate() on timeout), so nothing here has to cooperate for them to work.
 */
import { parentPort } from 'node:worker_threads';
import { createProxyKysely, reviveError } from './db-proxy-client.ts';
import { isTaskDefinition, type TaskContext, type TaskDefinition, type TaskLog } from './task-definition.ts';
import { type DbRequest, type FromWorker, serializeError, type ToWorker } from './worker-protocol.ts';

const port = parentPort;
if (!port) throw new Error('worker-thread.ts runs only as a worker thread');

const post = (message: FromWorker) => port.postMessage(message);

const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
let nextId = 1;
const db = createProxyKysely(
  (request: DbRequest) =>
    new Promise((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve, reject });
      post({ kind: 'db', id, ...request });
    }),
);

const log: TaskLog = {
  info: (message, fields) => post({ kind: 'log', level: 'info', message, ...(fields ? { fields } : {}) }),
  warn: (message, fields) => post({ kind: 'log', level: 'warn', message, ...(fields ? { fields } : {}) }),
  error: (message, fields) => post({ kind: 'log', level: 'error', message, ...(fields ? { fields } : {}) }),
};

const modules = new Map<string, Promise<Record<string, unknown>>>();

async function findDefinition(moduleUrl: string, type: string): Promise<TaskDefinition> {
  let loading = modules.get(moduleUrl);
  if (!loading) {
    loading = import(moduleUrl) as Promise<Record<string, unknown>>;
    modules.set(moduleUrl, loading);
  }
  const exports = await loading;
  const found = Object.values(exports).find((v) => isTaskDefinition(v) && v.type === type);
  if (!found) throw new Error(`${moduleUrl} exports no task definition of type ${type}`);
  return found as TaskDefinition;
}

port.on('message', (message: ToWorker) => {
  if (message.kind === 'db-reply') {
    const waiter = pending.get(message.id);
    pending.delete(message.id);
    if (message.error) waiter?.reject(reviveError(message.error));
    else waiter?.resolve(message.value);
    return;
  }
  void run(message);
});

async function run(message: Extract<ToWorker, { kind: 'run' }>) {
  try {
    const definition = await findDefinition(message.module, message.run.type);
    const ctx: TaskContext = { db, task: message.run, log };
    await definition.handler(message.payload, ctx);
    post({ kind: 'result', ok: true });
  } catch (err) {
    // By name, not instanceof: the handler's module may hold another copy of task-definition.ts.
    const permanent = err instanceof Error && err.name === 'PermanentTaskError';
    post({ kind: 'result', ok: false, error: serializeError(err), permanent });
  }
}
