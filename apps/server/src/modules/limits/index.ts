export { estimateEnvironmentDocumentBytes } from './document-size.ts';
export { Limits, type LimitUsage, type RuleShape } from './limits.ts';
