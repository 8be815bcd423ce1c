import type { Kysely } from 'kysely';
import type { LimitsConfig } from '../../config/admin-config.ts';
import type { Schema } from '../../platform/db/schema.ts';
import { ValidationError } from '../../platform/errors.ts';
import { estimateEnvironmentDocumentBytes } from './document-size.ts';
import { limitsStore } from './limits-store.ts';

/** One limit as the API shows it: Flagsmith's field name where it has one, the value and the current usage. */
export interface LimitUsage {
  name: string;
  limit: number;
  usage: number;
}

/** A rule tree as the segment service validates it (depth 1 = the segment's own rules). */
export interface RuleShape {
  rules?: readonly RuleShape[];
  conditions?: readonly { value?: unknown }[];
}

/**
 * Write-time limits (spec §5). Services call these inside their transaction, after their own writes where the
 * count must include them, so a failing check rolls the whole write back. Errors are 400s naming the limit,
 * its value and the current usage.
 */
export class Limits {
  readonly config: LimitsConfig;

  constructor(config: LimitsConfig) {
    this.config = config;
  }

  async assertFeatures(trx: Kysely<Schema>, projectId: number, adding = 1): Promise<void> {
    const [limit, usage] = await Promise.all([
      this.#projectLimit(trx, projectId, 'max_features_allowed'),
      limitsStore.featureCount(trx, projectId),
    ]);
    if (usage + adding > limit) {
      throw ValidationError.plain(
        'project',
        `The Project has reached the maximum allowed features limit: max_features_allowed is ${limit} and the project has ${usage} features.`,
      );
    }
  }

  async assertSegments(trx: Kysely<Schema>, projectId: number, adding = 1): Promise<void> {
    const limit = await this.#projectLimit(trx, projectId, 'max_segments_allowed');
    const usage = await limitsStore.segmentCount(trx, projectId);
    if (usage + adding > limit) {
      throw ValidationError.plain(
        'project',
        `The project has reached the maximum allowed segments limit: max_segments_allowed is ${limit} and the project has ${usage} segments.`,
      );
    }
  }

  async assertSegmentOverrides(trx: Kysely<Schema>, environmentId: number, adding = 1): Promise<void> {
    const limit = await this.#environmentLimit(trx, environmentId);
    const usage = await limitsStore.segmentOverrideCount(trx, environmentId);
    if (usage + adding > limit) {
      throw ValidationError.plain(
        'environment',
        `The environment has reached the maximum allowed segments overrides limit: max_segment_overrides_allowed is ${limit} and the environment has ${usage} segment overrides.`,
      );
    }
  }

  async assertIdentityOverrides(trx: Kysely<Schema>, environmentId: number, adding = 1): Promise<void> {
    const limit = this.config.maxIdentityOverridesPerEnvironment;
    const usage = await limitsStore.identityOverrideCount(trx, environmentId);
    if (usage + adding > limit) {
      throw ValidationError.plain(
        'environment',
        `The environment has reached the maximum allowed identity overrides limit: max_identity_overrides_allowed is ${limit} and the environment has ${usage} identity overrides.`,
      );
    }
  }

  /** Checks the estimated document size of each environment; call after the write that grew it. */
  async assertDocumentSize(trx: Kysely<Schema>, environmentIds: Iterable<number>): Promise<void> {
    const limit = this.config.maxEnvironmentDocumentBytes;
    for (const id of new Set(environmentIds)) {
      const size = await estimateEnvironmentDocumentBytes(trx, id);
      if (size > limit) {
        throw ValidationError.plain(
          'environment',
          `The environment document would exceed the maximum allowed size: max_environment_document_bytes is ${limit} and the estimated size is ${size} bytes.`,
        );
      }
    }
  }

  /** Conditions per segment, rule depth and condition value length, checked before anything is written. */
  assertSegmentShape(rules: readonly RuleShape[]): void {
    let conditions = 0;
    let depth = 0;
    let longest = 0;
    const walk = (list: readonly RuleShape[], level: number) => {
      for (const rule of list) {
        depth = Math.max(depth, level);
        for (const c of rule.conditions ?? []) {
          conditions++;
          longest = Math.max(longest, c.value === null || c.value === undefined ? 0 : String(c.value).length);
        }
        walk(rule.rules ?? [], level + 1);
      }
    };
    walk(rules, 1);
    const problems: string[] = [];
    const { maxConditionsPerSegment: maxConditions, maxSegmentRulesDepth: maxDepth } = this.config;
    if (conditions > maxConditions) {
      problems.push(
        `The segment has ${conditions} conditions, which exceeds the maximum condition count of ${maxConditions}.`,
      );
    }
    if (depth > maxDepth) {
      problems.push(
        `Rules must not be nested more than ${maxDepth} levels deep (these rules nest ${depth}).`,
      );
    }
    if (longest > this.config.maxConditionValueLength) {
      problems.push(
        `Condition values must be at most ${this.config.maxConditionValueLength} characters (the longest has ${longest}).`,
      );
    }
    if (problems.length > 0) throw new ValidationError({ segment: problems });
  }

  async projectUsage(db: Kysely<Schema>, projectId: number): Promise<LimitUsage[]> {
    return [
      {
        name: 'max_features_allowed',
        limit: await this.#projectLimit(db, projectId, 'max_features_allowed'),
        usage: await limitsStore.featureCount(db, projectId),
      },
      {
        name: 'max_segments_allowed',
        limit: await this.#projectLimit(db, projectId, 'max_segments_allowed'),
        usage: await limitsStore.segmentCount(db, projectId),
      },
    ];
  }

  async environmentUsage(db: Kysely<Schema>, environmentId: number): Promise<LimitUsage[]> {
    return [
      {
        name: 'max_segment_overrides_allowed',
        limit: await this.#environmentLimit(db, environmentId),
        usage: await limitsStore.segmentOverrideCount(db, environmentId),
      },
      {
        name: 'max_identity_overrides_allowed',
        limit: this.config.maxIdentityOverridesPerEnvironment,
        usage: await limitsStore.identityOverrideCount(db, environmentId),
      },
      {
        name: 'max_environment_document_bytes',
        limit: this.config.maxEnvironmentDocumentBytes,
        usage: await estimateEnvironmentDocumentBytes(db, environmentId),
      },
    ];
  }

  /** The effective per-project limits (the project's own value, else the server default), for the project JSON. */
  effectiveProjectLimits(project: {
    max_features_allowed: number | null;
    max_segments_allowed: number | null;
    max_segment_overrides_allowed: number | null;
  }) {
    return {
      max_features_allowed: project.max_features_allowed ?? this.config.maxFeaturesPerProject,
      max_segments_allowed: project.max_segments_allowed ?? this.config.maxSegmentsPerProject,
      max_segment_overrides_allowed:
        project.max_segment_overrides_allowed ?? this.config.maxSegmentOverridesPerEnvironment,
    };
  }

  async #projectLimit(
    db: Kysely<Schema>,
    projectId: number,
    name: 'max_features_allowed' | 'max_segments_allowed',
  ): Promise<number> {
    const own = await limitsStore.projectLimits(db, projectId);
    return own ? this.effectiveProjectLimits(own)[name] : 0;
  }

  async #environmentLimit(db: Kysely<Schema>, environmentId: number): Promise<number> {
    const own = await limitsStore.environmentProjectLimits(db, environmentId);
    return own ? this.effectiveProjectLimits(own).max_segment_overrides_allowed : 0;
  }
}
