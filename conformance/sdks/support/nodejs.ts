import { Flagsmith, type FlagsmithConfig } from 'flagsmith-nodejs';
import type { FlagsView } from './expectations.ts';

/** The official flagsmith-nodejs client pointed at the server under test, quiet, without retries by default. */
export function nodeClient(baseUrl: string, environmentKey: string, config: Partial<FlagsmithConfig> = {}) {
  return new Flagsmith({
    environmentKey,
    apiUrl: `${baseUrl}/api/v1/`,
    retries: 0,
    requestTimeoutSeconds: 5,
    logger: silentLogger(),
    ...config,
  });
}

/** What a Flags object holds, in the shape expectations use (`allFlags()` does not track analytics). */
export function nodeView(flags: { allFlags(): { featureName: string; enabled: boolean; value: unknown }[] }) {
  const view: FlagsView = {};
  for (const f of flags.allFlags()) view[f.featureName] = { enabled: f.enabled, value: f.value };
  return view;
}

// pino-compatible enough for the SDK: it only calls these methods.
function silentLogger(): NonNullable<FlagsmithConfig['logger']> {
  const noop = () => undefined;
  const logger = {
    info: noop,
    warn: noop,
    error: noop,
    debug: noop,
    trace: noop,
    fatal: noop,
    child: () => logger,
  };
  return logger as unknown as NonNullable<FlagsmithConfig['logger']>;
}
