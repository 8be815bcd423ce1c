import { RateLimitedError } from '../../platform/errors.ts';

export interface RateLimit {
  perEmail: number;
  perIp: number;
  windowSeconds: number;
}

/**
 * Fixed-window login throttle per email address and per client IP, held in this process's memory: it slows
 * password guessing without a shared store. Several processes each keep their own count, so the effective limit
 * is N times the configured one; a restart forgets. Every attempt counts, successful or not, so a correct guess
 * cannot reset the window.
 */
export class LoginRateLimiter {
  readonly #limit: RateLimit;
  readonly #now: () => number;
  readonly #windows = new Map<string, { start: number; count: number }>();

  constructor(limit: RateLimit, now: () => number = Date.now) {
    this.#limit = limit;
    this.#now = now;
  }

  /** Records an attempt; throws RateLimitedError (429 with Retry-After) when either budget is spent. */
  attempt(email: string, ip: string) {
    const now = this.#now();
    const windowMs = this.#limit.windowSeconds * 1000;
    if (this.#windows.size > 50_000) this.#sweep(now, windowMs);
    for (const [key, max] of [
      [`email:${email.trim().toLowerCase()}`, this.#limit.perEmail],
      [`ip:${ip}`, this.#limit.perIp],
    ] as const) {
      let w = this.#windows.get(key);
      if (!w || now - w.start >= windowMs) {
        w = { start: now, count: 0 };
        this.#windows.set(key, w);
      }
      if (w.count >= max) {
        throw new RateLimitedError(Math.max(1, Math.ceil((w.start + windowMs - now) / 1000)));
      }
    }
    for (const key of [`email:${email.trim().toLowerCase()}`, `ip:${ip}`]) {
      const w = this.#windows.get(key);
      if (w) w.count++;
    }
  }

  #sweep(now: number, windowMs: number) {
    for (const [key, w] of this.#windows) if (now - w.start >= windowMs) this.#windows.delete(key);
  }
}
