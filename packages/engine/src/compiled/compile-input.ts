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
}
