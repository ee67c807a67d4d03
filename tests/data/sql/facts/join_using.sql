SELECT a.plan, t.subject, customer_id
FROM tickets t
JOIN accounts a USING (customer_id)
WHERE a.status = 'active' AND t.priority >= 2
