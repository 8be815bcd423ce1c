// Child process of bench/engine/run.ts: compiles one document `runs` times with the CPU caches evicted before each
// compile, in a fresh process (so no other phase of the benchmark has grown the heap), and prints the CPU times.
// Usage: node engine/compile-cold.ts <document.json> <runs>

import { readFileSync } from 'node:fs';
import { compileEnvironment, type EnvironmentDocument } from '@vexil/engine';

const [path, runsText] = process.argv.slice(2);
const document = JSON.parse(readFileSync(path as string, 'utf8')) as EnvironmentDocument;
const runs = Number(runsText);
// Written one byte per cache line outside the timed region: bigger than the CPU's caches.
const flush = new Uint8Array(256 << 20);
const times: number[] = [];
let kept: unknown;
for (let i = -3; i < runs; i++) {
  for (let j = 0; j < flush.length; j += 64) flush[j] = (flush[j] as number) + 1;
  const start = process.cpuUsage();
  kept = compileEnvironment(document); // kept until the next one replaces it, as a server keeps its document
  const used = process.cpuUsage(start);
  if (i >= 0) times.push((used.user + used.system) / 1000);
}
process.stdout.write(JSON.stringify({ times, kept: kept !== undefined }));
