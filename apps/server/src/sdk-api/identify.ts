import { createHash, randomUUID } from 'node:crypto';
import type { TraitValue } from '../modules/identities/index.ts';
import { ValidationError } from '../platform/errors.ts';
import type { Logger } from '../platform/logger.ts';
import type { IdentityTraitCache, StoredIdentity } from './identity-traits.ts';
import type { IdentityWrite, IdentityWriteQueue } from './identity-writes.ts';
import type { JoinedBody } from './response-buffers.ts';
import type { Origin, ServedEnvironment } from './served-environment.ts';

export interface IncomingTrait {
  trait_key: string;
  trait_value?: unknown;
  transient?: boolean | null;
}

export interface IdentifyRequest {
  identifier: string | null | undefined;
  traits: readonly IncomingTrait[];
  transient: boolean;
  /** GET ?feature= : answer with this one flag. */
  feature?: string | undefined;
}

/**
 * The response body: the full identity response as a head, flag fragments and a tail (see response-buffers.ts), or one
 * flag's JSON for `?feature=` (undefined: no such feature).
 */
export type IdentifyResult = JoinedBody | string | undefined;

const MAX_STRING = 2000;
const MAX_KEY = 200;

/** Flagsmith types a JSON trait value as int, float, bool or string; anything else is stringified (spec §1.5). */
function normalise(value: unknown): TraitValue {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  return JSON.stringify(value);
}

/** Core's error shape for trait lists: one entry per trait, `{}` for the valid ones (DRF ListSerializer). */
function validate(traits: readonly IncomingTrait[]): void {
  let failed = false;
  const errors = traits.map((trait) => {
    const out: Record<string, string[]> = {};
    if (trait.trait_key.length > MAX_KEY) {
      out.trait_key = [`Ensure this field has no more than ${MAX_KEY} characters.`];
    }
    if (typeof trait.trait_value === 'string' && trait.trait_value.length > MAX_STRING) {
      out.trait_value = [`Value string is too long. Must be less than ${MAX_STRING} character`];
    }
    if (Object.keys(out).length > 0) failed = true;
    return out;
  });
  if (failed) throw new ValidationError({ traits: errors });
}

/** Core's identifier for an identity sent without one: sha256 over its sorted non-null traits, else a uuid. */
function anonymousIdentifier(traits: ReadonlyArray<readonly [string, TraitValue]>): string {
  const present = traits.filter(([, v]) => v !== null).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  if (present.length === 0) return randomUUID().replaceAll('-', '');
  const text = present.map(([k, v]) => `${k}${pyStr(v)}`).join('');
  return createHash('sha256').update(text).digest('hex');
}

/** Python's str() of a JSON scalar, enough for the anonymous identifier hash. */
function pyStr(value: TraitValue): string {
  if (value === true) return 'True';
  if (value === false) return 'False';
  return String(value);
}

/** A trait as Core lists it in identity responses. */
export interface ResponseTrait {
  id: number | null;
  trait_key: string;
  trait_value: TraitValue;
  transient: boolean;
}

export interface PreparedIdentity {
  identifier: string;
  /** What the engine evaluates: stored traits with the request's on top. */
  traits: Record<string, TraitValue>;
  listed: readonly ResponseTrait[];
  /** The hashing key when it is the identity's id (composite keys off); undefined: the engine's composite key. */
  key: string | undefined;
}

/** The engine's identity input for a prepared identity. */
export function evaluationInput({ identifier, traits, key }: PreparedIdentity) {
  return key === undefined ? { identifier, traits } : { identifier, traits, key };
}

export interface IdentifyDeps {
  cache: IdentityTraitCache;
  writes: IdentityWriteQueue;
  logger: Logger;
}

/**
 * Identify an identity and evaluate its flags (POST and GET /api/v1/identities/), with Core's trait rules:
 * transient identities and traits are never written; persisted identities are created, their traits set, changed
 * and deleted (null value) through the write queue, after the answer is computed.
 */
export class IdentifyService {
  readonly #deps: IdentifyDeps;

  constructor(deps: IdentifyDeps) {
    this.#deps = deps;
  }

  async identify(env: ServedEnvironment, origin: Origin, request: IdentifyRequest): Promise<IdentifyResult> {
    const identity = await this.prepare(env, origin, request);
    return this.#respond(env, origin, request.feature, identity);
  }

