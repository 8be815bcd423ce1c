import { pathToFileURL } from 'node:url';
import { isTaskDefinition, type TaskDefinition } from './task-definition.ts';

/** Process-wide defaults for what a definition leaves out (VEXIL_TASKS_* variables). */
export interface TaskDefaults {
  timeoutMs: number;
  memoryLimitMb: number;
  maxAttempts: number;
}

/** A definition with every limit decided: what the queue and the processor work from. */
export interface ResolvedTask {
  readonly definition: TaskDefinition;
  readonly type: string;
  readonly module: string;
  readonly timeoutMs: number;
  readonly memoryLimitMb: number;
  readonly maxAttempts: number;
  readonly priority: number;
  readonly coalesce: boolean;
}

export const DEFAULT_PRIORITY = 50;

/**
 * The task types this process knows. Built once in compose.ts from explicit definitions: there is no import-time
 * registration (Flagsmith's decorators), so what runs is exactly what compose.ts lists.
 */
export class TaskRegistry {
  readonly #tasks = new Map<string, ResolvedTask>();

  constructor(definitions: readonly TaskDefinition[], defaults: TaskDefaults) {
    for (const d of definitions) {
      if (this.#tasks.has(d.type)) throw new Error(`task type ${d.type} is registered twice`);
      this.#tasks.set(d.type, {
        definition: d,
        type: d.type,
        module: d.module,
        timeoutMs: d.timeoutMs ?? defaults.timeoutMs,
        memoryLimitMb: d.memoryLimitMb ?? defaults.memoryLimitMb,
        maxAttempts: d.maxAttempts ?? defaults.maxAttempts,
        priority: d.priority ?? DEFAULT_PRIORITY,
        coalesce: d.coalesce === 'key',
      });
    }
  }

  get(type: string): ResolvedTask | undefined {
    return this.#tasks.get(type);
  }

  types(): string[] {
    return [...this.#tasks.keys()];
  }
}

/**
 * TEST ONLY: imports the modules named by VEXIL_TEST_TASK_MODULES and returns the task definitions they export.
 * config.ts refuses the variable unless NODE_ENV=test, so production never loads code named by the environment.
 */
export async function loadTestTaskModules(paths: readonly string[]): Promise<TaskDefinition[]> {
  const found: TaskDefinition[] = [];
  for (const p of paths) {
    const url = p.startsWith('file:') ? p : pathToFileURL(p).href;
    const exports = (await import(url)) as Record<string, unknown>;
    found.push(...Object.values(exports).filter(isTaskDefinition));
  }
  return found;
}
