import type { FastifyRequest } from 'fastify';
import { NotAuthenticatedError } from '../../platform/errors.ts';
import type { MasterApiKeyAuthenticator } from './master-api-keys.ts';
import type { Principal } from './principal.ts';
import type { TokenAuthenticator } from './token-authenticator.ts';

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
  }
}

/**
 * Resolves `Authorization: Api-Key <key>` (organisation master API key) or `Authorization: Token <key>` (a
 * signed-in user) to a principal, or throws 401 with Flagsmith's wording.
 */
export function createRequireAuth(keys: MasterApiKeyAuthenticator, tokens?: TokenAuthenticator) {
  return async function requireAuth(request: FastifyRequest): Promise<Principal> {
    if (request.principal) return request.principal;
    const header = request.headers.authorization;
    if (!header) throw new NotAuthenticatedError();
    const match = /^(Api-Key|Token)\s+(\S+)$/i.exec(header.trim());
    if (!match?.[1] || !match[2]) throw new NotAuthenticatedError('Invalid authorization header.');
    let principal: Principal | null;
    if (match[1].toLowerCase() === 'api-key') {
      principal = await keys.authenticate(match[2]);
      if (!principal) throw new NotAuthenticatedError('Valid Master API Key not found.');
    } else {
      principal = tokens ? await tokens.authenticate(match[2]) : null;
      if (!principal) throw new NotAuthenticatedError('Invalid token.');
    }
    request.principal = principal;
    return principal;
  };
}
export type RequireAuth = ReturnType<typeof createRequireAuth>;
