import { fingerprint } from '../../platform/secrets.ts';

const TTL_MS = 60_000;
const MAX_ENTRIES = 10_000;

/**
 * Remembers successful slow-hash verifications by a fingerprint of the presented secret, so a request costs one
 * cheap "is it still live?" query instead of ~50 ms of scrypt. Revocation and logout therefore take effect at once
 * on every process: the live check runs on every hit.
 */
export class VerificationCache<P> {
  readonly #entries = new Map<string, { value: P; until: number }>();

  get(secret: string): P | undefined {
    const fp = fingerprint(secret);
    const hit = this.#entries.get(fp);
    if (!hit) return undefined;
    if (hit.until <= Date.now()) {
      this.#entries.delete(fp);
      return undefined;
    }
    return hit.value;
  }

  set(secret: string, value: P) {
    if (this.#entries.size >= MAX_ENTRIES) this.#entries.clear();
    this.#entries.set(fingerprint(secret), { value, until: Date.now() + TTL_MS });
  }

  forgetWhere(predicate: (value: P) => boolean) {
    for (const [fp, entry] of this.#entries) if (predicate(entry.value)) this.#entries.delete(fp);
  }

  forget(secret: string) {
    this.#entries.delete(fingerprint(secret));
  }
}
