UPDATE tickets t
SET status = 'escalated', priority = t.priority + 1
FROM customers c
WHERE c.id = t.customer_id AND c.country = 'DE' AND t.status = 'open'
RETURNING t.id, c.email
