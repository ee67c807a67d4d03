-- SPDX-License-Identifier: Apache-2.0
-- The writ runtime schema: task instances, approvals, deployments, the context function and masks.
-- Idempotent: apply runs it in every deployment transaction, so upgrades are CREATE OR REPLACE / IF NOT EXISTS.

CREATE SCHEMA IF NOT EXISTS writ;
COMMENT ON SCHEMA writ IS 'writ:managed runtime';
REVOKE ALL ON SCHEMA writ FROM PUBLIC;

-- Roles belong to the cluster: two databases deploying at the same moment both find them missing, and the
-- second CREATE ROLE fails once the first commits. That loser has nothing to do, so the error is absorbed.
DO $roles$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'writ_owner') THEN
    BEGIN
      CREATE ROLE writ_owner NOLOGIN;
    EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
    END;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'writ_runtime') THEN
    BEGIN
      CREATE ROLE writ_runtime NOLOGIN;
    EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
    END;
  END IF;
END
$roles$;
COMMENT ON ROLE writ_owner IS 'writ:managed owner of masked views';
COMMENT ON ROLE writ_runtime IS 'writ:managed runtime functions for task roles';

-- One row per running (or ended) task instance. Its JIT login role is `role`.
CREATE TABLE IF NOT EXISTS writ.task (
  id          text PRIMARY KEY,
  role        name NOT NULL UNIQUE,
  agent       text NOT NULL,
  task_type   text NOT NULL,
  context     jsonb NOT NULL DEFAULT '{}'::jsonb,
  environment text,
  workflow    text,
  created_by  name NOT NULL DEFAULT session_user,
  created_at  timestamptz NOT NULL DEFAULT now(),
  expires_at  timestamptz NOT NULL,
  revoked_at  timestamptz,
  revoked_by  name,
  revoke_reason text
);
CREATE INDEX IF NOT EXISTS task_live ON writ.task (expires_at) WHERE revoked_at IS NULL;

CREATE TABLE IF NOT EXISTS writ.approval (
  id           text PRIMARY KEY,
  task_id      text REFERENCES writ.task (id),
  class        text NOT NULL,
  fingerprint  text,
  statement    text,
  requested_at timestamptz NOT NULL DEFAULT now(),
  decided_at   timestamptz,
  decided_by   text,
  verdict      text CHECK (verdict IN ('approved', 'denied')),
  reason       text,
  expires_at   timestamptz,
  used_at      timestamptz
);

CREATE TABLE IF NOT EXISTS writ.deployment (
  version     bigserial PRIMARY KEY,
  policy_name text NOT NULL,
  sha256      text NOT NULL,
  applied_by  name NOT NULL DEFAULT session_user,
  applied_at  timestamptz NOT NULL DEFAULT now(),
  sql_applied text NOT NULL,
  state       jsonb NOT NULL
);
-- Approvals of task starts have no task yet: they name the agent and task type themselves.
ALTER TABLE writ.approval ADD COLUMN IF NOT EXISTS agent text;
ALTER TABLE writ.approval ADD COLUMN IF NOT EXISTS task_type text;

-- The canonical policy text that was applied: task management validates contexts against it.
ALTER TABLE writ.deployment ADD COLUMN IF NOT EXISTS policy text NOT NULL DEFAULT '';

-- Every gateway LISTENs: a task ended from anywhere (a gateway, `writ task end`, the reaper) and a new
-- deployment reach all of them at once. Their poll remains the safety net (expiries, lost connections).
CREATE OR REPLACE FUNCTION writ.notify_task_ended() RETURNS trigger
  LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  PERFORM pg_notify('writ_task_ended', NEW.id);
  RETURN NULL;
END
$$;
CREATE OR REPLACE TRIGGER task_ended AFTER UPDATE OF revoked_at ON writ.task
  FOR EACH ROW WHEN (OLD.revoked_at IS NULL AND NEW.revoked_at IS NOT NULL) EXECUTE FUNCTION writ.notify_task_ended();

CREATE OR REPLACE FUNCTION writ.notify_deployment() RETURNS trigger
  LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  PERFORM pg_notify('writ_deployment', NEW.version::text);
  RETURN NULL;
