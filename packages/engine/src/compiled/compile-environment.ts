import type { EnvironmentDocument } from '../context/environment-document.ts';
import { documentParts, documentToContextTemplate } from '../context/environment-document-to-context.ts';
import type { EvaluationContext } from '../context/evaluation-context.ts';
import { isRecord } from '../context/resolve-property.ts';
import type { CompileSettings } from './compile-input.ts';
import { CompiledEnvironment } from './compiled-environment.ts';

/**
 * Compiles an environment document once for many evaluations: the server and the SDKs' local evaluation hot path.
 * `compileEnvironment(document).evaluate(identity)` equals
 * `getEvaluationResult(environmentDocumentToContext(document, identity))` for every identity, and is about two
 * orders of magnitude faster than Flagsmith's own Node engine (bench/RESULTS.md). Without an identity it returns
 * the environment defaults (no segments), like the SDKs. The document is read once and not retained.
 *
 * @example
 * ```ts
 * import { compileEnvironment } from '@vexil/engine';
 *
 * const compiled = compileEnvironment(document); // once per document version
 * const result = compiled.evaluate({ identifier: 'user-123', traits: { plan: 'beta' } });
 * result.flags.new_ui?.value;
 * compiled.environmentResult.flags; // environment flags, computed once, frozen
 * ```
 */
export function compileEnvironment(
  document: EnvironmentDocument,
  settings: CompileSettings = {},
): CompiledEnvironment {
  const parts = documentParts(document);
  const input = {
    environment: parts.environment,
    features: parts.features,
    segmentCount: parts.segmentKeys.length,
    segment: parts.segment,
    template: () => documentToContextTemplate(document),
  };
  return new CompiledEnvironment(input, {
    stripSegmentsWithoutIdentity: true,
    generateCode: settings.generateCode !== false,
  });
}

/**
 * Compiles an evaluation context (its identity, if any, is ignored: pass one to each `evaluate`).
 * `compileContext(context).evaluate(identity)` equals
 * `getEvaluationResult({ environment, identity, ...rest })` — including, without an identity, the evaluation of
 * segments that do not depend on one (Python engine behaviour).
 *
 * @example
 * ```ts
 * import { compileContext } from '@vexil/engine';
 *
 * const compiled = compileContext({ environment: { key: 'env-key', name: 'Production' }, features, segments });
 * compiled.evaluate({ identifier: 'user-123', traits: { age: 30 } }).flags;
 * ```
 */
export function compileContext(
  context: EvaluationContext,
  settings: CompileSettings = {},
): CompiledEnvironment {
  const { identity: _identity, ...rest } = isRecord(context) ? context : { environment: undefined };
  const template: Readonly<Record<string, unknown>> = rest;
  const segments = isRecord(template.segments) ? Object.values(template.segments) : [];
  const input = {
    environment: template.environment,
    features: template.features,
    segmentCount: segments.length,
    segment: (index: number) => segments[index],
    template: () => template,
  };
  return new CompiledEnvironment(input, {
    stripSegmentsWithoutIdentity: false,
    generateCode: settings.generateCode !== false,
  });
}
