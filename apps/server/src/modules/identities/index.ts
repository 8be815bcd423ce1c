export { registerIdentityRoutes } from './identity-routes.ts';
export { IdentityService } from './identity-service.ts';
export { type TraitValue, traitColumns, traitValue } from './trait-values.ts';
