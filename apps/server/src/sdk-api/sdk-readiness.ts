import { Gauge, type Registry } from 'prom-client';
import type { Check } from '../health/readiness.ts';
import type { IdentifyService } from './identify.ts';
import { joinedToBuffer } from './response-buffers.ts';
import { ServedEnvironment } from './served-environment.ts';
import type { ServedEnvironments } from './served-environments.ts';

/** A one-feature environment whose answer is known: the canary the readiness check serves. */
function canaryEnvironment(): ServedEnvironment {
  const document = {
    id: 0,
    api_key: 'vexil-readiness-canary',
    name: 'canary',
    project: {
      id: 0,
      name: 'canary',
      organisation: { id: 0, name: 'canary' },
      segments: [
        {
          id: 1,
          name: 'canary',
          rules: [
            { type: 'ALL', rules: [], conditions: [{ operator: 'EQUAL', property_: 'probe', value: 'yes' }] },
          ],
          feature_states: [
            {
              feature: { id: 1, name: 'canary', type: 'STANDARD' },
              enabled: true,
              django_id: 2,
              feature_segment: { priority: 0 },
              feature_state_value: 'segment',
              multivariate_feature_state_values: [],
            },
          ],
        },
      ],
    },
    feature_states: [
      {
        feature: { id: 1, name: 'canary', type: 'STANDARD' },
        enabled: false,
        django_id: 1,
        feature_segment: null,
        feature_state_value: 'default',
        multivariate_feature_state_values: [],
      },
    ],
    identity_overrides: [],
  };
  const text = JSON.stringify(document);
  return new ServedEnvironment(
    {
      environmentId: 0,
      dataVersion: 1,
      dataUpdatedAt: new Date(0),
      document: text,
      sizeBytes: text.length,
      buildMs: 0,
      builtAt: new Date(0),
    },
    new Map(),
  );
}

/**
 * Critical: a canary identity goes through the same identify → evaluate → serialize path as a request (a transient
 * identity, so nothing touches the database) and must get the segment override.
 */
export function sdkCanaryCheck(identify: IdentifyService): Check {
  const canary = canaryEnvironment();
  return async () => {
    const result = await identify.identify(canary, 'server', {
      identifier: 'canary',
      traits: [{ trait_key: 'probe', trait_value: 'yes' }],
      transient: true,
    });
    const body = typeof result === 'object' ? joinedToBuffer(result).toString() : result;
    const flags = (
      JSON.parse(body ?? '{}') as { flags?: Array<{ enabled: boolean; feature_state_value: unknown }> }
    ).flags;
    const ok =
      flags?.length === 1 && flags[0]?.enabled === true && flags[0]?.feature_state_value === 'segment';
    return ok ? { status: 'ok' } : { status: 'error', detail: `canary evaluated wrongly: ${body}` };
  };
}

/**
 * Non-critical: the served documents are only as fresh as the last successful comparison with the database.
 * Past `staleAfterSeconds` the process still serves (degraded), because old flags beat no flags.
 */
export function sdkDocumentsCheck(environments: ServedEnvironments, staleAfterSeconds: number): Check {
  return async () => {
    const age = Math.round((Date.now() - environments.lastSyncAt) / 1000);
    const served = [...environments.served()].length;
    if (age > staleAfterSeconds) {
      return {
        status: 'error',
        detail: `documents not checked against the database for ${age} s; serving the last known versions`,
        served,
        stale_seconds: age,
      };
    }
    return { status: 'ok', served, stale_seconds: age };
  };
}

export function registerSdkMetrics(registry: Registry, environments: ServedEnvironments) {
  const gauge = (name: string, help: string, value: () => number) => {
    const g: Gauge = new Gauge({ name, help, registers: [registry], collect: () => g.set(value()) });
  };
  const all = () => [...environments.served()];
  gauge(
    'vexil_sdk_environments_served',
    'Environments whose documents this process holds',
    () => all().length,
  );
  gauge(
    'vexil_sdk_documents_bytes',
    'Size of the stored documents this process holds (the compiled form takes more)',
    () => all().reduce((total, e) => total + e.documentBytes, 0),
  );
  gauge(
    'vexil_sdk_documents_stale_seconds',
    'Seconds since the served documents were last compared with the database',
    () => (Date.now() - environments.lastSyncAt) / 1000,
  );
}
