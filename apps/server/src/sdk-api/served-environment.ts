import {
  type CompiledEnvironment,
  compileEnvironment,
  type EnvironmentDocument,
  type FlagResult,
  type SegmentResult,
} from '@vexil/engine';
import type { StoredDocument } from '../environment-document/index.ts';
import { EncodedBody } from './encoded-body.ts';

/** What the document does not carry but Core's flag objects show (read from `features` when a document loads). */
export interface FeatureDetails {
  id: number;
  created_date: Date;
  description: string | null;
  initial_value: string | null;
  default_enabled: boolean;
  /** The values of the feature's multivariate options (all of them, in id order), or null when it has none. */
  multivariate_options: readonly unknown[] | null;
}

/** Who is asking: a server-side key (`ser.`) sees server-key-only features and the environment document. */
export type Origin = 'client' | 'server';

interface DocFeatureState {
  feature?: { id?: number | string | null; name?: string | null; type?: string | null } | null;
  enabled?: boolean | null;
  django_id?: number | string | null;
  feature_state_value?: unknown;
}

interface DocSettings {
  id?: number;
  api_key?: string;
  allow_client_traits?: boolean;
  hide_sensitive_data?: boolean;
  hide_disabled_flags?: boolean | null;
  use_identity_composite_key_for_hashing?: boolean;
  updated_at?: string;
  feature_states?: DocFeatureState[];
  project?: {
    id?: number;
    hide_disabled_flags?: boolean;
    server_key_only_feature_ids?: number[];
    organisation?: { stop_serving_flags?: boolean; persist_trait_data?: boolean };
  };
}

/** One feature as served: the JSON text before and after its value, so a flag object is built by concatenation. */
interface ServedFeature {
  name: string;
  serverKeyOnly: boolean;
  /** `{"id":…,"feature":{…},"feature_state_value":` */
  head: string;
  /** `,"environment":…,"identity":null,"feature_segment":null,"enabled":` */
  middle: string;
}

const MAX_FRAGMENTS_PER_FEATURE = 256;

