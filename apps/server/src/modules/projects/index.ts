export { ProjectJson, registerProjectRoutes } from './project-routes.ts';
export { ProjectService } from './project-service.ts';
