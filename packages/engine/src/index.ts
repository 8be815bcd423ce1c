export { compileContext, compileEnvironment } from './compiled/compile-environment.ts';
export type { CompileSettings } from './compiled/compile-input.ts';
export { CompiledEnvironment } from './compiled/compiled-environment.ts';
export type {
  DocumentCondition,
  DocumentFeature,
  DocumentFeatureState,
  DocumentIdentityOverride,
  DocumentMultivariateValue,
  DocumentRule,
  DocumentSegment,
  EnvironmentDocument,
} from './context/environment-document.ts';
export {
  environmentDocumentToContext,
  type IdentityInput,
} from './context/environment-document-to-context.ts';
export type {
  ConditionOperator,
  ContextScalar,
  EnvironmentContext,
  EvaluationContext,
  FeatureContext,
  FeatureValue,
  IdentityContext,
  SegmentCondition,
  SegmentContext,
  SegmentRule,
} from './context/evaluation-context.ts';
export {
  IDENTITY_OVERRIDES_SEGMENT_NAME,
  IDENTITY_OVERRIDES_SOURCE,
} from './context/identity-overrides-to-segments.ts';
export { getEvaluationResult } from './evaluation/get-evaluation-result.ts';
export type { EvaluationResult, FlagResult, SegmentResult } from './result/evaluation-result.ts';
