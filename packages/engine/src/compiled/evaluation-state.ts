import { coerceContextValue } from '../context/coerce-context-value.ts';
import type { PropertyPlan } from '../context/property-plan.ts';
import { resolveProperty } from '../context/resolve-property.ts';
import { HashSuffix } from '../hashing/prepared-hash.ts';
import type { PyValue } from '../python/py-value.ts';
import { testCondition } from '../segments/condition.ts';
import type { ConditionSpec } from '../segments/condition-spec.ts';
import { NumericConditions, testNumeric } from './numeric-conditions.ts';

/** The compiled environment's tables an evaluation reads. */
export interface Tables {
  /** One plan per property slot. */
  readonly plans: readonly PropertyPlan[];
  /** One spec per distinct condition, and its property slot. */
  readonly specs: readonly ConditionSpec[];
  readonly slots: readonly number[];
  /** The context without identity, for `$.` paths. */
  readonly template: Readonly<Record<string, unknown>>;
  /** The ids of the cheap conditions (see evaluateCheapConditions), grouped by property slot, and their slots. */
  readonly cheap: readonly number[];
  readonly cheapSlots: readonly number[];
  /** The ids of the expensive conditions, evaluated on first use. */
  readonly expensive: readonly number[];
  /** The cheap conditions that compare numbers, testable without their specs. */
  readonly numeric: NumericConditions;
}

/** The identity part of the context as the interpreter sees it after enrichment (spec §3.2). */
export interface IdentityView {
  readonly identifier: unknown;
  readonly traits: Readonly<Record<string, unknown>>;
  readonly key: unknown;
  readonly [field: string]: unknown;
}

const MAX_EPOCH = 0x3fffffff; // epochs stay small integers (V8 SMIs), negated for "false"
const UNKNOWN = 2;
/** Conditions at least this costly (regexes, hashes) are evaluated only when needed. */
const EXPENSIVE = 5;

/** Whether a condition is left to be evaluated on first use (a regex, a hash) rather than in the cheap pass. */
export function isExpensive(spec: ConditionSpec): boolean {
  return spec.cost >= EXPENSIVE;
}

/** The tables of an environment: those given, and which conditions are cheap. */
export function conditionTables(
  tables: Omit<Tables, 'cheap' | 'cheapSlots' | 'expensive' | 'numeric'>,
): Tables {
  const ids = tables.specs.map((_, id) => id);
  // Grouped by slot (stable), so the cheap pass resolves each property once, without a memo check per condition.
  const cheap = ids
    .filter((id) => !isExpensive(tables.specs[id] as ConditionSpec))
    .sort((a, b) => (tables.slots[a] as number) - (tables.slots[b] as number) || a - b);
  const expensive = ids.filter((id) => isExpensive(tables.specs[id] as ConditionSpec));
  return {
    ...tables,
    cheap,
    cheapSlots: cheap.map((id) => tables.slots[id] as number),
    expensive,
    numeric: new NumericConditions(tables.specs, cheap),
  };
}

/**
 * Memo tables shared by every evaluation of one compiled environment (evaluations are synchronous, so one at a
 * time uses them). An entry belongs to the evaluation whose epoch it holds (+epoch: true, -epoch: false), so an
 * evaluation starts with one increment instead of clearing or allocating hundreds of entries.
 */
export class Scratch {
  epoch = 0;
  /** How many times the epoch has wrapped around (so an old evaluation is never taken for the current one). */
  wraps = 0;
  /** Per property slot: the epoch of the cached value, and the value. */
  readonly slotEpochs: Int32Array;
  readonly slotValues: PyValue[];
  /**
   * Per distinct condition: 0/1 (false/true), or UNKNOWN until an expensive condition is first needed. Plain
   * arrays of small integers here and in the other per-evaluation tables, for the reason in candidate-table.ts.
   */
  readonly conditions: number[];
  /** Per segment: ±epoch (a plain array, for the reason given in candidate-table.ts). */
  readonly segments: number[];
  /** The identity key of the current evaluation, prepared for hashing. */
  readonly key = new HashSuffix();

  constructor(slots: number, conditions: number, segments: number) {
    this.slotEpochs = new Int32Array(slots);
    this.slotValues = new Array<PyValue>(slots).fill(null);
    this.conditions = new Array<number>(conditions).fill(0);
    this.segments = new Array<number>(segments).fill(0);
  }

  next(): number {
    if (this.epoch === MAX_EPOCH) {
      this.epoch = 0;
      this.wraps++;
      this.slotEpochs.fill(0);
      this.segments.fill(0);
    }
    return ++this.epoch;
  }
}

/**
 * One evaluation: its epoch in the shared {@link Scratch}, and the identity snapshot (traits copied, so a result's
 * lazily computed `segments` is unaffected by later changes to the caller's objects).
 */
