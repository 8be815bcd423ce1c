export { createRequireAuth, type RequireAuth } from './auth-hook.ts';
export { registerAuthRoutes, toCurrentUserJson } from './auth-routes.ts';
export { LoginRateLimiter } from './login-rate-limiter.ts';
export { type MasterApiKeyRow, masterApiKeyStore } from './master-api-key-store.ts';
export {
  generateMasterApiKey,
  keyPrefix,
  MasterApiKeyAuthenticator,
  storeMasterApiKey,
} from './master-api-keys.ts';
export type { MasterKeyPrincipal, Principal, UserPrincipal } from './principal.ts';
export { TokenAuthenticator } from './token-authenticator.ts';
export { requireUser, UserService } from './user-service.ts';
export { type MemberRow, type UserRow, userStore } from './user-store.ts';
