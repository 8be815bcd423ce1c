/**
 * The serialized feature states of each segment's overrides, kept between rebuilds with the fingerprint of the
 * rows they were written from (document-queries.ts, overrideFingerprints). A rebuild re-reads and re-serializes
 * only the segments whose fingerprint changed; for the seed-scale environment (5,000 of 5,500 states are segment
 * overrides) that is most of a rebuild's rows, parsing, copying into the worker thread and JSON.stringify (issue 6).
 *
 * One cache per worker thread (a module-level instance in document-tasks.ts): consecutive rebuilds of an
 * environment usually land on the same thread, since the process that finishes one claims the queued follow-up.
 * A miss only costs the full read the builder did anyway. Memory is bounded by MAX_CHARS across environments,
 * least recently built dropped first; the rebuild thread's heap limit is 256 MB.
 */
export interface CachedOverrides {
  fingerprint: string;
  /** The states' JSON texts, comma-separated, in document order. */
  text: string;
  count: number;
}

/** About 2 × 32 MB of UTF-16: ten seed-scale environments. */
const MAX_CHARS = 32 * 1024 * 1024;

export class FragmentCache {
  readonly #environments = new Map<number, { segments: Map<number, CachedOverrides>; chars: number }>();
  readonly #maxChars: number;
  #chars = 0;
  /** Segments served from the cache and re-serialized (for tests and the rebuild's log line). */
  hits = 0;
  misses = 0;

  constructor(maxChars = MAX_CHARS) {
    this.#maxChars = maxChars;
  }

  /** The entry if its fingerprint is still `fingerprint`. */
  get(environmentId: number, segmentId: number, fingerprint: string): CachedOverrides | undefined {
    const entry = this.#environments.get(environmentId)?.segments.get(segmentId);
    if (entry?.fingerprint === fingerprint) {
      this.hits++;
      return entry;
    }
    this.misses++;
    return undefined;
  }

  set(environmentId: number, segmentId: number, entry: CachedOverrides): void {
    let env = this.#environments.get(environmentId);
    if (env) {
      // Most recently built last: Map order is the eviction order.
      this.#environments.delete(environmentId);
    } else {
      env = { segments: new Map(), chars: 0 };
    }
    this.#environments.set(environmentId, env);
    this.#forget(env, segmentId);
    env.segments.set(segmentId, entry);
    env.chars += entry.text.length;
    this.#chars += entry.text.length;
    for (const [id, oldest] of this.#environments) {
      if (this.#chars <= this.#maxChars || id === environmentId) break;
      this.#chars -= oldest.chars;
      this.#environments.delete(id);
    }
  }

  /** A segment that has no overrides any more. */
  delete(environmentId: number, segmentId: number): void {
    const env = this.#environments.get(environmentId);
    if (env) this.#forget(env, segmentId);
  }

  #forget(env: { segments: Map<number, CachedOverrides>; chars: number }, segmentId: number) {
    const old = env.segments.get(segmentId);
    if (!old) return;
    env.segments.delete(segmentId);
    env.chars -= old.text.length;
    this.#chars -= old.text.length;
  }
}
