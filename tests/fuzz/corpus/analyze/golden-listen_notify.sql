LISTEN tickets_changed;
NOTIFY tickets_changed, 'x';
UNLISTEN *;
SELECT pg_notify('tickets_changed', subject) FROM tickets
