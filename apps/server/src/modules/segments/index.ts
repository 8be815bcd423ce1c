export { registerSegmentRoutes } from './segment-routes.ts';
export { SegmentService } from './segment-service.ts';
export { segmentStore } from './segment-store.ts';
export { OPERATORS, type Operator, type Rule, type RuleInput, type Segment } from './segment-types.ts';
