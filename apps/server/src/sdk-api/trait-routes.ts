import { Type } from 'typebox';
import type { HttpServer } from '../http/server.ts';
import type { TraitValue } from '../modules/identities/index.ts';
import { UnavailableError, ValidationError } from '../platform/errors.ts';
import type { IdentityTraitCache } from './identity-traits.ts';
import { type IdentityWrite, type IdentityWriteQueue, NOT_APPLIED } from './identity-writes.ts';
import { authenticate } from './sdk-routes.ts';
import type { ServedEnvironment } from './served-environment.ts';
import type { ServedEnvironments } from './served-environments.ts';

const TraitBody = Type.Object({
  identity: Type.Object({ identifier: Type.String({ minLength: 1, maxLength: 2000 }) }),
  trait_key: Type.String({ minLength: 1, maxLength: 200 }),
  trait_value: Type.Unsafe<unknown>({}),
});
const IncrementBody = Type.Object({
  identifier: Type.String({ minLength: 1, maxLength: 2000 }),
  trait_key: Type.String({ minLength: 1, maxLength: 200 }),
  increment_by: Type.Integer(),
});

const BEYOND_SAFE = 'The incremented value is beyond ±2^53, the integers this API keeps exact.';

type TraitBodyType = {
  identity: { identifier: string };
  trait_key: string;
  trait_value?: unknown;
};

function scalar(value: unknown): TraitValue {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  return JSON.stringify(value);
}

/** One write per identity: values set, nulls deleted (spec §1.8), through the identity write queue. */
export function writesFor(environment: ServedEnvironment, bodies: readonly TraitBodyType[]): IdentityWrite[] {
  const byIdentifier = new Map<
    string,
    { upserts: Map<string, Exclude<TraitValue, null>>; deletes: Set<string> }
  >();
  for (const body of bodies) {
    const value = scalar(body.trait_value);
    if (typeof value === 'string' && value.length > 2000) {
      throw ValidationError.field(
        'trait_value',
        'Value string is too long. Must be less than 2000 character',
      );
    }
    let entry = byIdentifier.get(body.identity.identifier);
    if (!entry) {
      entry = { upserts: new Map(), deletes: new Set() };
      byIdentifier.set(body.identity.identifier, entry);
    }
    if (value === null) {
      entry.upserts.delete(body.trait_key);
      entry.deletes.add(body.trait_key);
    } else {
      entry.deletes.delete(body.trait_key);
      entry.upserts.set(body.trait_key, value);
    }
  }
  return [...byIdentifier].map(([identifier, e]) => ({
    environmentId: environment.environmentId,
    identifier,
    upserts: [...e.upserts],
    deletes: [...e.deletes],
  }));
}

/**
 * POST /api/v1/traits/ and PUT /api/v1/traits/bulk/: set (or, with null, delete) traits of identities.
 * POST /api/v1/traits/increment-value/: add to an integer trait and answer the new value.
 */
export function registerTraitRoutes(
  app: HttpServer,
  deps: { environments: ServedEnvironments; writes: IdentityWriteQueue; cache: IdentityTraitCache },
) {
  const { environments, writes, cache } = deps;
  const accept = async (environment: ServedEnvironment, bodies: readonly TraitBodyType[]) => {
    const pending = writesFor(environment, bodies);
    // The write-through below updates the cached identity; an identity not cached yet would be cached with only
    // these traits and served that way. Loaded first, it is cached whole. Without the database the writes still
    // queue (the identity is then cached from them alone until the process reads it again).
    await Promise.all(
      pending.map((w) => cache.load(environment.environmentId, w.identifier).catch(() => undefined)),
    );
    for (const write of pending) writes.enqueue(write).catch(() => {});
  };
  const allowed = (environment: ServedEnvironment, origin: 'client' | 'server') => {
    if (origin === 'client' && !environment.allowClientTraits) {
      throw ValidationError.field('non_field_errors', 'Setting traits not allowed with client key.');
    }
  };
  app.post('/api/v1/traits/', { schema: { body: TraitBody } }, async (request, reply) => {
    const { environment, origin } = await authenticate(environments, request);
    allowed(environment, origin);
    await accept(environment, [request.body as TraitBodyType]);
    return reply.send(request.body);
  });
  app.post('/api/v1/traits/increment-value/', { schema: { body: IncrementBody } }, async (request, reply) => {
    const { environment, origin } = await authenticate(environments, request);
    allowed(environment, origin);
    const { identifier, trait_key, increment_by } = request.body;
    if (!Number.isSafeInteger(increment_by)) throw ValidationError.field('increment_by', BEYOND_SAFE);
    // Loaded first so that the cached identity exists when the database's answer arrives and takes the new value.
    await cache.load(environment.environmentId, identifier).catch(() => {
      throw new UnavailableError(NOT_APPLIED);
    });
    // The database adds, in this process's write order (after the writes queued before it), so increments from
    // every process add up; this process's cached identity is then updated from the returned value.
    const outcome = await writes.increment(environment.environmentId, identifier, {
      key: trait_key,
      by: increment_by,
    });
    if ('refused' in outcome) {
      // Flagsmith parity: a missing trait starts at 0; any non-integer value is refused.
      if (outcome.refused === 'not_integer')
        throw ValidationError.field('trait_key', 'Trait is not an integer.');
      throw ValidationError.field('increment_by', BEYOND_SAFE);
    }
    return reply.send({ trait_key, trait_value: outcome.value, identifier });
  });
  app.put('/api/v1/traits/bulk/', { schema: { body: Type.Array(TraitBody) } }, async (request, reply) => {
    const { environment, origin } = await authenticate(environments, request);
    allowed(environment, origin);
    await accept(environment, request.body as TraitBodyType[]);
    return reply.send(request.body);
  });
}
