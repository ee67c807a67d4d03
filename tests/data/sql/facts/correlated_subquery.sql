SELECT c.name
FROM customers c
WHERE EXISTS (SELECT 1 FROM tickets t WHERE t.customer_id = c.id AND t.priority > 2)
  AND c.country = (SELECT max(country) FROM customers WHERE id <> c.id)
  AND EXISTS (SELECT 1 FROM refunds r WHERE r.reason = city)