END
$$;
CREATE OR REPLACE TRIGGER deployment_applied AFTER INSERT ON writ.deployment
  FOR EACH ROW EXECUTE FUNCTION writ.notify_deployment();

-- Signed policy bundles (`writ publish`): what gateways configured with publisher keys enforce. The
-- active bundle is the one activated last; a rollback activates an earlier one again.
CREATE TABLE IF NOT EXISTS writ.bundle (
  version      bigserial PRIMARY KEY,
  policy_name  text NOT NULL,
  sha256       text NOT NULL,
  signed       text NOT NULL,
  publisher    text NOT NULL,
  deployment   bigint,
  published_by name NOT NULL DEFAULT session_user,
  published_at timestamptz NOT NULL DEFAULT now(),
  activated_at timestamptz NOT NULL DEFAULT clock_timestamp()
);

CREATE OR REPLACE FUNCTION writ.notify_bundle() RETURNS trigger
  LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  PERFORM pg_notify('writ_bundle', NEW.version::text);
  RETURN NULL;
END
$$;
CREATE OR REPLACE TRIGGER bundle_activated AFTER INSERT OR UPDATE OF activated_at ON writ.bundle
  FOR EACH ROW EXECUTE FUNCTION writ.notify_bundle();

REVOKE ALL ON ALL TABLES IN SCHEMA writ FROM PUBLIC;

-- The context of the task whose JIT role is session_user; NULL once expired or revoked, so every
-- row filter using it then matches nothing. session_user cannot be changed by SET ROLE, and the
-- function reads a table the task roles cannot write, so the context cannot be forged.
-- PL/pgSQL rather than SQL: a SECURITY DEFINER SQL function is never inlined and would plan its query on
-- every call, while PL/pgSQL keeps the plan for the session.
CREATE OR REPLACE FUNCTION writ.ctx(key text) RETURNS text
  LANGUAGE plpgsql STABLE SECURITY DEFINER
  SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  RETURN (SELECT t.context ->> key
            FROM writ.task t
           WHERE t.role = session_user AND t.revoked_at IS NULL AND t.expires_at > now());
END
$$;

-- Masks. Each takes text (callers cast) and is IMMUTABLE except where noted.
CREATE OR REPLACE FUNCTION writ.mask_email(v text) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE SET search_path = pg_catalog, pg_temp
AS $$
  SELECT CASE
    WHEN v IS NULL THEN NULL
    WHEN position('@' IN v) > 1 THEN left(v, 1) || '***@' || split_part(v, '@', 2)
    ELSE '***'
  END
$$;

CREATE OR REPLACE FUNCTION writ.mask_partial(v text, keep_start integer DEFAULT 0, keep_end integer DEFAULT 4) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE SET search_path = pg_catalog, pg_temp
AS $$
  SELECT CASE
    WHEN v IS NULL THEN NULL
    WHEN length(v) <= keep_start + keep_end THEN repeat('*', length(v))
    ELSE left(v, keep_start) || repeat('*', length(v) - keep_start - keep_end) || right(v, keep_end)
  END
$$;

-- A stable pseudonym: equal inputs give equal outputs, so joins and counts still work.
CREATE OR REPLACE FUNCTION writ.mask_hash(v text) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE SET search_path = pg_catalog, pg_temp
AS $$
  SELECT CASE WHEN v IS NULL THEN NULL ELSE 'h:' || left(encode(sha256(convert_to(v, 'UTF8')), 'hex'), 16) END
$$;

CREATE OR REPLACE FUNCTION writ.redact(v text) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE SET search_path = pg_catalog, pg_temp
AS $$
  SELECT CASE WHEN v IS NULL THEN NULL ELSE '[redacted]' END
$$;

REVOKE ALL ON ALL FUNCTIONS IN SCHEMA writ FROM PUBLIC;
GRANT USAGE ON SCHEMA writ TO writ_runtime, writ_owner;
GRANT EXECUTE ON FUNCTION writ.ctx(text), writ.mask_email(text), writ.mask_partial(text, integer, integer),
  writ.mask_hash(text), writ.redact(text) TO writ_runtime, writ_owner;
