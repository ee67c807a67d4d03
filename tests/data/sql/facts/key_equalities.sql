SELECT id, status FROM tickets WHERE id = 42;
SELECT status FROM tickets t WHERE t.id = $1::bigint AND (status = 'open' AND priority = 'high');
SELECT status FROM tickets WHERE 7 = id OR status = 'open';
SELECT id FROM tickets WHERE id = (SELECT 1);
SELECT c.name FROM customers c JOIN tickets t ON t.customer_id = c.id WHERE t.id = 1;
SELECT id FROM tickets WHERE id OPERATOR(pg_catalog.=) 3 AND customer_id = customer_id
