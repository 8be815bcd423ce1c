export { registerTagRoutes } from './tag-routes.ts';
export { TagService } from './tag-service.ts';
