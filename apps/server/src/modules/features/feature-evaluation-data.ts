import { sql } from 'kysely';
import { Type } from 'typebox';
import type { HttpServer } from '../../http/server.ts';
import { ErrorResponses, IdParam } from '../../http/wire.ts';
import type { Database } from '../../platform/db/database.ts';
import { ValidationError } from '../../platform/errors.ts';
import type { RequireAuth } from '../auth/index.ts';
import type { FeatureService } from './feature-service.ts';

const EvaluationDay = Type.Object({
  day: Type.String({ format: 'date', description: 'UTC day' }),
  count: Type.Integer({ description: 'evaluations the SDKs reported that day' }),
});

/**
 * Flagsmith's feature evaluation data: the counts SDKs post to /analytics/flags/ (stored per hour by the SDK API
 * in feature_evaluation_counts), summed per UTC day over the last `period` days. Days without data are left out.
 */
export function registerFeatureEvaluationDataRoutes(
  app: HttpServer,
  deps: { features: FeatureService; database: Database; requireAuth: RequireAuth },
) {
  const { features, database, requireAuth } = deps;
  app.get(
    '/api/v1/projects/:projectId/features/:featureId/evaluation-data/',
    {
      schema: {
        tags: ['features'],
        summary: "A feature's evaluation counts per day, as reported by the SDKs' analytics",
        params: Type.Object({ projectId: IdParam, featureId: IdParam }),
        querystring: Type.Object({
          environment_id: IdParam,
          period: Type.Optional(Type.Integer({ minimum: 1, maximum: 366, default: 30, description: 'days' })),
        }),
        response: { 200: Type.Array(EvaluationDay), ...ErrorResponses },
      },
    },
    async (request) => {
      const { projectId, featureId } = request.params;
      const feature = await features.get(await requireAuth(request), projectId, featureId);
      const { environment_id: environmentId, period = 30 } = request.query;
      const environment = await database.db
        .selectFrom('environments')
        .select('id')
        .where('id', '=', environmentId)
        .where('project_id', '=', projectId)
        .executeTakeFirst();
      if (!environment) {
        throw ValidationError.field('environment_id', 'No environment with this id in the project.');
      }
      const rows = await database.db
        .selectFrom('feature_evaluation_counts')
        .select([
          sql<string>`to_char(period_start AT TIME ZONE 'UTC', 'YYYY-MM-DD')`.as('day'),
          sql<string>`sum(count)::text`.as('count'),
        ])
        .where('environment_id', '=', environmentId)
        .where('feature_name', '=', feature.name)
        .where(
          'period_start',
          '>=',
          sql<Date>`date_trunc('day', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' - make_interval(days => ${period - 1})`,
        )
        .groupBy(sql`1`)
        .orderBy(sql`1`)
        .execute();
      return rows.map((r) => ({ day: r.day, count: Number(r.count) }));
    },
  );
}
