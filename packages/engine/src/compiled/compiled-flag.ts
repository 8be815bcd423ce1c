import type { ContextScalar } from '../context/evaluation-context.ts';
import { HashPrefix, type HashSuffix } from '../hashing/prepared-hash.ts';
import { pyStrAny } from '../python/py-str.ts';
import type { FlagResult } from '../result/evaluation-result.ts';
import { hasMetadata, type PlacedVariant, placeVariants } from '../result/variants.ts';

/**
 * A feature context (a default or an override) with a fixed reason, and every flag result it can produce built
 * in advance: results are immutable and shared, so an evaluation allocates no flag objects.
 */
export interface FlagSource {
  /** `"<feature key>,"`, the prefix of the multivariate hash input (only for a source with variants). */
  readonly hashPrefix: HashPrefix | undefined;
  /** The variants laid out on [0, 100), or null when there are none (or none can be chosen). */
  readonly variants: readonly PlacedVariant[] | null;
  /** The result without identity, or without variants. */
  readonly plain: FlagResult;
  /** The result when the identity falls outside every variant. */
  readonly control: FlagResult;
  /** The result for each variant. */
  readonly variantFlags: readonly FlagResult[];
}

const NO_FLAGS: readonly FlagResult[] = [];

/**
 * One frozen flag result. Built as a single literal (not spread from a base), so its properties live inside the
 * object: a large environment holds tens of thousands of these, and an extra property array each was measurable
 * in compile time and heap (bench/RESULTS.md).
 */
function flag(
  name: string,
  enabled: boolean,
  metadata: Readonly<Record<string, unknown>> | undefined,
  value: ContextScalar,
  reason: string,
  variant: string | null,
): FlagResult {
  return Object.freeze(
    metadata === undefined
      ? { name, enabled, value, reason, variant }
      : { name, enabled, value, reason, variant, metadata },
  );
}

/** The variants of a feature context, or null when it has none. */
function variantsOf(feature: Record<string, unknown>): unknown[] | null {
  return Array.isArray(feature.variants) && feature.variants.length > 0 ? feature.variants : null;
}

/** The result of a feature context decided for `reason` without a variant (variant null). */
function plainResult(feature: Record<string, unknown>, reason: string, name: string): FlagResult {
  const metadata = hasMetadata(feature.metadata)
    ? (feature.metadata as Readonly<Record<string, unknown>>)
    : undefined;
  return flag(
    name,
    feature.enabled === true,
    metadata,
    (feature.value ?? null) as ContextScalar,
    reason,
    null,
  );
}

/**
 * The flag result of a feature context without variants decided for `reason` (the same for every identity and
 * without one), or undefined when it has variants and needs a {@link flagSource}. Most overrides have no
 * variants: keeping only their result, not a source object each, means tens of thousands fewer objects in a large
 * environment for the compile to allocate and the garbage collector to copy (bench/RESULTS.md).
 */
export function plainFlag(
  feature: Record<string, unknown>,
  reason: string,
  name = feature.name as string,
): FlagResult | undefined {
  return variantsOf(feature) === null ? plainResult(feature, reason, name) : undefined;
}

/** The source of a {@link plainFlag} result, for the rare paths that need a source object. */
export function plainSource(plain: FlagResult): FlagSource {
  return { hashPrefix: undefined, variants: null, plain, control: plain, variantFlags: NO_FLAGS };
}

/**
 * Prepares a feature context decided for `reason` (`DEFAULT` or `TARGETING_MATCH; segment=<name>`). `name`, when
 * given, is an equal string to use instead of the context's own (every override of a feature then shares the
 * feature's name string rather than keeping its own copy from the parsed document).
 */
export function flagSource(
  feature: Record<string, unknown>,
  reason: string,
  name = feature.name as string,
): FlagSource {
  const plain = plainResult(feature, reason, name);
  const variants = variantsOf(feature);
  if (variants === null) return plainSource(plain);
  const { enabled, metadata, value } = plain;
  const placed = placeVariants(variants);
  const control = flag(name, enabled, metadata, value, reason, 'control');
  // Without a variant that can be chosen, the bucket does not matter: skip the hash. (Loops, not some/map: this
  // runs for every multivariate override of a document.)
  let reachable = false;
  for (let i = 0; i < placed.length && !reachable; i++) {
    const variant = placed[i] as PlacedVariant;
    reachable = variant.start < variant.limit;
  }
  if (!reachable) return { hashPrefix: undefined, variants: null, plain, control, variantFlags: NO_FLAGS };
  const variantFlags: FlagResult[] = [];
  for (let i = 0; i < placed.length; i++) {
    const v = placed[i] as PlacedVariant;
    variantFlags.push(flag(name, enabled, metadata, v.value, v.reason, v.key));
  }
  return {
    hashPrefix: new HashPrefix(`${pyStrAny(feature.key)},`),
    variants: placed,
    plain,
    control,
    variantFlags,
  };
}

/** The flag result of a source with variants for an identity whose bucket is `percentage` (spec §3.7). */
export function flagAt(source: FlagSource, percentage: number): FlagResult {
  const variants = source.variants as readonly PlacedVariant[];
  for (let i = 0; i < variants.length; i++) {
    const variant = variants[i] as PlacedVariant;
    if (variant.start <= percentage && percentage < variant.limit)
      return source.variantFlags[i] as FlagResult;
  }
  return source.control;
}

/**
 * The flag result of a source (spec §3.7): with an identity key and variants, the identity is bucketed by
 * `hash([feature key, identity key])`; a hit gives the variant's value, `SPLIT; weight=<w>` and its key, a miss
 * keeps the reason with variant "control". Otherwise the value as is and variant null.
 */
export function buildFlag(source: FlagSource, identityKey: HashSuffix | null): FlagResult {
  if (identityKey === null) return source.plain;
  if (source.variants === null || source.hashPrefix === undefined) return source.control;
  return flagAt(source, identityKey.percentage(source.hashPrefix));
}
