export { type BootstrapOutcome, bootstrap } from './bootstrap.ts';
export { registerMasterApiKeyRoutes } from './master-api-key-routes.ts';
export { MasterApiKeyService } from './master-api-key-service.ts';
export { OrganisationJson, registerOrganisationRoutes, toOrganisationJson } from './organisation-routes.ts';
export { OrganisationService } from './organisation-service.ts';
