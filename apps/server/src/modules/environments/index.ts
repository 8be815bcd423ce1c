export {
  type EnvironmentChangeSink,
  EnvironmentChanges,
  loggingEnvironmentChangeSink,
} from './environment-change-sink.ts';
export { newClientKey } from './environment-keys.ts';
export { EnvironmentResolver } from './environment-resolver.ts';
export { EnvironmentJson, registerEnvironmentRoutes, toEnvironmentJson } from './environment-routes.ts';
export { type EnvironmentLifecycle, EnvironmentService } from './environment-service.ts';
export type { EnvironmentRow } from './environment-store.ts';
