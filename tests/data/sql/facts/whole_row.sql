SELECT c, row_to_json(t), count(m), (a).plan
FROM customers c, tickets t, messages m, accounts a
WHERE t.customer_id = c.id AND m.ticket_id = t.id AND a.customer_id = c.id
GROUP BY c, t, a
