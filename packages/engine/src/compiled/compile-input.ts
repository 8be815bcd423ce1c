// The input and options of the CompiledEnvironment constructor.

/**
 * What a compile reads: the environment, the features, and the segments one at a time in context order (mapped
 * from a document only when asked, see DocumentParts), plus the whole context without identity for the rare
 * JSONPath query that reads more than the identity and the environment.
 */
export interface CompileInput {
  readonly environment: unknown;
  readonly features: unknown;
  readonly segmentCount: number;
  segment(index: number): unknown;
  template(): Readonly<Record<string, unknown>>;
}

/** Options of the CompiledEnvironment constructor. */
export interface CompileOptions {
  /** Evaluate without identity with no segments at all (SDK environment flags, spec §3.1). */
  readonly stripSegmentsWithoutIdentity: boolean;
  /** Whether to generate JavaScript for the hot path (see {@link CompileSettings.generateCode}). */
  readonly generateCode: boolean;
}

/**
 * Settings of `compileEnvironment` and `compileContext`.
 *
 * @example
 * ```ts
 * // A page whose Content-Security-Policy forbids eval: skip the attempt (the result is the same either way).
 * const compiled = compileEnvironment(document, { generateCode: false });
 * ```
 */
export interface CompileSettings {
  /**
   * Generate JavaScript for the evaluation hot path (default true). Results are identical either way; generated
   * code makes an evaluation faster. Where the runtime refuses code generation the engine falls back by itself,
   * so `false` is only needed to avoid the attempt (a CSP violation report, say) or to test the fallback.
   */
  readonly generateCode?: boolean;
}
