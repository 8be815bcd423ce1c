-- The SDK environment documents (docs/ARCHITECTURE.md, "Document pipeline"): one row per environment holding the
-- latest Flagsmith environment document, built by the environment-document rebuild task and read by every
-- serving process when NOTIFY (or the periodic check) tells it a newer version exists.
CREATE TABLE environment_documents (
  environment_id integer PRIMARY KEY REFERENCES environments (id) ON DELETE CASCADE,
  -- environments.data_version the document was built from. The reconciler rebuilds every document whose
  -- data_version is behind its environment's, so a lost rebuild heals by itself.
  data_version bigint NOT NULL CHECK (data_version >= 0),
  -- environments.updated_at at build time: the SDK API's Last-Modified and X-Flagsmith-Document-Updated-At.
  data_updated_at timestamptz NOT NULL,
  -- The document as served by GET /api/v1/environment-document/, serialized once by the builder.
  document text NOT NULL,
  size_bytes integer NOT NULL CHECK (size_bytes >= 0),
  build_ms integer NOT NULL CHECK (build_ms >= 0),
  built_at timestamptz NOT NULL DEFAULT now()
);
-- Serving processes read whole documents on every change; skipping TOAST compression trades disk for the CPU that
-- decompressing a multi-megabyte document on each read would cost.
ALTER TABLE environment_documents ALTER COLUMN document SET STORAGE EXTERNAL;
