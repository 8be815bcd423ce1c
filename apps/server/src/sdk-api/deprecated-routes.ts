import { Type } from 'typebox';
import type { HttpServer } from '../http/server.ts';
import { ValidationError } from '../platform/errors.ts';
import { evaluationInput, type IdentifyService } from './identify.ts';
import type { IdentityTraitCache } from './identity-traits.ts';
import type { IdentityWriteQueue } from './identity-writes.ts';
import { authenticate } from './sdk-routes.ts';
import type { ServedEnvironments } from './served-environments.ts';
import { writesFor } from './trait-routes.ts';

export interface DeprecatedRouteDeps {
  environments: ServedEnvironments;
  identify: IdentifyService;
  writes: IdentityWriteQueue;
  cache: IdentityTraitCache;
}

const IdentityParams = Type.Object({ identifier: Type.String({ minLength: 1, maxLength: 2000 }) });
const TraitParams = Type.Object({
  identifier: Type.String({ minLength: 1, maxLength: 2000 }),
  trait_key: Type.String({ minLength: 1, maxLength: 200 }),
});

/**
 * The SDK paths Core still routes (api/urls/deprecated.py) for SDKs older than `/identities/?identifier=` and
 * `/traits/`: an identity's flags, traits and segments, and setting one trait. Same rules as their successors.
 */
export function registerDeprecatedSdkRoutes(app: HttpServer, deps: DeprecatedRouteDeps) {
  const { environments, identify, writes, cache } = deps;

  app.get(
    '/api/v1/identities/:identifier/',
    { schema: { params: IdentityParams } },
    async (request, reply) => {
      const { environment, origin } = await authenticate(environments, request);
      const identity = await identify.prepare(environment, origin, {
        identifier: request.params.identifier,
        traits: [],
        transient: false,
      });
      const input = evaluationInput(identity);
      const flags = environment.identityFlagsJson(
        environment.compiled.evaluateFlags(input),
        origin,
        undefined,
        false,
      );
      const segments = environment.segmentsJson(environment.compiled.evaluateSegments(input));
      const traits = environment.hideSensitiveData ? '[]' : JSON.stringify(identity.listed);
      return reply
        .header('content-type', 'application/json')
        .send(`{"flags":${flags},"traits":${traits},"segments":${segments}}`);
    },
  );

  app.post(
    '/api/v1/identities/:identifier/traits/:trait_key',
    {
      schema: {
        params: TraitParams,
        body: Type.Object({ trait_value: Type.Optional(Type.Unsafe<unknown>({})) }),
      },
    },
    async (request, reply) => {
      const { environment, origin } = await authenticate(environments, request);
      if (origin === 'client' && !environment.allowClientTraits) {
        throw ValidationError.field('non_field_errors', 'Setting traits not allowed with client key.');
      }
      // Flagsmith parity: the deprecated view's own message for a body without a value.
      if (!('trait_value' in request.body)) throw new ValidationError({ detail: 'Trait value not provided' });
      const { identifier, trait_key } = request.params;
      const [write] = writesFor(environment, [
        { identity: { identifier }, trait_key, trait_value: request.body.trait_value },
      ]);
      // Loaded first: the answer carries the trait's id when it exists, and the cached identity stays whole.
      // Without the database the write still queues (as on /traits/); the answer then lacks the id.
      const stored = await cache.load(environment.environmentId, identifier).catch(() => undefined);
      const id = stored?.traits.get(trait_key)?.id ?? null;
      if (write) writes.enqueue(write).catch(() => {});
      const value = write?.upserts[0]?.[1] ?? null;
      return reply.send({ id, trait_key, trait_value: value, transient: false });
    },
  );
}
