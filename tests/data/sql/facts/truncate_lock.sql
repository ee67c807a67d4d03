TRUNCATE tickets, messages RESTART IDENTITY;
LOCK TABLE customers IN SHARE MODE;
SELECT id FROM accounts WHERE status = 'open' FOR UPDATE SKIP LOCKED;
SELECT t.id FROM tickets t JOIN customers c ON c.id = t.customer_id FOR NO KEY UPDATE OF t;
SELECT s.id FROM (SELECT id FROM refunds) s FOR SHARE
