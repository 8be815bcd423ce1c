import { compileEnvironment, type EnvironmentDocument } from '@vexil/engine';
import type { Json } from '../../support/json.ts';
import type { Scenario } from './scenario.ts';

/** What an SDK exposes of a flag, the part every SDK and our engine must agree on. */
export interface FlagView {
  enabled: boolean;
  value: unknown;
}
export type FlagsView = Record<string, FlagView>;
export type Traits = Record<string, string | number | boolean>;

/** GET /api/v1/environment-document/ with a server key: status and body as the SDKs see them. */
export async function fetchDocument(
  baseUrl: string,
  serverKey: string,
): Promise<{ status: number; body: Json }> {
  const res = await fetch(`${baseUrl}/api/v1/environment-document/`, {
    headers: { 'X-Environment-Key': serverKey },
  });
  const text = await res.text();
  let body: Json = text;
  try {
    body = JSON.parse(text);
  } catch {
    // keep the text: the error that follows shows it
  }
  return { status: res.status, body };
}

/**
 * Waits until the served document passes `ready` (the pipeline rebuilds it asynchronously after admin writes) and
 * returns it; on timeout the error shows the last answer.
 */
export async function servedDocument(
  baseUrl: string,
  serverKey: string,
  ready: (doc: Json) => boolean,
  timeoutMs = 30_000,
): Promise<EnvironmentDocument> {
  return eventually(
    async () => {
      const res = await fetchDocument(baseUrl, serverKey);
      if (res.status !== 200 || !ready(res.body))
        throw new Error(`document not served yet: ${JSON.stringify(res).slice(0, 2000)}`);
      return res.body as EnvironmentDocument;
    },
    { timeoutMs },
  );
}

/** The scenario's document once it reflects everything the scenario created, and `also` (e.g. a change just made). */
export function settledDocument(
  scenario: Scenario,
  also: (doc: Json) => boolean = () => true,
): Promise<EnvironmentDocument> {
  return servedDocument(
    scenario.baseUrl,
    scenario.serverKey,
    (doc) =>
      doc.feature_states?.length === Object.keys(scenario.features).length &&
      doc.project?.segments?.length === 7 &&
      doc.project.segments.reduce((n: number, s: Json) => n + s.feature_states.length, 0) ===
        scenario.segmentOverrides &&
      doc.identity_overrides?.length === scenario.overriddenIdentities.length &&
      doc.identity_overrides.every((o: Json) => o.identity_features.length === 2) &&
      also(doc),
  );
}

/** Retries `fn` until it resolves or the time is up; then throws its last error. */
export async function eventually<T>(
  fn: () => Promise<T>,
  { timeoutMs = 15_000, intervalMs = 100 }: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await fn();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, intervalMs));
    }
  }
}

/** Options that mirror what the serving side filters after evaluation (spec §1.3, §1.5). */
export interface ViewFilter {
  /** A client-side key does not see server-key-only features. */
  clientKey?: boolean;
}

/** Our engine's answer for the document, in the SDKs' shape. No identifier: the environment flags. */
export function expectedFlags(
  doc: EnvironmentDocument,
  identity?: { identifier: string; traits?: Traits },
  filter: ViewFilter = {},
): FlagsView {
  const compiled = compileEnvironment(doc);
  const result = identity ? compiled.evaluate(identity) : compiled.environmentResult;
  const serverOnly = new Set<number>((doc as Json).project?.server_key_only_feature_ids ?? []);
  const hideDisabled =
    (doc as Json).hide_disabled_flags ?? (doc as Json).project?.hide_disabled_flags ?? false;
  const featureIds = new Map<string, number>(
    (doc as Json).feature_states.map((fs: Json) => [fs.feature.name, fs.feature.id]),
  );
  const view: FlagsView = {};
  for (const flag of Object.values(result.flags)) {
    // Flagsmith quirk (spec §1.3): on GET flags/ with hide-disabled on, the server-key-only filter is skipped.
    const keyFilter = filter.clientKey && !(hideDisabled && !identity);
    if (keyFilter && serverOnly.has(featureIds.get(flag.name) ?? -1)) continue;
    if (hideDisabled && !flag.enabled) continue;
    view[flag.name] = { enabled: flag.enabled, value: flag.value };
  }
  return view;
}

/** A small deterministic PRNG (mulberry32), so a failing identity can be reproduced from the seed. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * `count` identities with traits spread over every segment of the scenario: each trait present about two times
 * in three, values of several JSON types (ages as numbers and as numeric strings, scores as ints and floats).
 * `truthy` leaves out false, 0 and "" (flagsmith-nodejs local evaluation deletes such traits on identities
 * that have overrides, a documented SDK quirk).
 */
export function generateIdentities(
  count: number,
  seed: number,
  { prefix = 'gen', truthy = false }: { prefix?: string; truthy?: boolean } = {},
): { identifier: string; traits: Traits }[] {
  const rnd = random(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T;
  const maybe = () => rnd() < 0.66;
  const out: { identifier: string; traits: Traits }[] = [];
  for (let i = 0; i < count; i++) {
    const traits: Traits = {};
    if (maybe()) traits.plan = pick(['beta', 'free', 'pro', 'BETA']);
    if (maybe()) traits.age = pick([12, 17, 18, 35, 70, '18', '44']);
    if (maybe()) traits.country = pick(['fr', 'de', 'us', 'FR']);
    if (maybe()) traits.email = pick(['ann@example.com', 'bob@example.org', 'x@example.com.au']);
    if (maybe()) traits.version = pick(['1.9.9', '2.0.0', '2.0.1', '10.1.0']);
    if (rnd() < 0.2) traits.legacy = pick(truthy ? [true, 'yes'] : [true, false, 'yes', '']);
    if (maybe()) traits.score = pick(truthy ? [2, 3, 4.0, 5.5, 10] : [0, 2, 3, 4.0, 5.5, 10]);
    out.push({ identifier: `${prefix}-${seed}-${i}`, traits });
  }
  return out;
}

/** Compares many identities at once and reports every mismatch (not just the first) with its inputs. */
export function mismatches(
  rows: { identifier: string; traits?: Traits; actual: FlagsView; expected: FlagsView }[],
): string[] {
  const out: string[] = [];
  for (const row of rows) {
    const a = JSON.stringify(sortKeys(row.actual));
    const e = JSON.stringify(sortKeys(row.expected));
    if (a !== e)
      out.push(`${row.identifier} ${JSON.stringify(row.traits ?? {})}\n  sdk:    ${a}\n  engine: ${e}`);
  }
  return out;
}

function sortKeys(view: FlagsView): FlagsView {
  return Object.fromEntries(Object.entries(view).sort(([a], [b]) => a.localeCompare(b)));
}

export interface ComparedRow {
  identifier: string;
  traits: Traits;
  actual: FlagsView;
  expected: FlagsView;
}

/** Evaluates each identity through an SDK (one after the other) and pairs the answer with our engine's. */
export async function compareIdentities(
  doc: EnvironmentDocument,
  identities: { identifier: string; traits: Traits }[],
  sdk: (identifier: string, traits: Traits) => Promise<FlagsView>,
  filter: ViewFilter = {},
): Promise<ComparedRow[]> {
  const rows: ComparedRow[] = [];
  for (const { identifier, traits } of identities) {
    const actual = await sdk(identifier, traits);
    rows.push({ identifier, traits, actual, expected: expectedFlags(doc, { identifier, traits }, filter) });
  }
  return rows;
}