/** Django's datetime format in DRF responses: microseconds and `Z`. */
function djangoDate(date: Date): string {
  return date.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

/**
 * One environment ready to serve: its stored document, compiled, with every identity-independent response
 * serialized once. Immutable; a new document version builds a new one.
 */
export class ServedEnvironment {
  readonly environmentId: number;
  readonly dataVersion: number;
  readonly updatedAt: Date;
  /** The document body exactly as stored (GET /environment-document/), with its compressed forms. */
  readonly documentBody: EncodedBody;
  readonly documentBytes: number;
  readonly compiled: CompiledEnvironment;
  /** Analytics accept counts only for these. */
  readonly featureNames: ReadonlySet<string>;
  readonly clientKey: string;
  readonly allowClientTraits: boolean;
  readonly hideSensitiveData: boolean;
  readonly hideDisabledFlags: boolean;
  readonly useCompositeKey: boolean;
  readonly persistTraitData: boolean;
  readonly stopServingFlags: boolean;
  /** `X-Flagsmith-Document-Updated-At`: unix seconds with microseconds, as Core prints `timestamp()`. */
  readonly updatedAtHeader: string;
  readonly lastModifiedHeader: string;
  readonly #features: readonly ServedFeature[];
  /** Encoded once: sending bytes skips the per-request UTF-8 encoding (and compression) of a 100 KB body. */
  readonly #flagsBody: Record<Origin, EncodedBody>;
  readonly #flagByName: Record<Origin, Map<string, string>>;
  /**
   * Identity flag objects as UTF-8 bytes, per feature, by value, variant and enabled. A feature's values come from
   * its document (default, overrides, variants), so each cache stays small; building a 90 KB identity response from
   * these instead of from strings skips most of its string building and its UTF-8 encoding.
   */
  readonly #identityFragments: Array<Map<unknown, Map<string | null, [Buffer?, Buffer?]>>>;
  /** GET /flags/{id}/multivariate-options/ bodies by feature id, for the features of this document. */
  readonly #multivariateOptions = new Map<number, { body: string; serverKeyOnly: boolean }>();

  /** Segment id → description (not in the document), for the deprecated identity route's `segments`. */
  readonly #segmentDescriptions: ReadonlyMap<number, string | null>;

  constructor(
    stored: StoredDocument,
    details: ReadonlyMap<number, FeatureDetails>,
    segmentDescriptions: ReadonlyMap<number, string | null> = new Map(),
  ) {
    this.#segmentDescriptions = segmentDescriptions;
    const document = JSON.parse(stored.document) as DocSettings;
    this.environmentId = stored.environmentId;
    this.dataVersion = stored.dataVersion;
    this.updatedAt = stored.dataUpdatedAt;
    this.documentBody = new EncodedBody(stored.document);
    this.documentBytes = stored.sizeBytes;
    this.compiled = compileEnvironment(document as EnvironmentDocument);
    this.featureNames = new Set(this.compiled.featureNames);
    this.clientKey = document.api_key ?? '';
    this.allowClientTraits = document.allow_client_traits ?? true;
    this.hideSensitiveData = document.hide_sensitive_data ?? false;
    // The environment's setting, when set, overrides the project's (spec §1.3).
    this.hideDisabledFlags = document.hide_disabled_flags ?? document.project?.hide_disabled_flags ?? false;
    this.useCompositeKey = document.use_identity_composite_key_for_hashing ?? true;
    this.persistTraitData = document.project?.organisation?.persist_trait_data ?? true;
    this.stopServingFlags = document.project?.organisation?.stop_serving_flags ?? false;
    this.updatedAtHeader = (stored.dataUpdatedAt.getTime() / 1000).toFixed(6);
    this.lastModifiedHeader = stored.dataUpdatedAt.toUTCString();

    const serverOnly = new Set(document.project?.server_key_only_feature_ids ?? []);
    const states = new Map<string, DocFeatureState>();
    for (const state of document.feature_states ?? []) {
      if (state.feature?.name) states.set(state.feature.name, state);
    }
    const hide = this.hideSensitiveData;
    const environmentField = hide ? 'null' : JSON.stringify(document.id ?? stored.environmentId);
    this.#features = this.compiled.featureNames.map((name) => {
      const state = states.get(name);
      const featureId = Number(state?.feature?.id);
      const detail = details.get(featureId);
      const feature = {
        id: Number.isFinite(featureId) ? featureId : null,
        name,
        created_date: hide || !detail ? null : djangoDate(detail.created_date),
        description: hide ? null : (detail?.description ?? null),
        initial_value: hide ? null : (detail?.initial_value ?? null),
        default_enabled: hide ? null : (detail?.default_enabled ?? null),
        type: state?.feature?.type ?? 'STANDARD',
      };
      const id = hide ? null : (state?.django_id ?? null);
      return {
        name,
        serverKeyOnly: serverOnly.has(featureId),
        head: `{"id":${JSON.stringify(id)},"feature":${JSON.stringify(feature)},"feature_state_value":`,
        middle: `,"environment":${environmentField},"identity":null,"feature_segment":null,"enabled":`,
      };
    });

    // Environment flags never depend on the request beyond the key's origin: serialize both forms now.
    const environmentFlags = this.compiled.evaluateFlags();
    const bodies: Partial<Record<Origin, EncodedBody>> = {};
    this.#flagByName = { client: new Map(), server: new Map() };
    for (const origin of ['client', 'server'] as const) {
      const parts: string[] = [];
      for (let i = 0; i < environmentFlags.length; i++) {
        const flag = environmentFlags[i] as FlagResult;
        if (!this.#visible(i, flag, origin, true)) continue;
        const text = this.#flagJson(i, flag, false);
        parts.push(text);
        this.#flagByName[origin].set(flag.name.toLowerCase(), text);
      }
      bodies[origin] = new EncodedBody(`[${parts.join(',')}]`);
    }
    this.#flagsBody = bodies as Record<Origin, EncodedBody>;
    this.#identityFragments = this.#features.map(() => new Map());

    // Core's answer: the environment default's value and every option's value (options are per feature, not per
    // environment, so they come from the features table with the details, not from the document's states).
    for (const state of states.values()) {
      const featureId = Number(state.feature?.id);
      if (!Number.isFinite(featureId)) continue;
      const options = details.get(featureId)?.multivariate_options ?? [];
      const body = JSON.stringify({
        control_value: state.feature_state_value ?? null,
        options: options.map((value) => ({ value })),
      });
      this.#multivariateOptions.set(featureId, { body, serverKeyOnly: serverOnly.has(featureId) });
    }
  }

  /** Core's `SegmentSerializerBasic` list of the segments an identity is in (identity-override segments left out). */
  segmentsJson(segments: readonly SegmentResult[]): string {
    const listed = [];
    for (const segment of segments) {
      if (segment.metadata?.source !== 'api') continue;
      const id = segment.metadata.id as number;
      listed.push({ id, name: segment.name, description: this.#segmentDescriptions.get(id) ?? null });
    }
    return JSON.stringify(listed);
  }

  /**
   * GET /flags/{feature_id}/multivariate-options/ body, or undefined for a feature this environment does not have
   * (another project's, or unknown) and, for client keys, a server-key-only one (its values stay server-side).
   */
  multivariateOptionsBody(featureId: number, origin: Origin): string | undefined {
    const entry = this.#multivariateOptions.get(featureId);
    if (!entry || (entry.serverKeyOnly && origin === 'client')) return undefined;
    return entry.body;
  }

  /** GET /flags/ body for this origin. */
  flagsBody(origin: Origin): EncodedBody {
    return this.#flagsBody[origin];
  }

  /** GET /flags/?feature= : one flag, matched case-insensitively, or undefined. */
  flagBody(origin: Origin, name: string): string | undefined {
    return this.#flagByName[origin].get(name.toLowerCase());
  }

  /**
   * The flags of an evaluation (in featureNames order) as a JSON array, filtered as Core filters identity flags:
   * disabled flags hidden when the environment says so, server-key-only features hidden from client keys.
   * Requests use it for `?feature=` (one flag); the whole-list form is the plain reference that
   * identityFlagsFragments, which serves the list, is tested against.
   */
  identityFlagsJson(
    flags: readonly FlagResult[],
    origin: Origin,
    feature?: string,
    withVariant = true,
  ): string | undefined {
    const wanted = feature?.toLowerCase();
    const parts: string[] = [];
    for (let i = 0; i < flags.length; i++) {
      const flag = flags[i] as FlagResult;
      if (wanted !== undefined && flag.name.toLowerCase() !== wanted) continue;
      if (!this.#visible(i, flag, origin, false)) continue;
      const text = this.#flagJson(i, flag, withVariant);
      if (wanted !== undefined) return text;
      parts.push(text);
    }
    return wanted !== undefined ? undefined : `[${parts.join(',')}]`;
  }

  /**
   * The same list as identityFlagsJson without `feature`, as byte fragments to concatenate (no separators or
   * brackets: the caller adds them). Fragments are cached per outcome, bounded per feature.
   */
  identityFlagsFragments(flags: readonly FlagResult[], origin: Origin): Buffer[] {
    const out: Buffer[] = [];
    for (let i = 0; i < flags.length; i++) {
      const flag = flags[i] as FlagResult;
      if (!this.#visible(i, flag, origin, false)) continue;
      out.push(this.#identityFragment(i, flag));
    }
    return out;
  }

  #identityFragment(index: number, flag: FlagResult): Buffer {
    const byValue = this.#identityFragments[index] as Map<unknown, Map<string | null, [Buffer?, Buffer?]>>;
    let byVariant = byValue.get(flag.value);
    if (!byVariant) {
      // A bound against a feature whose values are not few (should not happen: they come from the document).
      if (byValue.size >= MAX_FRAGMENTS_PER_FEATURE) return Buffer.from(this.#flagJson(index, flag, true));
      byVariant = new Map();
      byValue.set(flag.value, byVariant);
    }
    const variant = flag.variant ?? null;
    let pair = byVariant.get(variant);
    if (!pair) {
      pair = [];
      byVariant.set(variant, pair);
    }
    const slot = flag.enabled ? 1 : 0;
    let bytes = pair[slot];
    if (!bytes) {
      bytes = Buffer.from(this.#flagJson(index, flag, true));
      pair[slot] = bytes;
    }
    return bytes;
  }

  /**
   * Flagsmith parity (spec §1.3): on /flags/ the server-key-only filter is skipped when hide-disabled is on;
   * identity flags apply both filters.
   */
  #visible(index: number, flag: FlagResult, origin: Origin, environmentList: boolean): boolean {
    if (this.hideDisabledFlags && !flag.enabled) return false;
    if (environmentList && this.hideDisabledFlags) return true;
    return origin === 'server' || !(this.#features[index] as ServedFeature).serverKeyOnly;
  }

  #flagJson(index: number, flag: FlagResult, withVariant: boolean): string {
    const feature = this.#features[index] as ServedFeature;
    const value = flag.value === undefined ? 'null' : JSON.stringify(flag.value);
    const tail = withVariant
      ? `,"variant":${flag.variant === null ? 'null' : JSON.stringify(flag.variant)}}`
      : '}';
    return `${feature.head}${value}${feature.middle}${flag.enabled ? 'true' : 'false'}${tail}`;
  }
}
