SELECT c.name, last.subject, last.created_at
FROM customers c
CROSS JOIN LATERAL (
  SELECT subject, created_at FROM tickets t WHERE t.customer_id = c.id ORDER BY created_at DESC LIMIT 1
) AS last
LEFT JOIN LATERAL generate_series(1, c.id) AS g(i) ON true
