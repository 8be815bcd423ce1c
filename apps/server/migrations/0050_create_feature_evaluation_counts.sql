-- SDK analytics (POST /api/v1/analytics/flags/ and /api/v2/analytics/flags/): how often each feature was evaluated,
-- per environment, per hour and per client labels. Serving processes count in memory and add their counts here
-- periodically, so one row is written per (environment, feature, hour, labels) and flush, not per request.
CREATE TABLE feature_evaluation_counts (
  environment_id integer NOT NULL REFERENCES environments (id) ON DELETE CASCADE,
  feature_name text NOT NULL,
  -- The hour the counts were received in (UTC, truncated).
  period_start timestamptz NOT NULL,
  -- Flagsmith's usage labels (spec §1.2); '' when the client did not send them.
  client_application_name text NOT NULL DEFAULT '',
  client_application_version text NOT NULL DEFAULT '',
  user_agent text NOT NULL DEFAULT '',
  count bigint NOT NULL CHECK (count >= 0),
  PRIMARY KEY (environment_id, feature_name, period_start, client_application_name, client_application_version, user_agent)
);
