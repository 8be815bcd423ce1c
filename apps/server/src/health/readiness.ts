/**
 * Readiness is a list of named checks that each role registers. The endpoint answers 200 only when every
 * critical check passes; a non-critical check that fails shows as "degraded" without taking the process out of
 * rotation (e.g. an SDK-serving process that still has its documents while the database is away).
 */
export type CheckStatus = 'ok' | 'degraded' | 'error';

export interface CheckOutcome {
  status: CheckStatus;
  /** Why, in words an operator can act on; also set when ok if there is something worth saying. */
  detail?: string;
  [extra: string]: unknown;
}

export type Check = () => Promise<CheckOutcome>;

export interface RegisteredCheck {
  name: string;
  check: Check;
  /** A failing critical check makes readiness 503; a failing non-critical one is reported as degraded. */
  critical: boolean;
  timeoutMs: number;
}

export interface ReadinessReport {
  status: CheckStatus;
  failing: string[];
  checks: Record<string, CheckOutcome & { duration_ms: number }>;
}

export class Readiness {
  readonly #checks: RegisteredCheck[] = [];

  register(name: string, check: Check, options: { critical?: boolean; timeoutMs?: number } = {}) {
    if (this.#checks.some((c) => c.name === name))
      throw new Error(`readiness check ${name} registered twice`);
    this.#checks.push({
      name,
      check,
      critical: options.critical ?? true,
      timeoutMs: options.timeoutMs ?? 3_000,
    });
  }

  /** Runs every check concurrently, each bounded by its timeout, so a hung dependency cannot hang the probe. */
  async run(): Promise<ReadinessReport> {
    const outcomes = await Promise.all(
      this.#checks.map(async (c) => {
        const started = performance.now();
        const outcome = await withTimeout(c.check(), c.timeoutMs).catch(
          (err: unknown): CheckOutcome => ({
            status: 'error',
            detail: (err as Error)?.message ?? String(err),
          }),
        );
        const effective: CheckOutcome =
          outcome.status === 'error' && !c.critical ? { ...outcome, status: 'degraded' } : outcome;
        return [c, { ...effective, duration_ms: Math.round(performance.now() - started) }] as const;
      }),
    );
    const checks: ReadinessReport['checks'] = {};
    const failing: string[] = [];
    let degraded = false;
    for (const [c, outcome] of outcomes) {
      checks[c.name] = outcome;
      if (outcome.status === 'error') failing.push(c.name);
      if (outcome.status === 'degraded') degraded = true;
    }
    const status: CheckStatus = failing.length > 0 ? 'error' : degraded ? 'degraded' : 'ok';
    return { status, failing, checks };
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
