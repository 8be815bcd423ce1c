import type { IdentityInput } from '../context/environment-document-to-context.ts';
import { toIdentityContext } from '../context/environment-document-to-context.ts';
import { identityKeyValue } from '../context/identity-key.ts';
import { planProperty } from '../context/property-plan.ts';
import { isRecord } from '../context/resolve-property.ts';
import type { HashPrefix } from '../hashing/prepared-hash.ts';
import { pyStrAny } from '../python/py-str.ts';
import type { EvaluationResult, FlagResult, SegmentResult } from '../result/evaluation-result.ts';
import { hasMetadata } from '../result/variants.ts';
import { CandidateTable } from './candidate-table.ts';
import { generateCheapSegmentPass } from './cheap-segment-pass.ts';
import type { CompileInput, CompileOptions } from './compile-input.ts';
import { ConditionTable } from './compile-segments.ts';
import { buildFlag, type FlagSource, flagAt } from './compiled-flag.ts';
import {
  conditionTables,
  EvaluationState,
  Scratch,
  snapshotIdentity,
  type Tables,
} from './evaluation-state.ts';
import { FlagsObjectBuilder } from './flags-object.ts';
import { type Candidate, type CompiledFeature, OverrideIndex } from './index-overrides.ts';
import { jsonPathRoot } from './json-path-root.ts';
import { SegmentMatcher } from './segment-matcher.ts';
import { SegmentPrograms } from './segment-programs.ts';

/**
 * An environment compiled for repeated evaluation. `evaluate(identity)` returns exactly what
 * `getEvaluationResult` returns for the same context, much faster: conditions and regexes are prepared once and
 * each distinct condition is evaluated at most once per identity; overrides are indexed by feature in priority
 * order, so a feature's walk stops at its first matching segment; identity overrides are found by identifier;
 * each segment is evaluated at most once per identity and only when it can change a flag; flag results are built
 * in advance and shared (they are frozen); and `segments` is computed when first read.
 *
 * Evaluations reuse one set of memo tables; JavaScript runs them one at a time, so this is invisible.
 *
 * @example
 * ```ts
 * const compiled: CompiledEnvironment = compileEnvironment(document);
 * const { flags, segments } = compiled.evaluate({ identifier: 'user-123', traits: { plan: 'beta' } });
 * ```
 */
export class CompiledEnvironment {
  /**
   * Feature names, in evaluation order (the order of {@link evaluateFlags}).
   *
   * @example
   * ```ts
   * const names = compileEnvironment(document).featureNames; // ['feature_1', 'feature_2', …]
   * ```
   */
  readonly featureNames: readonly string[];
  /**
   * Whether evaluations run generated JavaScript (see CompileSettings.generateCode): false when it was turned off,
   * when the runtime refused it (a Content-Security-Policy without `unsafe-eval`) or when there was nothing to
   * generate (no feature, or only a feature named `__proto__`, and no segment that overrides a flag). Results are
   * the same either way.
   *
   * @example
   * ```ts
   * if (!compileEnvironment(document).usesGeneratedCode) console.warn('flag evaluation runs without generated code');
   * ```
   */
  readonly usesGeneratedCode: boolean;
  private readonly features: readonly CompiledFeature[];
  /** Feature names by feature index (features of a context may share a name). */
  private readonly names: readonly string[];
  private readonly flagsObject: FlagsObjectBuilder;
  private readonly byName: ReadonlyMap<string, number>;
  private readonly candidates: CandidateTable;
  private readonly scratch: Scratch;
  private readonly segments: SegmentMatcher;
  private readonly tables: Tables;
  private readonly environment: unknown;
  private readonly strip: boolean;
  private cachedEnvironmentResult: EvaluationResult | undefined;
  /** Scratch per evaluation: each feature's deciding source and flag result, and a pair of percentages. */
  private readonly chosen: FlagSource[] = [];
  private readonly results: FlagResult[] = [];
  private readonly pair = new Float64Array(2);

