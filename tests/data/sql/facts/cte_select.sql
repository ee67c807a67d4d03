WITH RECURSIVE
  recent(cid, opened) AS (SELECT customer_id, max(created_at) FROM tickets GROUP BY customer_id),
  customers AS (SELECT id, name FROM public.customers WHERE country = 'DE'),
  chain(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM chain WHERE n < 3)
SELECT customers.name, recent.opened, n
FROM customers JOIN recent ON recent.cid = customers.id CROSS JOIN chain
ORDER BY opened DESC
