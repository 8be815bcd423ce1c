/**
 * Admin API settings: write-time limits (spec §5, sized for ten times the July 2023 incident's environment:
 * 300 features, 400 segments, 5,000 segment overrides, 200 identity overrides) and the login rate limit.
 */
export interface LimitsConfig {
  /** Flagsmith `max_features_allowed`; a project's own value wins when set. */
  maxFeaturesPerProject: number;
  /** Flagsmith `max_segments_allowed`. */
  maxSegmentsPerProject: number;
  /** Flagsmith `max_segment_overrides_allowed` (per environment). */
  maxSegmentOverridesPerEnvironment: number;
  maxIdentityOverridesPerEnvironment: number;
  /** Flagsmith `SEGMENT_RULES_CONDITIONS_LIMIT`. */
  maxConditionsPerSegment: number;
  /** Flagsmith `SEGMENT_RULES_MAX_DEPTH`: a segment's own rules are depth 1, their sub-rules depth 2. */
  maxSegmentRulesDepth: number;
  /** Estimated size of an environment's SDK document, checked when a write adds to it. */
  maxEnvironmentDocumentBytes: number;
  /** Flagsmith `SEGMENT_CONDITION_VALUE_LIMIT`. */
  maxConditionValueLength: number;
  /** Flagsmith `FEATURE_VALUE_LIMIT`. */
  maxFeatureValueLength: number;
}

export interface LoginRateLimitConfig {
  /** Attempts per email address per window (failed or not, so a correct guess cannot slip through). */
  perEmail: number;
  /** Attempts per client IP per window. */
  perIp: number;
  windowSeconds: number;
}

export interface AdminConfig {
  limits: LimitsConfig;
  loginRateLimit: LoginRateLimitConfig;
}

type ParseInteger = (
  raw: string | undefined,
  fallback: number,
  min: number,
  max: number,
  name: string,
) => number;

export const DEFAULT_LIMITS: LimitsConfig = {
  maxFeaturesPerProject: 5_000,
  maxSegmentsPerProject: 5_000,
  maxSegmentOverridesPerEnvironment: 60_000,
  maxIdentityOverridesPerEnvironment: 10_000,
  maxConditionsPerSegment: 100,
  maxSegmentRulesDepth: 2,
  maxEnvironmentDocumentBytes: 64 * 1024 * 1024,
  maxConditionValueLength: 1_000,
  maxFeatureValueLength: 20_000,
};

const MILLION = 1_000_000;

export function loadAdminConfig(get: (name: string) => string | undefined, int: ParseInteger): AdminConfig {
  const d = DEFAULT_LIMITS;
  const limit = (name: string, fallback: number, max = 100 * MILLION) =>
    int(get(name), fallback, 0, max, name);
  return {
    limits: {
      maxFeaturesPerProject: limit('VEXIL_MAX_FEATURES_PER_PROJECT', d.maxFeaturesPerProject),
      maxSegmentsPerProject: limit('VEXIL_MAX_SEGMENTS_PER_PROJECT', d.maxSegmentsPerProject),
      maxSegmentOverridesPerEnvironment: limit(
        'VEXIL_MAX_SEGMENT_OVERRIDES_PER_ENVIRONMENT',
        d.maxSegmentOverridesPerEnvironment,
      ),
      maxIdentityOverridesPerEnvironment: limit(
        'VEXIL_MAX_IDENTITY_OVERRIDES_PER_ENVIRONMENT',
        d.maxIdentityOverridesPerEnvironment,
      ),
      maxConditionsPerSegment: limit('VEXIL_MAX_CONDITIONS_PER_SEGMENT', d.maxConditionsPerSegment),
      maxSegmentRulesDepth: int(
        get('VEXIL_MAX_SEGMENT_RULES_DEPTH'),
        d.maxSegmentRulesDepth,
        1,
        100,
        'VEXIL_MAX_SEGMENT_RULES_DEPTH',
      ),
      maxEnvironmentDocumentBytes: limit(
        'VEXIL_MAX_ENVIRONMENT_DOCUMENT_BYTES',
        d.maxEnvironmentDocumentBytes,
        2 ** 31 - 1,
      ),
      maxConditionValueLength: limit(
        'VEXIL_MAX_CONDITION_VALUE_LENGTH',
        d.maxConditionValueLength,
        2 * MILLION,
      ),
      maxFeatureValueLength: limit('VEXIL_MAX_FEATURE_VALUE_LENGTH', d.maxFeatureValueLength, 2 * MILLION),
    },
    loginRateLimit: {
      perEmail: int(get('VEXIL_LOGIN_ATTEMPTS_PER_EMAIL'), 10, 1, MILLION, 'VEXIL_LOGIN_ATTEMPTS_PER_EMAIL'),
      perIp: int(get('VEXIL_LOGIN_ATTEMPTS_PER_IP'), 100, 1, MILLION, 'VEXIL_LOGIN_ATTEMPTS_PER_IP'),
      windowSeconds: int(get('VEXIL_LOGIN_WINDOW_SECONDS'), 900, 1, 86_400, 'VEXIL_LOGIN_WINDOW_SECONDS'),
    },
  };
}
