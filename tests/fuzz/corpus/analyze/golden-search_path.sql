SELECT c.email, r.total FROM customers c JOIN reporting.revenue r ON r.customer_id = c.id;
SELECT pid, query FROM pg_stat_activity;
SELECT * FROM pg_secret_table;
SELECT * FROM pg_catalog.pg_roles, information_schema.tables
