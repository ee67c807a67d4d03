SELECT v.n, (SELECT name FROM customers WHERE id = v.n) AS who,
       ARRAY(SELECT subject FROM tickets WHERE customer_id = v.n),
       v.n IN (SELECT customer_id FROM payments)
FROM (VALUES (1), (2)) AS v(n)