  constructor(input: CompileInput, options: CompileOptions) {
    this.environment = input.environment;
    this.strip = options.stripSegmentsWithoutIdentity;
    const table = new ConditionTable();
    const featureContexts = (isRecord(input.features) ? Object.values(input.features) : []).filter(
      (feature): feature is Record<string, unknown> & { name: string } =>
        isRecord(feature) && typeof feature.name === 'string',
    );
    const programs = new SegmentPrograms(table);
    const overrides = new OverrideIndex(featureContexts);
    const segmentResults: SegmentResult[] = [];
    // One pass, one segment at a time: each segment context can die as soon as it is compiled.
    for (let i = 0, index = 0; i < input.segmentCount; i++) {
      const segment = input.segment(i);
      if (!isRecord(segment)) continue;
      overrides.add(segment, index, programs.add(segment, index));
      segmentResults.push(
        Object.freeze(
          hasMetadata(segment.metadata)
            ? ({ name: segment.name, metadata: segment.metadata } as SegmentResult)
            : ({ name: segment.name } as SegmentResult),
        ),
      );
      index++;
    }
    this.features = overrides.features;
    this.names = this.features.map((feature) => feature.name);
    this.flagsObject = new FlagsObjectBuilder(this.names, options.generateCode);
    this.byName = new Map(this.names.map((name, index) => [name, index]));
    this.candidates = new CandidateTable(this.features, overrides.regular);
    this.featureNames = [...this.byName.keys()];
    const identifierSlot = programs.hasIndexed ? table.slotOf(planProperty('$.identity.identifier')) : -1;
    this.tables = conditionTables({
      plans: table.plans,
      specs: table.specs,
      slots: table.slots,
      template: jsonPathRoot(input, table),
    });
    const cheapPass = options.generateCode
      ? generateCheapSegmentPass(
          programs.program,
          programs.offsets,
          this.candidates.segmentsWithOverrides(programs.trees.length),
          table.specs,
        )
      : undefined;
    this.usesGeneratedCode = cheapPass !== undefined || this.flagsObject.generated;
    this.scratch = new Scratch(table.plans.length, table.specs.length, programs.trees.length);
    this.segments = new SegmentMatcher({
      programs,
      results: segmentResults,
      identifierSlot,
      indexedOverrides: overrides.indexed,
      cheapPass,
      memo: this.scratch.segments,
    });
  }

  /**
   * Evaluates every flag for an identity, or for the environment when `identity` is omitted. The result equals
   * `getEvaluationResult` of the equivalent context (for a document: `environmentDocumentToContext(document,
   * identity)`), including `JSON.stringify` and deep equality. `segments` is computed on first read, from a
   * snapshot of the identity taken now.
   *
   * @example
   * ```ts
   * const compiled = compileEnvironment(document);
   * const { flags } = compiled.evaluate({ identifier: 'user-123', traits: { plan: 'beta', age: 30 } });
   * flags.new_ui?.enabled;
   * ```
   */
  evaluate(identity?: IdentityInput | null): EvaluationResult {
    if (!isRecord(identity) && this.strip) {
      const plain = this.features.map((feature) => feature.source.plain);
      return { flags: this.flagsObject.build(plain), segments: [] };
    }
    const state = this.createState(identity);
    const results = this.flagResults(state);
    const flags = this.flagsObject.build(results);
    let segments: readonly SegmentResult[] | undefined;
    const computeSegments = (): readonly SegmentResult[] => this.segmentsOf(state);
    // An own, enumerable accessor: JSON.stringify, spreading and deep equality all see `segments`.
    return {
      flags,
      get segments(): readonly SegmentResult[] {
        segments ??= computeSegments();
        return segments;
      },
      set segments(value: readonly SegmentResult[]) {
        segments = value;
      },
    };
  }

