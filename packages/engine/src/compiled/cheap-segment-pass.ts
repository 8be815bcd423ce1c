import type { ConditionSpec } from '../segments/condition-spec.ts';
import { ALL, ANY, NONE } from './compile-segments.ts';
import { isExpensive } from './evaluation-state.ts';

/**
 * Decides, at the start of an evaluation, every segment that its cheap conditions alone decide, and rules out
 * those whose cheap conditions already fail: it writes `+epoch` (matches) or `-epoch` (does not) into the segment
 * memo, and leaves the rest (a hash or a regex still to run) undecided for the lazy walk. `results` holds the
 * condition results of the cheap pass (0/1; 2 for an expensive condition not evaluated yet).
 */
export type CheapSegmentPass = (results: readonly number[], memo: number[], epoch: number) => void;

/** Statements per generated function: well under the size past which V8 stops optimizing a function. */
const SEGMENTS_PER_FUNCTION = 256;

/**
 * The cheap segment pass of the segments `indices` (those with a flat program, see encodeFlat), as generated
 * JavaScript: one assignment per segment combining 0/1 condition results with `&`, `|` and `^`, so the whole pass
 * runs without a branch. Testing segments one at a time as the walk reaches them, with short-circuit branches on
 * outcomes that differ from one identity to the next, cost several times more per segment, whether interpreted
 * or generated (measured on the 2023 incident's environment: bench/RESULTS.md); mispredicted branches are the
 * likely reason. Evaluating a segment the walk would not have reached changes nothing (conditions are pure), and
 * what needs a hash or a regex is still evaluated only when the walk needs it.
 *
 * Undefined when code generation is refused (a Content-Security-Policy without `unsafe-eval`,
 * `--disallow-code-generation-from-strings`): every segment is then tested when the walk reaches it.
 */
export function generateCheapSegmentPass(
  program: readonly number[],
  offsets: readonly number[],
  indices: readonly number[],
  specs: readonly ConditionSpec[],
): CheapSegmentPass | undefined {
  const bodies: string[] = [];
  let body = '';
  let statements = 0;
  for (let i = 0; i < indices.length; i++) {
    const index = indices[i] as number;
    const offset = offsets[index] as number;
    const statement = offset < 0 ? undefined : assignment(index, program, offset, specs);
    if (statement === undefined) continue;
    body += statement;
    if (++statements % SEGMENTS_PER_FUNCTION === 0) {
      bodies.push(body);
      body = '';
    }
  }
  if (body !== '') bodies.push(body);
  if (bodies.length === 0) return undefined; // nothing the cheap conditions decide
  let functions: CheapSegmentPass[];
  try {
    // Only integers (segment and condition numbers) enter the source.
    functions = bodies.map((text) => new Function('R', 'M', 'e', text) as CheapSegmentPass);
  } catch {
    return undefined;
  }
  if (functions.length === 1) return functions[0] as CheapSegmentPass;
  return (results, memo, epoch) => {
    for (let i = 0; i < functions.length; i++) (functions[i] as CheapSegmentPass)(results, memo, epoch);
  };
}

/**
 * The statement deciding one segment from its flat program `[clauses, (quantifier, count, ...condition ids)*]`
 * (ALL over its clauses): `M[i] = (bits * 2 - 1) * e` when the cheap conditions decide it, `M[i] = (bits - 1) * e`
 * (0, "undecided", or -epoch) when only they can rule it out; undefined when they cannot even do that.
 */
function assignment(
  index: number,
  program: readonly number[],
  offset: number,
  specs: readonly ConditionSpec[],
): string | undefined {
  let pc = offset;
  const clauses = program[pc++] as number;
  const necessary: string[] = []; // 0/1 terms, all of which must be 1 for the segment to match
  let decided = true;
  for (let clause = 0; clause < clauses; clause++) {
    const quantifier = program[pc++] as number;
    const count = program[pc++] as number;
    const cheap: string[] = [];
    let expensive = 0;
    for (let end = pc + count; pc < end; pc++) {
      const id = program[pc] as number;
      if (isExpensive(specs[id] as ConditionSpec)) expensive++;
      else cheap.push(`R[${id}]`);
    }
    if (count === 0) continue; // an empty part holds, whatever the type
    if (quantifier !== ALL && quantifier !== ANY && quantifier !== NONE) return `M[${index}] = -e;\n`;
    if (expensive > 0) decided = false;
    if (cheap.length === 0) continue;
    // ALL: every cheap operand is necessary. NONE: no cheap operand may hold. ANY: the cheap operands decide the
    // clause only when it has no expensive one (an expensive operand could still make it hold).
    if (quantifier === ALL) necessary.push(cheap.join(' & '));
    else if (quantifier === NONE) necessary.push(`(1 ^ (${cheap.join(' | ')}))`);
    else if (expensive === 0) necessary.push(`(${cheap.join(' | ')})`);
  }
  const bits = necessary.length === 0 ? '1' : necessary.join(' & ');
  if (decided) return `M[${index}] = ((${bits}) * 2 - 1) * e;\n`;
  return necessary.length === 0 ? undefined : `M[${index}] = ((${bits}) - 1) * e;\n`;
}
