import { describe, inject } from 'vitest';

/** A server under test: where it is and an organisation-admin master API key for it. */
export interface Target {
  name: string;
  baseUrl: string;
  apiKey: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    targets: Target[];
  }
}

/** `describe` once per server under test, with the server's name in the title. */
export function describeEachTarget(title: string, body: (target: Target) => void) {
  for (const target of inject('targets')) describe(`${title} [${target.name}]`, () => body(target));
}
