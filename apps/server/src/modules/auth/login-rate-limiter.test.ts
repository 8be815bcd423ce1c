import { describe, expect, it } from 'vitest';
import { RateLimitedError } from '../../platform/errors.ts';
import { LoginRateLimiter } from './login-rate-limiter.ts';

describe('LoginRateLimiter.attempt', () => {
  it('allows the budget per email, then refuses with the seconds until the window ends', () => {
    let now = 0;
    const limiter = new LoginRateLimiter({ perEmail: 2, perIp: 100, windowSeconds: 60 }, () => now);
    limiter.attempt('A@x.io', '1.1.1.1');
    limiter.attempt('a@x.io ', '2.2.2.2');
    now = 15_000;
    let error: unknown;
    try {
      limiter.attempt('a@x.io', '3.3.3.3');
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(RateLimitedError);
    expect((error as RateLimitedError).retryAfterSeconds).toBe(45);
    limiter.attempt('b@x.io', '3.3.3.3');
    now = 60_000;
    limiter.attempt('a@x.io', '3.3.3.3');
  });

  it('limits per client IP across emails', () => {
    const limiter = new LoginRateLimiter({ perEmail: 100, perIp: 3, windowSeconds: 60 }, () => 0);
    for (const e of ['a', 'b', 'c']) limiter.attempt(`${e}@x.io`, '9.9.9.9');
    expect(() => limiter.attempt('d@x.io', '9.9.9.9')).toThrow(RateLimitedError);
    limiter.attempt('d@x.io', '8.8.8.8');
  });
});
