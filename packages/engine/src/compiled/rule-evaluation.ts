import { pushAll } from '../support/push-all.ts';
import { ALL, ANY, NONE, type RuleNode, UNKNOWN } from './compile-segments.ts';
import type { EvaluationState } from './evaluation-state.ts';

// Plain functions over plain data (no closures): the JIT can inline them, which matters at hundreds of rules per
// identity.

// Condition results are read straight from the table filled by the cheap-condition pass (0 false, 1 true);
// only an expensive condition not evaluated yet (2) costs a call.
function conditionsHold(node: RuleNode, state: EvaluationState, results: readonly number[]): boolean {
  const ids = node.conditions;
  const count = ids.length;
  if (count === 0) return true;
  const quantifier = node.quantifier;
  if (quantifier === UNKNOWN) return false;
  // ALL stops at the first false operand, ANY and NONE at the first true one.
  const stopAt = quantifier === ALL ? 0 : 1;
  for (let i = 0; i < count; i++) {
    const id = ids[i] as number;
    let value = results[id] as number;
    if (value === 2) value = state.condition(id) ? 1 : 0;
    if (value === stopAt) return quantifier === NONE ? false : quantifier === ANY;
  }
  return quantifier !== ANY;
}

function childrenHold(node: RuleNode, state: EvaluationState): boolean {
  const children = node.children;
  const count = children.length;
  if (count === 0) return true;
  switch (node.quantifier) {
    case ALL:
      for (let i = 0; i < count; i++) if (!holds(children[i] as RuleNode, state)) return false;
      return true;
    case ANY:
      for (let i = 0; i < count; i++) if (holds(children[i] as RuleNode, state)) return true;
      return false;
    case NONE:
      for (let i = 0; i < count; i++) if (holds(children[i] as RuleNode, state)) return false;
      return true;
    default:
      return false;
  }
}

/** Whether a compiled rule (or segment) holds in this evaluation (spec §3.3). */
export function holds(node: RuleNode, state: EvaluationState): boolean {
  if (node.never) return false;
  const results = state.conditionResults;
  return node.childrenFirst
    ? childrenHold(node, state) && conditionsHold(node, state, results)
    : conditionsHold(node, state, results) && childrenHold(node, state);
}

/**
 * Encodes the common shape of a segment — ALL over clauses, each clause a quantifier over conditions, nothing
 * nested deeper — as a flat program `[clauses, (quantifier, count, ...condition ids)*]`, evaluated by
 * {@link holdsFlat} without recursion. Undefined for any other shape (those use {@link holds}).
 */
export function encodeFlat(node: RuleNode): number[] | undefined {
  if (node.never) return undefined;
  const clauses: RuleNode[] = [];
  if (node.children.length === 0) clauses.push(node);
  else if (
    node.quantifier === ALL &&
    node.children.every((child) => child.children.length === 0 && !child.never)
  ) {
    if (node.conditions.length > 0) clauses.push(Object.assign(Object.create(node), { children: [] }));
    pushAll(clauses, node.children);
  } else return undefined;
  const program = [clauses.length];
  for (const clause of clauses) {
    program.push(clause.quantifier, clause.conditions.length);
    pushAll(program, clause.conditions);
  }
  return program;
}

/** Evaluates a program of {@link encodeFlat} starting at `offset`. */
export function holdsFlat(program: readonly number[], offset: number, state: EvaluationState): boolean {
  const results = state.conditionResults;
  let pc = offset;
  const clauses = program[pc++] as number;
  for (let clause = 0; clause < clauses; clause++) {
    const quantifier = program[pc++] as number;
    const count = program[pc++] as number;
    const end = pc + count;
    if (count === 0) continue; // an empty part holds, whatever the type
    if (quantifier === UNKNOWN) return false;
    // ALL fails at the first false condition; ANY holds at the first true one; NONE fails at the first true one.
    const stopAt = quantifier === ALL ? 0 : 1;
    let stopped = false;
    for (; pc < end; pc++) {
      const id = program[pc] as number;
      let value = results[id] as number;
      if (value === 2) value = state.condition(id) ? 1 : 0;
      if (value === stopAt) {
        stopped = true;
        break;
      }
    }
    if (quantifier === ANY ? !stopped : stopped) return false;
    pc = end;
  }
  return true;
}
