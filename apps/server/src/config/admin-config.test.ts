import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from './admin-config.ts';
import { type ConfigError, loadConfig } from './config.ts';

describe('loadConfig: admin settings', () => {
  it('uses the documented limits and login throttle by default', () => {
    const config = loadConfig({});
    expect(config.limits).toEqual(DEFAULT_LIMITS);
    expect(config.loginRateLimit).toEqual({ perEmail: 10, perIp: 100, windowSeconds: 900 });
  });

  it('reads every limit variable', () => {
    const config = loadConfig({
      VEXIL_MAX_FEATURES_PER_PROJECT: '10',
      VEXIL_MAX_SEGMENTS_PER_PROJECT: '11',
      VEXIL_MAX_SEGMENT_OVERRIDES_PER_ENVIRONMENT: '12',
      VEXIL_MAX_IDENTITY_OVERRIDES_PER_ENVIRONMENT: '13',
      VEXIL_MAX_CONDITIONS_PER_SEGMENT: '14',
      VEXIL_MAX_SEGMENT_RULES_DEPTH: '3',
      VEXIL_MAX_ENVIRONMENT_DOCUMENT_BYTES: '1000000',
      VEXIL_MAX_CONDITION_VALUE_LENGTH: '15',
      VEXIL_MAX_FEATURE_VALUE_LENGTH: '16',
      VEXIL_LOGIN_ATTEMPTS_PER_EMAIL: '5',
      VEXIL_LOGIN_ATTEMPTS_PER_IP: '50',
      VEXIL_LOGIN_WINDOW_SECONDS: '60',
    });
    expect(config.limits).toEqual({
      maxFeaturesPerProject: 10,
      maxSegmentsPerProject: 11,
      maxSegmentOverridesPerEnvironment: 12,
      maxIdentityOverridesPerEnvironment: 13,
      maxConditionsPerSegment: 14,
      maxSegmentRulesDepth: 3,
      maxEnvironmentDocumentBytes: 1_000_000,
      maxConditionValueLength: 15,
      maxFeatureValueLength: 16,
    });
    expect(config.loginRateLimit).toEqual({ perEmail: 5, perIp: 50, windowSeconds: 60 });
  });

  it('names each bad limit variable', () => {
    let error: ConfigError | undefined;
    try {
      loadConfig({
        VEXIL_MAX_FEATURES_PER_PROJECT: 'many',
        VEXIL_MAX_SEGMENT_RULES_DEPTH: '0',
        VEXIL_LOGIN_WINDOW_SECONDS: '-1',
      });
    } catch (err) {
      error = err as ConfigError;
    }
    expect(error?.problems.map((p) => p.split(':')[0])).toEqual([
      'VEXIL_MAX_FEATURES_PER_PROJECT',
      'VEXIL_MAX_SEGMENT_RULES_DEPTH',
      'VEXIL_LOGIN_WINDOW_SECONDS',
    ]);
  });
});
