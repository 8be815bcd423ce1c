// Child process of bench/engine/run.ts: compiles one document `runs` times with the CPU caches evicted before each
// compile, in a fresh process (so no other phase of the benchmark has grown the heap), and prints per compile the
// CPU time, the part of it spent in the kernel, the minor page faults and the garbage-collection pauses, so that
// a change in the cost per segment between scales can be traced to the memory system or to the compile's own work.
// Usage: node engine/compile-cold.ts <document.json> <runs>

import { readFileSync } from 'node:fs';
import { PerformanceObserver } from 'node:perf_hooks';
import { compileEnvironment, type EnvironmentDocument } from '@vexil/engine';

const [path, runsText] = process.argv.slice(2);
const document = JSON.parse(readFileSync(path as string, 'utf8')) as EnvironmentDocument;
const runs = Number(runsText);
// GC entries arrive asynchronously: each is kept and later counted with the compile whose time window holds it.
const collections: { start: number; duration: number }[] = [];
new PerformanceObserver((list) => {
  for (const entry of list.getEntries())
    collections.push({ start: entry.startTime, duration: entry.duration });
}).observe({ entryTypes: ['gc'] });
const windows: [number, number][] = [];
// Written one byte per cache line outside the timed region: bigger than the CPU's caches.
const flush = new Uint8Array(256 << 20);
const times: number[] = [];
const system: number[] = [];
const faults: number[] = [];
let kept: unknown;
for (let i = -3; i < runs; i++) {
  for (let j = 0; j < flush.length; j += 64) flush[j] = (flush[j] as number) + 1;
  const faultsBefore = process.resourceUsage().minorPageFault;
  const wall = performance.now();
  const start = process.cpuUsage();
  kept = compileEnvironment(document); // kept until the next one replaces it, as a server keeps its document
  const used = process.cpuUsage(start);
  const faulted = process.resourceUsage().minorPageFault - faultsBefore;
  if (i < 0) continue;
  windows.push([wall, performance.now()]);
  times.push((used.user + used.system) / 1000);
  system.push(used.system / 1000);
  faults.push(faulted);
}
await new Promise((resolve) => setTimeout(resolve, 100));
const gc = windows.map(([from, to]) =>
  collections.filter((c) => c.start >= from && c.start < to).reduce((sum, c) => sum + c.duration, 0),
);
process.stdout.write(JSON.stringify({ times, system, faults, gc, kept: kept !== undefined }));
