// Compares our flags with flagsmith-nodejs's for the same identities, and explains each difference by finding the
// segment whose membership differs and the condition(s) the two engines decide differently.

import {
  type CompiledEnvironment,
  type EnvironmentDocument,
  environmentDocumentToContext,
  type FlagResult,
} from '@vexil/engine';
import { resolveProperty } from '../../packages/engine/src/context/resolve-property.ts';
import { HashSuffix } from '../../packages/engine/src/hashing/prepared-hash.ts';
import { prepareCondition, testCondition } from '../../packages/engine/src/segments/condition.ts';
import type { FlagsmithNodejs, loadSdkConditionMatcher, SdkFlag } from './flagsmith-nodejs.ts';

export interface Identity {
  readonly identifier: string;
  readonly traits: Record<string, string | number | boolean | null>;
}

/** Why the engines disagree, with the reason (from the spec / docs/compatibility.md). */
export const CAUSES: Readonly<Record<string, string>> = {
  REGEX:
    'Python re.match is anchored at the start and uses Python syntax; flagsmith-nodejs searches anywhere with a JS RegExp.',
  NUMERIC_STRING:
    'Numeric-looking trait strings are coerced to numbers by the Python engine ("35" is 35); flagsmith-nodejs compares them as strings.',
  SEMVER:
    'SemVer: Python parses strictly (semver 3); flagsmith-nodejs uses npm semver, which accepts "v1.2.3" and more.',
  IN: 'IN: Python stringifies ints only and parses JSON lists its own way; flagsmith-nodejs stringifies any value.',
  MODULO:
    'MODULO: Python requires a numeric trait and uses Python modulo (sign of the divisor); flagsmith-nodejs parses strings and uses JS %.',
  TYPED:
    'Typed comparison: Python casts the value to the trait type and a failed cast never matches; flagsmith-nodejs uses loose == and parseFloat.',
  NOT_CONTAINS:
    'NOT_CONTAINS: Python requires a string after coercion; flagsmith-nodejs checks the raw trait.',
  PERCENTAGE_SPLIT:
    'PERCENTAGE_SPLIT: str() differs (Python "True" vs JS "true") or the subject is falsy in JS.',
  PROPERTY:
    'A condition without property: Python reads None (IS_NOT_SET holds); flagsmith-nodejs never matches.',
  IDENTITY_OVERRIDE_VARIANTS:
    "An identity override of a multivariate feature: flagsmith-nodejs keeps the override's variants and splits it; the Python engine's mappers (and Core) drop them, so the override's own value applies.",
  TRAITS:
    'flagsmith-nodejs merged the identity with its stored override identity and dropped falsy traits (0, false, "") (spec §1.10).',
  UNEXPLAINED: 'Not explained by a known difference: investigate.',
};

export interface Difference {
  readonly identifier: string;
  readonly feature: string;
  readonly ours: FlagResult;
  readonly theirs: SdkFlag | undefined;
  readonly cause: keyof typeof CAUSES;
  readonly detail: string;
}

export interface Comparison {
  readonly identities: number;
  readonly flags: number;
  readonly equal: number;
  readonly differences: Difference[];
}

type Matcher = Awaited<ReturnType<typeof loadSdkConditionMatcher>>;
type Condition = { property: string; operator: string; value: unknown };

function causeOf(condition: Condition, trait: unknown): keyof typeof CAUSES {
  const value = typeof condition.value === 'string' ? condition.value : '';
  if (!condition.property) return 'PROPERTY';
  if (condition.operator === 'REGEX') return 'REGEX';
  if (typeof trait === 'string' && /^-?[0-9]+(\.[0-9]+)?$/.test(trait)) return 'NUMERIC_STRING';
  if (value.endsWith(':semver')) return 'SEMVER';
  if (condition.operator === 'IN') return 'IN';
  if (condition.operator === 'MODULO') return 'MODULO';
  if (condition.operator === 'NOT_CONTAINS') return 'NOT_CONTAINS';
  if (condition.operator === 'PERCENTAGE_SPLIT') return 'PERCENTAGE_SPLIT';
  return 'TYPED';
}

