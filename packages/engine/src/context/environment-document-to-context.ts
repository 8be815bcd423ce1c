import { pyStrAny } from '../python/py-str.ts';
import type { EnvironmentDocument } from './environment-document.ts';
import type {
  ContextScalar,
  EvaluationContext,
  FeatureContext,
  SegmentCondition,
  SegmentContext,
  SegmentRule,
} from './evaluation-context.ts';
import {
  featureStateName,
  featureStateToFeatureContext,
  type MetadataCache,
} from './feature-state-to-feature-context.ts';
import { identityOverridesToSegments } from './identity-overrides-to-segments.ts';
import { isRecord } from './resolve-property.ts';

/**
 * The identity to evaluate: an identifier, optional traits and an optional explicit hashing key (spec §3.2).
 *
 * @example
 * ```ts
 * const identity: IdentityInput = { identifier: 'user-123', traits: { plan: 'beta', age: 30, beta: true } };
 * ```
 */
export interface IdentityInput {
  readonly identifier: string;
  readonly traits?: Readonly<Record<string, ContextScalar>> | null;
  /** Leave unset for SDK semantics (`"<environment key>_<identifier>"`); Core may pass `str(identity.pk)`. */
  readonly key?: string | null;
}

function list(value: unknown): readonly unknown[] {
  return Array.isArray(value) ? value : [];
}

// Flagsmith parity (flag_engine and Core context mappers): a null property_ or value becomes "".
function mapCondition(condition: unknown): SegmentCondition {
  const fields = isRecord(condition) ? condition : {};
  return {
    property: (fields.property_ ?? '') as string,
    operator: fields.operator as SegmentCondition['operator'],
    value: (fields.value ?? '') as string,
  };
}

function mapRule(rule: unknown): SegmentRule {
  const fields = isRecord(rule) ? rule : {};
  return {
    type: fields.type as SegmentRule['type'],
    conditions: list(fields.conditions).map(mapCondition),
    rules: list(fields.rules).map(mapRule),
  };
}

function mapFeatureStates(states: unknown, metadata: MetadataCache): FeatureContext[] {
  const contexts: FeatureContext[] = [];
  const all = list(states);
  // An index loop, not for-of: this runs mostly unoptimised, where for-of allocates an iterator result per step.
  for (let i = 0; i < all.length; i++) {
    const state = all[i];
    const name = featureStateName(state);
    if (name !== undefined)
      contexts.push(featureStateToFeatureContext(state as Record<string, unknown>, name, { metadata }));
  }
  return contexts;
}

/**
 * The parts of the context that depend only on the document, with the segments not yet mapped: `segments` lists
 * them in context order (the order of `Object.values(context.segments)`), `segment(i)` maps one when asked. A
 * compile asks for each once and drops it, so the mapped contexts of a large document die young instead of all
 * living through the compile (bench/RESULTS.md).
 */
export interface DocumentParts {
  readonly environment: EvaluationContext['environment'];
  readonly features: Record<string, FeatureContext>;
  /** The segments' keys in the context, in context order. */
  readonly segmentKeys: readonly string[];
  segment(index: number): SegmentContext;
}

/** Splits a document into {@link DocumentParts}. */
export function documentParts(document: EnvironmentDocument): DocumentParts {
  const doc: Record<string, unknown> = isRecord(document) ? document : {};
  const metadata: MetadataCache = new Map();
  const features: Record<string, FeatureContext> = {};
  for (const feature of mapFeatureStates(doc.feature_states, metadata)) features[feature.name] = feature;
  // Keyed as in the context, so integer-like ids sort and a repeated id keeps its first place and last segment.
  const byKey: Record<string, unknown> = {};
  const project = isRecord(doc.project) ? doc.project : {};
  for (const segment of list(project.segments)) if (isRecord(segment)) byKey[pyStrAny(segment.id)] = segment;
  const prepared = identityOverridesToSegments(doc.identity_overrides, metadata);
  Object.assign(byKey, prepared);
  const mapped = new Set<unknown>(Object.values(prepared));
  const ordered = Object.values(byKey) as Record<string, unknown>[];
  return {
    environment: { key: pyStrAny(doc.api_key ?? ''), name: pyStrAny(doc.name ?? '') },
    features,
    segmentKeys: Object.keys(byKey),
    segment: (index) => {
      const item = ordered[index] as Record<string, unknown>;
      return mapped.has(item) ? (item as unknown as SegmentContext) : mapSegment(item, metadata);
    },
  };
}

function mapSegment(segment: Record<string, unknown>, metadata: MetadataCache): SegmentContext {
  const key = pyStrAny(segment.id);
  const overrides = mapFeatureStates(segment.feature_states, metadata);
  return {
    key,
    name: pyStrAny(segment.name ?? ''),
    rules: list(segment.rules).map(mapRule),
    ...(overrides.length > 0 ? { overrides } : {}),
    metadata: Object.freeze({ source: 'api', id: segment.id ?? null }),
  };
}

/** The parts of the context that depend only on the document: environment, features and all segments. */
export function documentToContextTemplate(
  document: EnvironmentDocument,
): Required<Pick<EvaluationContext, 'environment' | 'features' | 'segments'>> {
  const parts = documentParts(document);
  const segments: Record<string, SegmentContext> = {};
  parts.segmentKeys.forEach((key, index) => {
    segments[key] = parts.segment(index);
  });
  return { environment: parts.environment, features: parts.features, segments };
}

/**
 * Maps an environment document (GET /api/v1/environment-document/, spec §2) and an optional identity to an
 * evaluation context, as Flagsmith's server-side SDKs do (spec §2.3):
 * - features keyed by name; key = django_id (else featurestate_uuid); metadata `{id: feature.id}`; variants with
 *   priority = multivariate value id (UUID order when ids are missing); segment override priority when present;
 * - segments keyed by id, metadata `{source: "api", id}`, conditions' `property_` renamed to `property`;
 * - identity overrides grouped into synthetic `identity_overrides` segments (priority -Infinity);
 * - without an identity, no segments at all: environment flags are their defaults, as the SDKs evaluate them
 *   (spec §3.1).
 *
 * Missing or null fields are tolerated (the OpenAPI schema requires only a few). The context references the
 * identity's traits object and shares nothing else with the document.
 *
 * @example
 * ```ts
 * import { environmentDocumentToContext, getEvaluationResult } from '@vexil/engine';
 *
 * const document = await (await fetch(`${apiUrl}/environment-document/`, { headers })).json();
 * const context = environmentDocumentToContext(document, { identifier: 'user-123', traits: { plan: 'beta' } });
 * const { flags } = getEvaluationResult(context);
 * ```
 */
export function environmentDocumentToContext(
  document: EnvironmentDocument,
  identity?: IdentityInput | null,
): EvaluationContext {
  const { environment, features, segments } = documentToContextTemplate(document);
  if (!isRecord(identity)) return { environment, features };
  return { environment, identity: toIdentityContext(identity), features, segments };
}

/** The identity part of a context: identifier, traits (empty when absent) and the key only when given. */
export function toIdentityContext(identity: IdentityInput): NonNullable<EvaluationContext['identity']> {
  const traits = isRecord(identity.traits) ? identity.traits : {};
  return identity.key
    ? { identifier: identity.identifier, key: identity.key, traits }
    : { identifier: identity.identifier, traits };
}