  /**
   * The identity a request evaluates, after Core's trait rules: its identifier, evaluation traits, listed traits
   * and hashing key. Persisted identities' writes are queued on the way (the deprecated identity route builds its
   * own body from this).
   */
  async prepare(env: ServedEnvironment, origin: Origin, request: IdentifyRequest): Promise<PreparedIdentity> {
    validate(request.traits);
    // Client keys may set traits only when the environment allows it; otherwise they are silently ignored.
    const allowed = origin === 'server' || env.allowClientTraits;
    const incoming = allowed
      ? request.traits.map((t) => ({
          key: t.trait_key,
          value: normalise(t.trait_value),
          transient: !!t.transient,
        }))
      : [];

    const given = request.identifier;
    if (given === null || given === undefined || given === '' || request.transient) {
      const identifier =
        given === null || given === undefined || given === ''
          ? anonymousIdentifier(incoming.map((t) => [t.key, t.value] as const))
          : given;
      const traits: Record<string, TraitValue> = {};
      const listed: ResponseTrait[] = [];
      for (const t of incoming) {
        if (t.value === null) continue;
        traits[t.key] = t.value;
        listed.push({ id: null, trait_key: t.key, trait_value: t.value, transient: true });
      }
      return { identifier, traits, listed, key: undefined };
    }

    const stored = await this.#stored(env.environmentId, given);
    const evalTraits = new Map<string, { value: TraitValue; id: number | null; transient: boolean }>();
    for (const [key, trait] of stored.traits) evalTraits.set(key, { ...trait, transient: false });
    const upserts: Array<readonly [string, Exclude<TraitValue, null>]> = [];
    const deletes: string[] = [];
    for (const t of incoming) {
      if (t.transient) {
        if (t.value !== null) evalTraits.set(t.key, { value: t.value, id: null, transient: true });
        continue;
      }
      if (t.value === null) {
        if (evalTraits.delete(t.key) && env.persistTraitData) deletes.push(t.key);
        continue;
      }
      const previous = evalTraits.get(t.key);
      evalTraits.set(t.key, { value: t.value, id: previous?.id ?? null, transient: !env.persistTraitData });
      if (env.persistTraitData && (previous === undefined || previous.value !== t.value)) {
        upserts.push([t.key, t.value]);
      }
    }
    let written: Promise<number> | undefined;
    if (stored.id === null || upserts.length > 0 || deletes.length > 0) {
      const write: IdentityWrite = { environmentId: env.environmentId, identifier: given, upserts, deletes };
      written = this.#deps.writes.enqueue(write);
      written.catch(() => {}); // dropped writes are logged by the queue
    }
    // Core hashes with the identity's id when the environment turned composite keys off: that needs the row.
    let key: string | undefined;
    if (!env.useCompositeKey) key = String(stored.id ?? (await (written as Promise<number>)));

    const traits: Record<string, TraitValue> = {};
    const listed: ResponseTrait[] = [];
    for (const [traitKey, t] of evalTraits) {
      traits[traitKey] = t.value;
      listed.push({ id: t.id, trait_key: traitKey, trait_value: t.value, transient: t.transient });
    }
    return { identifier: given, traits, listed, key };
  }

  /** Stored traits, or none when the database cannot be reached (the flags are still answered). */
  async #stored(environmentId: number, identifier: string): Promise<StoredIdentity> {
    try {
      return await this.#deps.cache.load(environmentId, identifier);
    } catch (err) {
      this.#deps.logger.warn(
        { err },
        'sdk-api: stored traits unavailable; evaluating the request traits only',
      );
      return { id: null, traits: new Map() };
    }
  }

  #respond(
    env: ServedEnvironment,
    origin: Origin,
    feature: string | undefined,
    { identifier, traits, listed, key }: PreparedIdentity,
  ): IdentifyResult {
    const flags = env.compiled.evaluateFlags(evaluationInput({ identifier, traits, listed, key }));
    if (feature !== undefined) return env.identityFlagsJson(flags, origin, feature);
    const traitsJson = env.hideSensitiveData ? '[]' : JSON.stringify(listed);
    return {
      head: Buffer.from(`{"identifier":${JSON.stringify(identifier)},"flags":[`),
      items: env.identityFlagsFragments(flags, origin),
      tail: Buffer.from(`],"traits":${traitsJson}}`),
    };
  }
}
