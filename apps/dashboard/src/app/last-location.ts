const KEY = 'vexil.last';

export interface LastLocation {
  organisation?: number;
  project?: number;
  environment?: string;
}

/** Where the user last worked, so that `/` brings them back there. */
export function readLast(): LastLocation {
  try {
    return JSON.parse(globalThis.localStorage?.getItem(KEY) ?? '{}') as LastLocation;
  } catch {
    return {};
  }
}

export function rememberLast(update: LastLocation) {
  globalThis.localStorage?.setItem(KEY, JSON.stringify({ ...readLast(), ...update }));
}

export const envPath = (project: number, envKey: string, page = 'features') =>
  `/projects/${project}/environments/${envKey}/${page}`;