  /**
   * The flags of an identity as a list, one per feature in {@link featureNames} order — the same flag results as
   * `evaluate(identity).flags`, without building the name-keyed object (Flagsmith's SDK endpoints answer with a
   * list anyway). The fastest way to get every flag. (A context compiled with `compileContext` whose features
   * share a name lists each of them, as `evaluate` overwrites them.)
   *
   * @example
   * ```ts
   * const compiled = compileEnvironment(document);
   * const flags = compiled.evaluateFlags({ identifier: 'user-123', traits: { plan: 'beta' } });
   * const body = flags.map((f) => ({ feature: { name: f.name }, enabled: f.enabled, feature_state_value: f.value }));
   * ```
   */
  evaluateFlags(identity?: IdentityInput | null): FlagResult[] {
    if (!isRecord(identity) && this.strip) return this.features.map((feature) => feature.source.plain);
    return this.flagResults(this.createState(identity)).slice();
  }

  /**
   * The segments an identity belongs to, in context order, without evaluating any flag: what
   * `evaluate(identity).segments` returns (SDKs' `getIdentitySegments` filters out the identity-override segments,
   * whose metadata `source` is `"identity_overrides"`).
   *
   * @example
   * ```ts
   * const segments = compileEnvironment(document).evaluateSegments({ identifier: 'user-123', traits: { plan: 'beta' } });
   * segments.map((segment) => segment.name); // ['beta users']
   * ```
   */
  evaluateSegments(identity?: IdentityInput | null): SegmentResult[] {
    if (!isRecord(identity) && this.strip) return [];
    const state = this.createState(identity);
    this.segments.decideEarly(state);
    return this.segmentsOf(state);
  }

  /**
   * Evaluates one flag (undefined for an unknown feature name): the same answer as
   * `evaluate(identity).flags[name]`, evaluating only the segments that can change it.
   *
   * @example
   * ```ts
   * const flag = compileEnvironment(document).evaluateFlag('new_ui', { identifier: 'user-123' });
   * ```
   */
  evaluateFlag(name: string, identity?: IdentityInput | null): FlagResult | undefined {
    const index = this.byName.get(name);
    if (index === undefined) return undefined;
    const feature = this.features[index] as CompiledFeature;
    if (!isRecord(identity) && this.strip) return feature.source.plain;
    const state = this.createState(identity);
    const best = this.segments.indexedBest(state)?.get(name);
    const source =
      best === undefined
        ? this.candidates.sourceAt(this.decide(index, state))
        : this.decideOverIdentity(index, state, best);
    return buildFlag(source, state.identityKey);
  }

  /**
   * The environment's flags without identity, computed once per compiled document and deeply frozen: what
   * `GET /api/v1/flags/` serves and SDKs return as environment flags.
   *
   * @example
   * ```ts
   * const { flags } = compileEnvironment(document).environmentResult;
   * ```
   */
  get environmentResult(): EvaluationResult {
    if (this.cachedEnvironmentResult === undefined) {
      const { flags, segments } = this.evaluate();
      for (const flag of Object.values(flags)) Object.freeze(flag);
      this.cachedEnvironmentResult = Object.freeze({
        flags: Object.freeze(flags),
        segments: Object.freeze(segments.map((segment) => Object.freeze(segment))),
      });
    }
    return this.cachedEnvironmentResult;
  }

  private createState(identity: IdentityInput | null | undefined): EvaluationState {
    let state: EvaluationState;
    if (isRecord(identity)) {
      const context = toIdentityContext(identity) as unknown as Record<string, unknown>;
      const view = snapshotIdentity(context, (copy) => identityKeyValue(this.environment, copy));
      state = new EvaluationState(this.scratch, this.tables, view, pyStrAny(view.key));
    } else {
      state = new EvaluationState(this.scratch, this.tables, null, null);
    }
    state.evaluateCheapConditions();
    return state;
  }

