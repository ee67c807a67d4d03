SELECT customer_id,
       sum(amount_cents) FILTER (WHERE status = 'settled') OVER w AS settled,
       rank() OVER (PARTITION BY currency ORDER BY created_at) AS r
FROM payments
WINDOW w AS (PARTITION BY customer_id ORDER BY created_at ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