/** Every condition of a segment context (rules nested). */
function conditionsOf(rules: readonly unknown[]): Condition[] {
  const out: Condition[] = [];
  for (const rule of rules as { conditions?: Condition[]; rules?: unknown[] }[]) {
    out.push(...(rule.conditions ?? []), ...conditionsOf(rule.rules ?? []));
  }
  return out;
}

/** Runs both engines for every identity and explains every flag that differs in enabled or value. */
export async function compareWithFlagsmith(
  document: EnvironmentDocument,
  compiled: CompiledEnvironment,
  sdk: FlagsmithNodejs,
  sdkMatches: Matcher,
  identities: readonly Identity[],
  onProgress?: (done: number) => void,
): Promise<Comparison> {
  const template = environmentDocumentToContext(document, { identifier: 'template' });
  const segments = Object.values(template.segments ?? {});
  const differences: Difference[] = [];
  let flags = 0;
  let equal = 0;
  for (const [index, identity] of identities.entries()) {
    if (onProgress && index % 500 === 0) onProgress(index);
    const ours = compiled.evaluate(identity);
    const theirs = await sdk.identityFlags(identity.identifier, identity.traits);
    let theirSegments: Set<string> | undefined;
    for (const [name, flag] of Object.entries(ours.flags)) {
      flags++;
      const other = theirs.get(name);
      if (other && other.enabled === flag.enabled && Object.is(other.value ?? null, flag.value ?? null)) {
        equal++;
        continue;
      }
      theirSegments ??= await sdk.identitySegments(identity.identifier, identity.traits);
      const ourSegments = new Set(ours.segments.map((segment) => segment.name as string));
      const context = environmentDocumentToContext(document, identity);
      const root = {
        ...context,
        identity: { ...context.identity, key: `${template.environment.key}_${identity.identifier}` },
      };
      const key = new HashSuffix();
      key.set(root.identity.key);
      let cause: keyof typeof CAUSES = 'UNEXPLAINED';
      let detail = `ours ${flag.reason}, theirs ${other?.reason}`;
      if (flag.reason.endsWith('segment=identity_overrides') && other?.reason?.startsWith('SPLIT')) {
        cause = 'IDENTITY_OVERRIDE_VARIANTS';
        detail = `ours ${JSON.stringify(flag.value)} (${flag.reason}), theirs ${JSON.stringify(other.value)} (${other.reason})`;
      }
      for (const segment of cause === 'UNEXPLAINED' ? segments : []) {
        if (!segment.overrides?.some((override) => override.name === name)) continue;
        if (segment.name === 'identity_overrides') continue;
        if (ourSegments.has(segment.name) === theirSegments.has(segment.name)) continue;
        for (const condition of conditionsOf(segment.rules)) {
          const spec = prepareCondition(condition, segment.key);
          const mine = testCondition(spec, resolveProperty(root, spec.plan), key);
          const sdkSays = sdkMatches(condition, segment.key, root);
          if (mine !== sdkSays) {
            const trait = identity.traits[condition.property];
            cause = causeOf(condition, trait);
            detail = `segment ${segment.name}: ${condition.property} ${condition.operator} ${JSON.stringify(condition.value)} with ${JSON.stringify(trait)}: ours ${mine}, theirs ${sdkSays}`;
            break;
          }
        }
        if (cause === 'UNEXPLAINED') {
          cause = 'TRAITS';
          detail = `segment ${segment.name}: every condition agrees on the traits given, so the SDK evaluated other traits`;
        }
        break;
      }
      differences.push({
        identifier: identity.identifier,
        feature: name,
        ours: flag,
        theirs: other,
        cause,
        detail,
      });
    }
  }
  return { identities: identities.length, flags, equal, differences };
}
