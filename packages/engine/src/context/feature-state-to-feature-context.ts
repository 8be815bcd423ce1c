import { pyStrAny } from '../python/py-str.ts';
import type { ContextScalar, FeatureContext, FeatureValue } from './evaluation-context.ts';
import { isRecord } from './resolve-property.ts';

const UUID = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;

/** Python's `mv.id or UUID(mv.mv_fs_value_uuid).int`, exactly (a 128-bit integer); undefined if neither works. */
function exactVariantOrder(mv: Record<string, unknown>): bigint | undefined {
  const id = mv.id;
  if (typeof id === 'number' && Number.isInteger(id) && id !== 0) return BigInt(id);
  const uuid = mv.mv_fs_value_uuid;
  if (typeof uuid === 'string' && UUID.test(uuid)) return BigInt(`0x${uuid.replaceAll('-', '')}`);
  return undefined;
}

/**
 * Variant priorities (spec §2.3): the multivariate value id, or its UUID read as a 128-bit integer. A UUID does not
 * fit a JavaScript number, so when any variant needs one, every variant gets its *rank* in the exact 128-bit order
 * instead (equal keys share a rank; unusable ones go last). Only the order matters to the engine, and ranks keep
 * it exact.
 */
function variantPriorities(values: readonly Record<string, unknown>[]): number[] {
  // The usual case, every variant with a safe integer id, needs no BigInt (compiling a large document maps
  // thousands of variants).
  const ids = values.map((mv) => mv.id);
  if (ids.every((id) => typeof id === 'number' && Number.isSafeInteger(id) && id > 0)) return ids as number[];
  const exact = values.map(exactVariantOrder);
  if (exact.every((key) => key !== undefined && key <= BigInt(Number.MAX_SAFE_INTEGER))) {
    return exact.map((key) => Number(key));
  }
  const distinct = [...new Set(exact.filter((key): key is bigint => key !== undefined))].sort((a, b) =>
    a < b ? -1 : a > b ? 1 : 0,
  );
  return exact.map((key) => (key === undefined ? distinct.length : distinct.indexOf(key)));
}

function mapVariants(values: unknown): FeatureValue[] | undefined {
  if (!Array.isArray(values)) return undefined;
  const records = values.filter(isRecord);
  if (records.length === 0) return undefined;
  const priorities = variantPriorities(records);
  return records.map((mv, index) => {
    const option = isRecord(mv.multivariate_feature_option) ? mv.multivariate_feature_option : {};
    const weight = mv.percentage_allocation;
    const variant: FeatureValue = {
      value: (option.value ?? null) as ContextScalar,
      weight: typeof weight === 'number' ? weight : 0,
      priority: priorities[index] ?? 0,
    };
    return typeof option.key === 'string' ? { ...variant, key: option.key } : variant;
  });
}

/** A document feature state's feature name, or undefined when it has none (such states are skipped). */
export function featureStateName(state: unknown): string | undefined {
  if (!isRecord(state) || !isRecord(state.feature)) return undefined;
  const name = state.feature.name;
  return typeof name === 'string' ? name : undefined;
}

/**
 * Frozen `{id: feature.id}` metadata objects by feature id, shared by every feature state of one document: a large
 * document has tens of thousands of overrides of a few hundred features, and the compiled environment keeps each
 * override's metadata in its flag results.
 */
export type MetadataCache = Map<unknown, Readonly<Record<string, unknown>>>;

function featureMetadata(id: unknown, cache: MetadataCache | undefined): Readonly<Record<string, unknown>> {
  // Only primitives are shared (a Map would also merge -0 with 0, which deep equality tells apart).
  const shareable =
    cache !== undefined && (typeof id === 'string' || (typeof id === 'number' && !Object.is(id, -0)));
  let metadata = shareable ? cache.get(id) : undefined;
  if (metadata === undefined) {
    metadata = Object.freeze({ id: id ?? null });
    if (shareable) cache.set(id, metadata);
  }
  return metadata;
}

/**
 * Maps a document feature state to a feature context (spec §2.3): key = str(django_id) or featurestate_uuid
 * (Python's `str(django_id or featurestate_uuid)`), value, enabled, variants, segment priority when present, and
 * metadata `{id: feature.id}` (frozen: results share it). With `withVariants: false` the variants are dropped (identity overrides).
 */
export function featureStateToFeatureContext(
  state: Record<string, unknown>,
  name: string,
  options: {
    readonly key?: string;
    readonly priority?: number;
    readonly withVariants?: boolean;
    readonly metadata?: MetadataCache;
  } = {},
): FeatureContext {
  const feature = isRecord(state.feature) ? state.feature : {};
  const seed = state.django_id || state.featurestate_uuid;
  const segment = isRecord(state.feature_segment) ? state.feature_segment : undefined;
  const segmentPriority = typeof segment?.priority === 'number' ? segment.priority : undefined;
  const priority = options.priority ?? segmentPriority;
  const variants =
    options.withVariants === false ? undefined : mapVariants(state.multivariate_feature_state_values);
  const key = options.key ?? (seed ? pyStrAny(seed) : '');
  const enabled = state.enabled === true;
  const value = (state.feature_state_value ?? null) as ContextScalar;
  const metadata = featureMetadata(feature.id, options.metadata);
  // One literal per shape (optional fields absent, not undefined), so every property is stored in the object:
  // adding fields afterwards allocated a second backing store for each of a large document's feature states.
  if (variants === undefined) {
    return priority === undefined
      ? { key, name, enabled, value, metadata }
      : { key, name, enabled, value, priority, metadata };
  }
  return priority === undefined
    ? { key, name, enabled, value, variants, metadata }
    : { key, name, enabled, value, variants, priority, metadata };
}
