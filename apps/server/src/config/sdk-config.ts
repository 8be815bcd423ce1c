import type { ParseInteger } from './task-config.ts';

/** The SDK API's settings (docs/sdk-api.md#configuration). */
export interface SdkSettings {
  /** How often served documents are compared with the stored versions when no notification arrives. */
  refreshIntervalMs: number;
  /** How long an environment key's resolution is trusted; a deleted or deactivated key works at most this long. */
  keyCacheSeconds: number;
  /** Readiness turns degraded when the documents could not be checked against the database for this long. */
  staleAfterSeconds: number;
  /** Analytics counts are written to the database this often. */
  analyticsFlushMs: number;
  /** A comment line is sent on idle SSE streams this often, so proxies keep them open. */
  sseKeepAliveMs: number;
  /** Identity writes waiting for the database; beyond it POST /identities/ answers 503 instead of losing writes. */
  identityWriteQueueMax: number;
}

export function loadSdkSettings(get: (name: string) => string | undefined, parse: ParseInteger): SdkSettings {
  const int = (name: string, fallback: number, min: number, max: number) =>
    parse(get(name), fallback, min, max, name);
  return {
    refreshIntervalMs: int('VEXIL_SDK_REFRESH_INTERVAL_MS', 5_000, 50, 600_000),
    keyCacheSeconds: int('VEXIL_SDK_KEY_CACHE_SECONDS', 10, 0, 3_600),
    staleAfterSeconds: int('VEXIL_SDK_STALE_AFTER_SECONDS', 30, 1, 86_400),
    analyticsFlushMs: int('VEXIL_SDK_ANALYTICS_FLUSH_MS', 10_000, 50, 3_600_000),
    sseKeepAliveMs: int('VEXIL_SDK_SSE_KEEPALIVE_MS', 15_000, 50, 600_000),
    identityWriteQueueMax: int('VEXIL_SDK_IDENTITY_WRITE_QUEUE_MAX', 50_000, 1, 10_000_000),
  };
}