export class EvaluationState {
  readonly epoch: number;
  private readonly wraps: number;
  readonly identity: IdentityView | null;
  /** The identity key as text (null without an identity). */
  readonly identityText: string | null;
  /** The identity key prepared for hashing (null without an identity). */
  readonly identityKey: HashSuffix | null;
  /** Condition results of this evaluation: 0 false, 1 true, 2 not evaluated yet. */
  readonly conditionResults: number[];
  private readonly scratch: Scratch;
  private readonly tables: Tables;
  private view: Record<string, unknown> | undefined;

  constructor(scratch: Scratch, tables: Tables, identity: IdentityView | null, identityText: string | null) {
    this.scratch = scratch;
    this.tables = tables;
    this.conditionResults = scratch.conditions;
    this.epoch = scratch.next();
    this.wraps = scratch.wraps;
    this.identity = identity;
    this.identityText = identityText;
    if (identityText === null) {
      this.identityKey = null;
    } else {
      scratch.key.set(identityText);
      this.identityKey = scratch.key;
    }
  }

  /** Whether a later evaluation has reused the shared tables. */
  stale(): boolean {
    return this.scratch.epoch !== this.epoch || this.scratch.wraps !== this.wraps;
  }

  /** The coerced value of a property slot (resolved on first use). */
  value(slot: number): PyValue {
    const scratch = this.scratch;
    if (scratch.slotEpochs[slot] === this.epoch) return scratch.slotValues[slot] as PyValue;
    const resolved = this.resolve(this.tables.plans[slot] as PropertyPlan);
    scratch.slotEpochs[slot] = this.epoch;
    scratch.slotValues[slot] = resolved;
    return resolved;
  }

  /**
   * Evaluates every cheap distinct condition up front, in one tight loop (a few hundred conditions cost a few µs,
   * less than checking a memo at each use), and marks the expensive ones (hashes, regexes) to be evaluated on
   * first use. Conditions are pure, so evaluating more of them than the interpreter would changes nothing.
   */
  evaluateCheapConditions(): void {
    const { specs, cheap, cheapSlots, expensive, numeric } = this.tables;
    const { op, intCast, floatCast } = numeric;
    const results = this.scratch.conditions;
    // Expensive conditions are not even read (their spec objects stay out of the cache).
    for (let i = 0; i < expensive.length; i++) results[expensive[i] as number] = UNKNOWN;
    let slot = -1;
    let value: PyValue = null;
    for (let i = 0; i < cheap.length; i++) {
      const id = cheap[i] as number;
      if (cheapSlots[i] !== slot) {
        slot = cheapSlots[i] as number;
        value = this.value(slot);
      }
      const code = op[i] as number;
      const holds =
        code !== 0 && typeof value === 'number'
          ? testNumeric(code, value, (Number.isInteger(value) ? intCast[i] : floatCast[i]) as number)
          : testCondition(specs[id] as ConditionSpec, value, this.identityKey);
      results[id] = holds ? 1 : 0;
    }
  }

  /** The result of distinct condition `id`. */
  condition(id: number): boolean {
    const results = this.scratch.conditions;
    const known = results[id];
    if (known !== UNKNOWN) return known === 1;
    const tables = this.tables;
    const result = testCondition(
      tables.specs[id] as ConditionSpec,
      this.value(tables.slots[id] as number),
      this.identityKey,
    );
    results[id] = result ? 1 : 0;
    return result;
  }

  private resolve(plan: PropertyPlan): PyValue {
    if (plan.kind === 'trait') {
      const traits = this.identity?.traits;
      return traits !== undefined && Object.hasOwn(traits, plan.name)
        ? coerceContextValue(traits[plan.name])
        : null;
    }
    return plan.kind === 'none' ? null : resolveProperty(this.root(), plan);
  }

  /** The whole context (template plus this identity) for JSONPath; built only when a `$.` path needs it. */
  private root(): Record<string, unknown> {
    if (this.view === undefined) {
      const { environment, ...rest } = this.tables.template;
      this.view =
        this.identity === null ? { environment, ...rest } : { environment, identity: this.identity, ...rest };
    }
    return this.view;
  }
}

/**
 * The enriched identity (spec §3.2) as a snapshot: traits copied (spread defines properties, so a trait named
 * `__proto__` stays an ordinary key), key filled in where the interpreter puts it.
 */
export function snapshotIdentity(
  identity: Readonly<Record<string, unknown>>,
  keyOf: (identity: Record<string, unknown>) => unknown,
): IdentityView {
  const copy: Record<string, unknown> = { ...identity, traits: { ...(identity.traits as object) } };
  copy.key = keyOf(copy);
  return copy as IdentityView;
}
