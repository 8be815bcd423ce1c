import type { FlagResult } from '../result/evaluation-result.ts';

const PROTO = '__proto__';

/** Makes a fresh null-prototype object already holding every feature name (with placeholder values). */
type Skeleton = () => Record<string, FlagResult>;

/**
 * Builds `evaluate`'s `flags`: a plain object, `names[i]` → `results[i]`, in dictionary mode, because that is the
 * layout V8 reads fastest by computed name (`flags[name]`, as SDK wrappers read it; a fast-layout object was
 * slower to read than it was cheaper to build, ADR 0003).
 *
 * Filling an empty dictionary grows and rehashes its table about eight times on the way to 300 entries, which was
 * half the cost of building it. So, where code generation is allowed, the names are written once into a generated
 * object literal with `__proto__: null` and constant values: V8 keeps such a literal's dictionary as a boilerplate
 * and each evaluation copies it whole, already sized, then overwrites the values in place (bench/RESULTS.md,
 * ADR 0003). Names enter the source only as `JSON.stringify` output, which is always one complete string literal.
 *
 * Without generated code the object is created without a prototype and filled (stores into such an object skip the
 * prototype-chain lookup a store into `{}` makes for setters). Either way the prototype is set to Object.prototype
 * afterwards, so the object is an ordinary `{}` in every observable way. A feature named `__proto__` must go through
 * Object.prototype's setter, as in the interpreter (`flags[name] = …`), so such a list takes the ordinary path.
 */
export class FlagsObjectBuilder {
  private readonly names: readonly string[];
  private readonly protoName: boolean;
  private readonly skeleton: Skeleton | undefined;

  constructor(names: readonly string[], generateCode: boolean) {
    this.names = names;
    this.protoName = names.includes(PROTO);
    this.skeleton = generateCode && !this.protoName && names.length > 0 ? generateSkeleton(names) : undefined;
  }

  /** Whether objects are copied from a generated literal. */
  get generated(): boolean {
    return this.skeleton !== undefined;
  }

  /** A new object mapping each name to the result at the same index. */
  build(results: readonly FlagResult[]): Record<string, FlagResult> {
    const names = this.names;
    let flags: Record<string, FlagResult>;
    if (this.skeleton !== undefined) flags = this.skeleton();
    else flags = this.protoName ? {} : Object.create(null);
    for (let i = 0; i < names.length; i++) flags[names[i] as string] = results[i] as FlagResult;
    if (!this.protoName) Object.setPrototypeOf(flags, Object.prototype);
    return flags;
  }
}

/** The generated literal (see FlagsObjectBuilder); undefined where the runtime refuses code generation. */
function generateSkeleton(names: readonly string[]): Skeleton | undefined {
  let source = 'return {__proto__: null';
  for (let i = 0; i < names.length; i++) source += `,\n${JSON.stringify(names[i])}: 0`;
  try {
    return new Function(`${source}};`) as Skeleton;
  } catch {
    return undefined;
  }
}
