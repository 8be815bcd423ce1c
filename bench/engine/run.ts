// Engine benchmark: @vexil/engine against the official flagsmith-nodejs SDK (local evaluation), side by side in one
// run, on the July 2023 incident's environment and at ten times its scale. Results are appended to
// bench/RESULTS.md. Run with `npm run bench:engine -w @vexil/bench` (add `-- --quick` to skip the full
// flag-by-flag comparison and the 10x run).

import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { compileEnvironment, type EnvironmentDocument, type FlagResult } from '@vexil/engine';
import { CAUSES, type Comparison, compareWithFlagsmith, type Identity } from './compare-with-flagsmith.ts';
import { FlagsmithNodejs, loadSdkConditionMatcher } from './flagsmith-nodejs.ts';

const quick = process.argv.includes('--quick');
const here = fileURLToPath(new URL('.', import.meta.url));
const out = fileURLToPath(new URL('../out/', import.meta.url));
const tools =
  process.env.VEXIL_SHARED_TOOLS ?? fileURLToPath(new URL('../../../shared/tools/', import.meta.url));
const collectGarbage = (globalThis as { gc?: () => void }).gc;
const loadAtStart = loadavg();

function generate(file: string, tool: string, args: string[]): string {
  const path = `${out}${file}`;
  mkdirSync(out, { recursive: true });
  writeFileSync(path, execFileSync(process.execPath, [tool, ...args], { maxBuffer: 1 << 30 }));
  return path;
}

