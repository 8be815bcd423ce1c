import type { ServerResponse } from 'node:http';
import type { ServedEnvironment } from './served-environment.ts';

/**
 * Realtime updates (spec §1.9): SSE streams per environment, sent `environment_updated` with the document's
 * `updated_at` in unix seconds whenever a newer document version is served here (the same notices that refresh the
 * cache). Idle streams get a comment line every `keepAliveMs` so proxies keep them open; close() ends them all.
 */
export class RealtimeHub {
  readonly #streams = new Map<number, Set<ServerResponse>>();
  readonly #timer: NodeJS.Timeout;

  constructor(keepAliveMs: number) {
    this.#timer = setInterval(() => this.#broadcastAll(': keep-alive\n\n'), keepAliveMs);
    this.#timer.unref();
  }

  get size(): number {
    let n = 0;
    for (const set of this.#streams.values()) n += set.size;
    return n;
  }

  /** Takes over a response: headers now, events later, removed when the client goes away. */
  subscribe(environmentId: number, response: ServerResponse) {
    response.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
      'access-control-allow-origin': '*',
      // Tells nginx-style proxies not to buffer the stream.
      'x-accel-buffering': 'no',
    });
    response.write(': connected\n\n');
    let set = this.#streams.get(environmentId);
    if (!set) {
      set = new Set();
      this.#streams.set(environmentId, set);
    }
    set.add(response);
    response.on('close', () => {
      set.delete(response);
      if (set.size === 0) this.#streams.delete(environmentId);
    });
  }

  /** A newer document of `environment` is served: tell its subscribers. */
  publish(environment: ServedEnvironment) {
    const set = this.#streams.get(environment.environmentId);
    if (!set) return;
    const data = JSON.stringify({ updated_at: environment.updatedAt.getTime() / 1000 });
    for (const response of set) response.write(`event: environment_updated\ndata: ${data}\n\n`);
  }

  close() {
    clearInterval(this.#timer);
    for (const set of this.#streams.values()) for (const response of set) response.end();
    this.#streams.clear();
  }

  #broadcastAll(text: string) {
    for (const set of this.#streams.values()) for (const response of set) response.write(text);
  }
}
