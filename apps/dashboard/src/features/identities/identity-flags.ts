import { ApiError } from '../../api/client.ts';
import { identityApi, sdkApi } from '../../api/endpoints.ts';
import type { FlagValue, Trait } from '../../api/types.ts';

export interface EvaluatedFlag {
  name: string;
  enabled: boolean;
  value: FlagValue;
  /** Why it has this value, when the source says: "identity override", a segment's name, or the default. */
  source: string | null;
}

export interface IdentityFlags {
  flags: EvaluatedFlag[];
  /** Which API evaluated them. */
  via: 'sdk' | 'admin';
}

/**
 * "See flags as this identity". Preferred: the SDK API (`POST /api/v1/identities/`, transient, with the stored
 * traits), which evaluates exactly what an SDK would get. When that endpoint does not exist on this server (404),
 * the admin API's `featurestates/all/`, which also says which override decided each flag.
 */
export async function identityFlags(
  envKey: string,
  identityId: number,
  identifier: string,
  traits: readonly Trait[],
): Promise<IdentityFlags> {
  try {
    const sdk = await sdkApi.identify(
      envKey,
      identifier,
      traits.map((t) => ({ trait_key: t.trait_key, trait_value: t.trait_value })),
      true,
    );
    return {
      via: 'sdk',
      flags: sdk.flags
        .map((f) => ({
          name: f.feature.name,
          enabled: f.enabled,
          value: f.feature_state_value,
          source: null,
        }))
        .sort((a, b) => a.name.localeCompare(b.name)),
    };
  } catch (err) {
    if (!(err instanceof ApiError) || (err.status !== 404 && err.status !== 405)) throw err;
  }
  const all = await identityApi.allFlags(envKey, identityId);
  return {
    via: 'admin',
    flags: all
      .map((f) => ({
        name: f.feature.name,
        enabled: f.enabled,
        value: f.feature_state_value,
        source:
          f.overridden_by === 'IDENTITY'
            ? 'identity override'
            : f.segment
              ? `segment ${f.segment.name}`
              : 'default',
      }))
      .sort((a, b) => a.name.localeCompare(b.name)),
  };
}