function mean(values: readonly number[]): number {
  return values.reduce((sum, value) => sum + value, 0) / values.length;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

/** CPU µs used since `start` (user + system): unlike wall time, it does not count time other jobs held the CPU. */
function cpuMicros(start: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(start);
  return used.user + used.system;
}

interface Timing {
  readonly median: number;
  readonly best: number;
  /** Total over the measured rounds / rounds: unlike the median, it includes garbage collection that a round's
   * allocations cause during a later round. */
  readonly mean: number;
  /** Each measured round's value, in round order. */
  readonly rounds: readonly number[];
}

function timing(values: readonly number[]): Timing {
  return { median: median(values), best: Math.min(...values), mean: mean(values), rounds: values };
}

/**
 * CPU µs per identity of each evaluator over all identities: the rounds of the evaluators are interleaved so that
 * they meet the same load; two warm-up rounds, then `rounds` measured rounds. `between` runs after each round's
 * evaluators (the official SDK's share of the round, see sdkSlices), so that it meets the same load too.
 */
async function timePerIdentity(
  identities: readonly Identity[],
  evaluators: readonly ((identity: Identity) => number)[],
  between?: (round: number) => Promise<void>,
  rounds = ROUNDS,
): Promise<Timing[]> {
  let sink = 0;
  const times = evaluators.map((): number[] => []);
  for (let round = -2; round < rounds; round++) {
    evaluators.forEach((evaluate, index) => {
      const start = process.cpuUsage();
      for (const identity of identities) sink += evaluate(identity);
      if (round >= 0) times[index]?.push(cpuMicros(start) / identities.length);
    });
    await between?.(round);
  }
  if (sink < 0) console.log(sink);
  return times.map(timing);
}

/**
 * CPU ms of `compileEnvironment` (user + system, so garbage collection counts): two warm-up runs (the first
 * includes compiling the engine's own code), then `runs` measured runs. On a shared machine single runs vary by 2x,
 * so growth is read from the median and the mean of many runs, not from one.
 */
function compileTime(document: EnvironmentDocument, runs: number, cold = false): Timing {
  const times: number[] = [];
  for (let i = -2; i < runs; i++) {
    if (cold) evictCaches();
    const start = process.cpuUsage();
    compileEnvironment(document);
    if (i >= 0) times.push(cpuMicros(start) / 1000);
  }
  return timing(times);
}

let cacheFlush: Uint8Array | undefined;

/**
 * Writes one byte in every cache line of a buffer larger than the CPU's caches, outside the timed region. Compiled
 * over and over, a 1x document stays in cache while a 10x one cannot, so the warm runs compare a cached read with
 * a read from memory. A server compiles each document version once, when it has just been built, so the cold runs
 * are the closer model, and both are reported.
 */
function evictCaches(): void {
  cacheFlush ??= new Uint8Array(256 << 20);
  for (let i = 0; i < cacheFlush.length; i += 64) cacheFlush[i] = (cacheFlush[i] as number) + 1;
}

/** What a fresh process measured per compile (engine/compile-cold.ts): means per compile. */
interface ColdCompile {
  readonly cpu: Timing;
  /** Kernel CPU ms (inside `cpu`): mostly the page faults of heap the process had not touched before. */
  readonly systemMs: number;
  readonly pageFaults: number;
  /** Garbage-collection pauses, ms (main thread). */
  readonly gcMs: number;
}

/** {@link compileTime} with caches evicted, in a fresh process (engine/compile-cold.ts). */
function compileInChild(documentPath: string, runs: number): ColdCompile {
  const output = execFileSync(process.execPath, [`${here}compile-cold.ts`, documentPath, String(runs)], {
    encoding: 'utf8',
  });
  const { times, system, faults, gc } = JSON.parse(output) as Record<
    'times' | 'system' | 'faults' | 'gc',
    number[]
  >;
  return {
    cpu: timing(times),
    systemMs: mean(system),
    pageFaults: mean(faults),
    gcMs: mean(gc),
  };
}

/** Heap retained by a compiled environment (the document already parsed and kept alive). */
function compiledHeap(document: EnvironmentDocument): number {
  if (!collectGarbage) return Number.NaN;
  collectGarbage();
  collectGarbage();
  const before = process.memoryUsage().heapUsed;
  const compiled = compileEnvironment(document);
  collectGarbage();
  collectGarbage();
  const after = process.memoryUsage().heapUsed;
  if (compiled.featureNames.length < 0) console.log(compiled);
  return after - before;
}

/** Heap retained by a compiled environment alone: the document is parsed, compiled and dropped. */
function standaloneHeap(documentPath: string): number {
  if (!collectGarbage) return Number.NaN;
  collectGarbage();
  collectGarbage();
  const before = process.memoryUsage().heapUsed;
  const compiled = compileEnvironment(JSON.parse(readFileSync(documentPath, 'utf8')) as EnvironmentDocument);
  collectGarbage();
  collectGarbage();
  const after = process.memoryUsage().heapUsed;
  if (compiled.featureNames.length < 0) console.log(compiled);
  return after - before;
}

/** Compile CPU time per segment at one scale, caches evicted before each compile. */
interface PerSegment {
  readonly label: string;
  readonly segments: number;
  readonly cold: ColdCompile;
}

interface ScaleResult {
  readonly label: string;
  readonly args: string;
  readonly jsonBytes: number;
  readonly compile: Timing;
  /** The same with the CPU caches evicted before each compile (see evictCaches). */
  readonly compileCold: Timing;
  readonly heapBytes: number;
  readonly standaloneHeapBytes: number;
  readonly evaluate: Timing;
  readonly evaluateFlags: Timing;
  readonly withSegments: Timing;
}

async function measureScale(
  label: string,
  args: string[],
  documentPath: string,
  identities: Identity[],
  compileRuns: number,
  between?: (round: number) => Promise<void>,
): Promise<ScaleResult> {
  const document = JSON.parse(readFileSync(documentPath, 'utf8')) as EnvironmentDocument;
  const compiled = compileEnvironment(document);
  const names = compiled.featureNames;
  // Every evaluator's result is used as a caller uses it: each flag looked up by name (or taken from the list)
  // and its enabled and value read, so no part of the result goes unbuilt or unread.
  const readFlag = (flag: FlagResult | undefined): number =>
    (flag?.enabled ? 1 : 0) + (flag?.value === undefined ? 0 : 1);
  const readFlags = (flags: Readonly<Record<string, FlagResult>>): number => {
    let read = 0;
    for (let i = 0; i < names.length; i++) read += readFlag(flags[names[i] as string]);
    return read;
  };
  const [evaluate, evaluateFlags, withSegments] = (await timePerIdentity(
    identities,
    [
      (identity) => readFlags(compiled.evaluate(identity).flags),
      (identity) => {
        const list = compiled.evaluateFlags(identity);
        let read = 0;
        for (let i = 0; i < list.length; i++) read += readFlag(list[i]);
        return read;
      },
      (identity) => {
        const result = compiled.evaluate(identity);
        return readFlags(result.flags) + result.segments.length;
      },
    ],
    between,
  )) as [Timing, Timing, Timing];
  return {
    label,
    args: args.join(' ') || '(defaults)',
    jsonBytes: statSync(documentPath).size,
    compile: compileTime(document, compileRuns),
    compileCold: compileTime(document, compileRuns, true),
    heapBytes: compiledHeap(document),
    standaloneHeapBytes: standaloneHeap(documentPath),
    evaluate,
    evaluateFlags,
    withSegments,
  };
}

/**
 * The official SDK's share of each round of {@link timePerIdentity}: `getIdentityFlags` on consecutive identities
 * for about `seconds` of wall time, CPU µs per identity recorded for measured rounds (round >= 0). Timing it inside
 * the same rounds as our engine, rather than in a window of its own, keeps the speed-up from moving with the load
 * that other machines' jobs put on a shared host: every round's ratio compares two measurements taken seconds
 * apart.
 */
function sdkSlices(
  sdk: FlagsmithNodejs,
  identities: readonly Identity[],
  seconds: number,
): { between: (round: number) => Promise<void>; times: number[] } {
  const times: number[] = [];
  let next = 0;
  const between = async (round: number): Promise<void> => {
    let count = 0;
    const wall = performance.now();
    const start = process.cpuUsage();
    while (performance.now() - wall < seconds * 1000) {
      const identity = identities[next++ % identities.length] as Identity;
      await sdk.identityFlags(identity.identifier, identity.traits);
      count++;
    }
    if (round >= 0) times.push(cpuMicros(start) / count);
  };
  return { between, times };
}

const fmt = (n: number, digits = 1) => n.toFixed(digits);

// Enough compiles at each scale for the mean to settle: collections come every few compiles at 1x and within every
// compile at 10x, so a short run's mean at 1x depends on whether a major collection happened to fall in it.
const COMPILE_RUNS_1X = 101;
const COMPILE_RUNS_10X = 21;
/** Measured rounds of the evaluation timings (after two warm-up rounds). */
const ROUNDS = 7;
/** Scales of the per-segment compile measurement (20x: 8,000 segments and 100,000 overrides). */
const PER_SEGMENT_FACTORS = [1, 2, 5, 10, 20];

async function main(): Promise<void> {
  console.log('generating the seed-scale document and 10,000 identities with shared/tools …');
  const seedArgs: string[] = [];
  const scaleArgs = ['--segments', '4000', '--overrides', '50000', '--identity-overrides', '2000'];
  const seedPath = generate('seed-doc.json', `${tools}gen-env-doc.mjs`, seedArgs);
  const identitiesPath = generate('identities.json', `${tools}gen-identities.mjs`, ['10000']);
  const identities = JSON.parse(readFileSync(identitiesPath, 'utf8')) as Identity[];

  const sdk = new FlagsmithNodejs(seedPath);
  const slices = sdkSlices(sdk, identities, quick ? 0.4 : 1.5);
  const seed = await measureScale('seed scale', seedArgs, seedPath, identities, 21, slices.between);
  const sdkTiming = timing(slices.times);
  // The speed-up of each round (the SDK's µs / ours, from the same round), and their median.
  const speedUp = (ours: Timing): number =>
    median(sdkTiming.rounds.map((theirs, round) => theirs / (ours.rounds[round] as number)));
  const sideBySide: SideBySide = {
    sdk: sdkTiming,
    evaluate: speedUp(seed.evaluate),
    evaluateFlags: speedUp(seed.evaluateFlags),
  };
  console.log(
    `ours: evaluate ${fmt(seed.evaluate.median)} µs/identity, evaluateFlags ${fmt(seed.evaluateFlags.median)} µs, with segments ${fmt(seed.withSegments.median)} µs; compile ${fmt(seed.compile.median)} ms; heap ${fmt(seed.heapBytes / 1e6, 2)} MB (${fmt(seed.heapBytes / seed.jsonBytes, 2)}x the ${fmt(seed.jsonBytes / 1e6, 2)} MB JSON)`,
  );
  console.log(
    `flagsmith-nodejs: ${fmt(sdkTiming.median)} µs/identity; speed-up per round, median: evaluate ${fmt(sideBySide.evaluate, 0)}x, evaluateFlags ${fmt(sideBySide.evaluateFlags, 0)}x`,
  );

  let comparison: Comparison | undefined;
  if (!quick) {
    console.log('comparing every flag of every identity with flagsmith-nodejs …');
    const document = JSON.parse(readFileSync(seedPath, 'utf8')) as EnvironmentDocument;
    comparison = await compareWithFlagsmith(
      document,
      compileEnvironment(document),
      sdk,
      await loadSdkConditionMatcher(),
      identities,
      (done) => process.stdout.write(`\r  ${done} identities`),
    );
    process.stdout.write('\n');
  }

  let scaling: [ScaleResult, ScaleResult] | undefined;
  let perSegment: PerSegment[] | undefined;
  if (!quick) {
    // shared/tools/gen-env-doc.mjs never finishes at --overrides 50000 (its RNG cycles, see gen-env-doc-exact.ts),
    // so growth is measured on the same distributions drawn with an exact RNG, at 1x and at 10x.
    console.log('generating and measuring 1x and 10x documents (gen-env-doc-exact.ts) …');
    const exact = `${here}gen-env-doc-exact.ts`;
    // The same CPU budget at both scales (about 2 s), so the 10x figure is not a median of fewer, noisier runs.
    const oneX = await measureScale(
      '1x',
      [],
      generate('exact-1x.json', exact, []),
      identities,
      COMPILE_RUNS_1X,
    );
    const tenX = await measureScale(
      '10x',
      scaleArgs,
      generate('exact-10x.json', exact, scaleArgs),
      identities,
      COMPILE_RUNS_10X,
    );
    // Two points say little about the shape of the curve: the cost per segment at 1x, 2x, 5x, 10x and 20x, each in
    // a fresh process, shows whether the 1x → 10x ratio comes from steady growth or from a step, and whether the
    // cost per segment keeps rising past 10x (it would, for anything worse than linear).
    const scaled = (factor: number) => {
      if (factor === 1 || factor === 10) return `${out}exact-${factor}x.json`;
      const args = [
        ['--segments', 400],
        ['--overrides', 5000],
        ['--identity-overrides', 200],
      ].flatMap(([flag, base]) => [String(flag), String(Number(base) * factor)]);
      return generate(`exact-${factor}x.json`, exact, args);
    };
    perSegment = PER_SEGMENT_FACTORS.map((factor) => ({
      label: `${factor}x`,
      segments: 400 * factor,
      cold: compileInChild(scaled(factor), Math.max(15, Math.round(200 / factor))),
    }));
    scaling = [oneX, tenX];
  }

  const report = renderReport(seed, sideBySide, comparison, scaling, perSegment);
  console.log(report);
  appendFileSync(new URL('../RESULTS.md', import.meta.url), `\n${report}`);
  console.log(`appended to bench/RESULTS.md (${here})`);
}

/** flagsmith-nodejs timed in the same rounds as the engine (see sdkSlices), and the speed-ups. */
interface SideBySide {
  readonly sdk: Timing;
  /** Median over the rounds of (SDK µs per identity / ours), for `evaluate` and for `evaluateFlags`. */
  readonly evaluate: number;
  readonly evaluateFlags: number;
}

function renderReport(
  seed: ScaleResult,
  sideBySide: SideBySide,
  comparison?: Comparison,
  scaling?: [ScaleResult, ScaleResult],
  perSegment?: PerSegment[],
): string {
  const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD']).toString().trim();
  const dirty = execFileSync('git', [
    'status',
    '--porcelain',
    '--',
    '../packages/engine',
    '.',
    ':!RESULTS.md',
  ])
    .toString()
    .trim();
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  const lines = [
    `## Engine: @vexil/engine vs flagsmith-nodejs — ${new Date().toISOString().slice(0, 10)}`,
    '',
    `- Commit: \`${commit}\`${dirty ? ' (with uncommitted changes)' : ''}`,
    `- Command: \`npm run bench:engine -w @vexil/bench${quick ? ' -- --quick' : ''}\``,
    `- Machine: node-svc, ${cpus().length}-core sandbox (${cpu}), ${Math.round(totalmem() / 2 ** 30)} GB, Node ${process.version}, shared with other engineers' jobs: load average ${loadAtStart.map((l) => l.toFixed(1)).join('/')} at the start, ${loadavg()
      .map((l) => l.toFixed(1))
      .join('/')} at the end (1/5/15 min; 2 = both cores busy)`,
    '- Document: `gen-env-doc.mjs` defaults (300 features, 400 segments, 5,000 segment overrides, 200 identity overrides); identities: `gen-identities.mjs 10000`',
    '',
    '| Measure | Value |',
    '|---|---|',
    `| flagsmith-nodejs ${'`getIdentityFlags`'} (local evaluation, offline document; CPU time, in each round after ours for ${quick ? '0.4' : '1.5'} s of consecutive identities; median of ${ROUNDS} rounds) | ${fmt(sideBySide.sdk.median)} µs/identity (mean ${fmt(sideBySide.sdk.mean)}, rounds ${fmt(Math.min(...sideBySide.sdk.rounds), 0)}–${fmt(Math.max(...sideBySide.sdk.rounds), 0)}) |`,
    `| @vexil/engine ${'`evaluate(identity)`'} (all flags, result object, every flag's enabled and value read by name; CPU time, median of 7 rounds of 10,000) | ${fmt(seed.evaluate.median)} µs/identity (mean ${fmt(seed.evaluate.mean)}, best round ${fmt(seed.evaluate.best)}) |`,
    `| @vexil/engine ${'`evaluateFlags(identity)`'} (all flags as a list, each read) | ${fmt(seed.evaluateFlags.median)} µs/identity (mean ${fmt(seed.evaluateFlags.mean)}, best ${fmt(seed.evaluateFlags.best)}) |`,
    `| @vexil/engine ${'`evaluate(identity)`'} + reading ${'`segments`'} | ${fmt(seed.withSegments.median)} µs/identity (mean ${fmt(seed.withSegments.mean)}) |`,
    `| Speed-up, median of the rounds' own ratios (evaluate / evaluateFlags) | ${fmt(sideBySide.evaluate, 0)}x / ${fmt(sideBySide.evaluateFlags, 0)}x (ratio of the medians: ${fmt(sideBySide.sdk.median / seed.evaluate.median, 0)}x / ${fmt(sideBySide.sdk.median / seed.evaluateFlags.median, 0)}x) |`,
    `| ${'`compileEnvironment`'} (CPU time) | ${fmt(seed.compile.median)} ms (median of 21; best ${fmt(seed.compile.best)}, mean ${fmt(seed.compile.mean)}; caches evicted before each: mean ${fmt(seed.compileCold.mean)}) |`,
    `| Compiled heap (document kept) | ${fmt(seed.heapBytes / 1e6, 2)} MB = ${fmt(seed.heapBytes / seed.jsonBytes, 2)}x the document JSON (${fmt(seed.jsonBytes / 1e6, 2)} MB) |`,
    `| Compiled heap (document dropped, shared strings included) | ${fmt(seed.standaloneHeapBytes / 1e6, 2)} MB = ${fmt(seed.standaloneHeapBytes / seed.jsonBytes, 2)}x |`,
  ];
  if (comparison) {
    const byCause = new Map<string, number>();
    for (const difference of comparison.differences) {
      byCause.set(difference.cause, (byCause.get(difference.cause) ?? 0) + 1);
    }
    lines.push(
      '',
      `Flag-by-flag comparison: ${comparison.identities} identities, ${comparison.flags} flags, ${comparison.equal} identical (enabled and value), ${comparison.differences.length} different.`,
    );
    if (comparison.differences.length > 0) {
      lines.push('', '| Cause | Flags | Why | Example |', '|---|---|---|---|');
      for (const [cause, count] of byCause) {
        const example = comparison.differences.find((difference) => difference.cause === cause);
        lines.push(
          `| ${cause} | ${count} | ${CAUSES[cause]} | ${example?.identifier} / ${example?.feature}: ${example?.detail} |`,
        );
      }
    }
  }
  if (scaling) {
    const [one, ten] = scaling;
    const ratio = (a: number, b: number) => fmt(a / b, 2);
    lines.push(
      '',
      'Growth at ten times the scale (`bench/engine/gen-env-doc-exact.ts`: the seed-scale distributions with an exact RNG; 1x = defaults, 10x = `' +
        ten.args +
        '`):',
      '',
      `Compile: CPU time, median of ${COMPILE_RUNS_1X} runs at 1x and of ${COMPILE_RUNS_10X} at 10x, and their means (total CPU time over the runs, garbage collection included, / runs). "Cold": the same with the CPU caches evicted before each compile (a 256 MB buffer written outside the timed region).`,
      '',
      '| Scale | JSON | compile median | compile mean | compile mean, cold | heap (doc dropped) | evaluate | evaluateFlags |',
      '|---|---|---|---|---|---|---|---|',
      ...[one, ten].map(
        (r) =>
          `| ${r.label} | ${fmt(r.jsonBytes / 1e6, 1)} MB | ${fmt(r.compile.median)} ms (best ${fmt(r.compile.best)}) | ${fmt(r.compile.mean)} ms | ${fmt(r.compileCold.mean)} ms (median ${fmt(r.compileCold.median)}) | ${fmt(r.standaloneHeapBytes / 1e6, 1)} MB (${ratio(r.standaloneHeapBytes, r.jsonBytes)}x) | ${fmt(r.evaluate.median)} µs | ${fmt(r.evaluateFlags.median)} µs |`,
      ),
      `| 10x / 1x | ${ratio(ten.jsonBytes, one.jsonBytes)}x | ${ratio(ten.compile.median, one.compile.median)}x (best ${ratio(ten.compile.best, one.compile.best)}x) | ${ratio(ten.compile.mean, one.compile.mean)}x | ${ratio(ten.compileCold.mean, one.compileCold.mean)}x (median ${ratio(ten.compileCold.median, one.compileCold.median)}x) | ${ratio(ten.standaloneHeapBytes, one.standaloneHeapBytes)}x | ${ratio(ten.evaluate.median, one.evaluate.median)}x | ${ratio(ten.evaluateFlags.median, one.evaluateFlags.median)}x |`,
    );
  }
  if (perSegment) {
    const base = perSegment[0] as PerSegment;
    lines.push(
      '',
      'Compile cost per segment, each scale in a fresh process, caches evicted before each compile (engine/compile-cold.ts; the same distributions at each scale; means over 200 compiles at 1x down to 15 at 20x). System time, page faults and GC pauses are per compile:',
      '',
      '| Scale | Segments | CPU per compile (mean) | per segment | vs 1x | system time | minor page faults | GC pauses |',
      '|---|---|---|---|---|---|---|---|',
      ...perSegment.map((p) => {
        const perUnit = (p.cold.cpu.mean * 1000) / p.segments;
        const basePerUnit = (base.cold.cpu.mean * 1000) / base.segments;
        return `| ${p.label} | ${p.segments} | ${fmt(p.cold.cpu.mean)} ms (median ${fmt(p.cold.cpu.median)}) | ${fmt(perUnit, 2)} µs | ${fmt(perUnit / basePerUnit, 2)}x | ${fmt(p.cold.systemMs, 2)} ms | ${fmt(p.cold.pageFaults, 0)} | ${fmt(p.cold.gcMs, 2)} ms |`;
      }),
    );
  }
  return `${lines.join('\n')}\n`;
}

await main();
