-- SPDX-License-Identifier: Apache-2.0
-- Support desk demo database: roles and grants as they are before Writ arrives.
-- Roles are cluster-wide, so this file is idempotent: it creates what is missing and then sets
-- the same attributes and grants again on every load.
--
-- What a review should find here:
--   * helpdesk_app: one LOGIN shared by the helpdesk web app, the mail importer and the nightly
--     export, with a static password, no expiry and read/write on every table, PII and card data included;
--   * internal_notes readable by PUBLIC, i.e. by every role in the cluster;
--   * public.customer_lookup(text): SECURITY DEFINER, no search_path, executable by PUBLIC (schema.sql).

SET client_min_messages = warning;

DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'helpdesk_app') THEN
        CREATE ROLE helpdesk_app LOGIN;
    END IF;
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'reporting') THEN
        CREATE ROLE reporting NOLOGIN;
    END IF;
END
$$;

ALTER ROLE helpdesk_app LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS PASSWORD 'helpdesk';
ALTER ROLE reporting NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS;
COMMENT ON ROLE helpdesk_app IS 'Shared login of the helpdesk web app, the mail importer and the nightly export';
COMMENT ON ROLE reporting IS 'Read-only role for the BI dashboards';

GRANT USAGE ON SCHEMA public TO helpdesk_app, reporting;

-- The shared application login: everything, on every table.
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO helpdesk_app;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO helpdesk_app;

-- Reporting reads a few tables and the dashboard view.
GRANT SELECT ON public.accounts, public.tickets, public.payments, public.open_tickets TO reporting;

-- Someone wanted the BI dashboards to show escalation notes and took the short way.
GRANT SELECT ON public.internal_notes TO PUBLIC;