  /**
   * Every feature's flag result for one evaluation, in feature order (in a reused array). Multivariate hashes are
   * computed two at a time (see HashSuffix.percentages).
   */
  private flagResults(state: EvaluationState): readonly FlagResult[] {
    const segments = this.segments;
    const indexed = segments.decideEarly(state);
    const names = this.names;
    const { start, segment, sources, fixed } = this.candidates;
    const memo = this.scratch.segments;
    const epoch = state.epoch;
    const unmatched = -epoch;
    const chosen = this.chosen;
    const results = this.results;
    const key = state.identityKey;
    let pending = -1;
    // One pass over the candidate table: `k` walks feature i's entries (its default, segment -1, comes last) to
    // the first whose segment matches — decide() inlined by hand, so that each feature costs little more than
    // its entries (the loop runs for every feature of every evaluation).
    let k = 0;
    for (let i = 0; i < names.length; i++) {
      let source: FlagSource;
      const best = indexed === undefined ? undefined : indexed.get(names[i] as string);
      if (best === undefined) {
        for (;;) {
          let index = segment[k] as number;
          // Segments known not to match, skipped in a loop without calls (see decide()).
          while (index >= 0 && memo[index] === unmatched) index = segment[++k] as number;
          if (index < 0 || memo[index] === epoch || segments.evaluate(state, index)) break;
          k++;
        }
        const decided = k;
        k = start[i + 1] as number;
        const result = fixed[decided] as FlagResult | null;
        // The common case: no variants, and with an identity the source is not even read (an override without
        // variants has none; its result is the same without identity).
        if (result !== null && (key !== null || sources[decided] === null)) {
          results[i] = result;
          continue;
        }
        source = sources[decided] as FlagSource;
      } else {
        source = this.decideOverIdentity(i, state, best);
        k = start[i + 1] as number;
      }
      chosen[i] = source;
      if (key === null) results[i] = source.plain;
      else if (source.variants === null) results[i] = source.control;
      else if (pending < 0) pending = i;
      else {
        const first = chosen[pending] as FlagSource;
        key.percentages(first.hashPrefix as HashPrefix, source.hashPrefix as HashPrefix, this.pair);
        results[pending] = flagAt(first, this.pair[0] as number);
        results[i] = flagAt(source, this.pair[1] as number);
        pending = -1;
      }
    }
    if (pending >= 0 && key !== null) results[pending] = buildFlag(chosen[pending] as FlagSource, key);
    return results;
  }

  /**
   * Spec §3.1/§3.8: the entry of the candidate table that decides feature `f` — its first override (in priority
   * order) whose segment matches, else its default. The hot loop: most entries are segments already known not to
   * match, so the memo check is inlined.
   */
  private decide(f: number, state: EvaluationState): number {
    const { start, segment } = this.candidates;
    const memo = this.scratch.segments;
    const epoch = state.epoch;
    const unmatched = -epoch;
    const end = (start[f + 1] as number) - 1;
    let k = start[f] as number;
    for (;;) {
      // Skip the segments known not to match in a loop without calls: then the JIT checks the arrays once, not on
      // every step as it must after a call that could have changed them.
      while (k < end && memo[segment[k] as number] === unmatched) k++;
      if (k === end) return end;
      const index = segment[k] as number;
      if (memo[index] === epoch || this.segments.evaluate(state, index)) return k;
      k++;
    }
  }

  /** {@link decide} for a feature with an identity override: a segment override ranked before it still wins. */
  private decideOverIdentity(f: number, state: EvaluationState, best: Candidate): FlagSource {
    const table = this.candidates;
    const end = (table.start[f + 1] as number) - 1;
    for (let k = table.start[f] as number; k < end && table.ranksBefore(k, best); k++) {
      if (this.segments.matches(state, table.segment[k] as number)) return table.sourceAt(k);
    }
    return best.source;
  }

  /** Every matching segment in context order; re-runs the evaluation if a later one reused the memo tables. */
  private segmentsOf(original: EvaluationState): SegmentResult[] {
    let state = original;
    if (state.stale()) {
      state = new EvaluationState(this.scratch, this.tables, state.identity, state.identityText);
      state.evaluateCheapConditions();
      this.segments.decideEarly(state);
    }
    return this.segments.matching(state);
  }
}
