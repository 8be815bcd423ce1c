// The official Flagsmith Node SDK (flagsmith-nodejs), used the way bench-flagsmith-nodejs.mjs uses it: local
// evaluation of an offline environment document. Its engine internals are loaded by file URL (the package's
// exports map only exposes the SDK) to explain differences condition by condition.

import { Flagsmith, LocalFileHandler } from 'flagsmith-nodejs';

type Traits = Record<string, string | number | boolean | null>;

/** One flag as the SDK reports it. */
export interface SdkFlag {
  readonly name: string;
  readonly enabled: boolean;
  readonly value: unknown;
  readonly reason: string | undefined;
}

/** Local evaluation with flagsmith-nodejs over an environment document file. */
export class FlagsmithNodejs {
  private readonly client: Flagsmith;

  constructor(documentPath: string) {
    this.client = new Flagsmith({
      environmentKey: 'ser.bench',
      enableLocalEvaluation: true,
      offlineMode: true,
      offlineHandler: new LocalFileHandler(documentPath),
    });
  }

  /** All flags of an identity, keyed by feature name. */
  async identityFlags(identifier: string, traits: Traits): Promise<Map<string, SdkFlag>> {
    const flags = await this.client.getIdentityFlags(identifier, traits);
    const byName = new Map<string, SdkFlag>();
    for (const flag of flags.allFlags()) {
      byName.set(flag.featureName, {
        name: flag.featureName,
        enabled: flag.enabled,
        value: flag.value,
        reason: flag.reason,
      });
    }
    return byName;
  }

  /** The names of the API segments the identity belongs to. */
  async identitySegments(identifier: string, traits: Traits): Promise<Set<string>> {
    const segments = await this.client.getIdentitySegments(identifier, traits);
    return new Set(segments.map((segment: { name: string }) => segment.name));
  }
}

type ConditionMatcher = (
  condition: { property: string; operator: string; value: unknown },
  segmentKey: string,
  context: unknown,
) => boolean;

/** flagsmith-nodejs's own condition evaluator (flagsmith-engine/segments/evaluators.js). */
export async function loadSdkConditionMatcher(): Promise<ConditionMatcher> {
  const entry = import.meta.resolve('flagsmith-nodejs');
  const module = await import(new URL('./flagsmith-engine/segments/evaluators.js', entry).href);
  return module.traitsMatchSegmentCondition as ConditionMatcher;
}
