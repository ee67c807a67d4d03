SELECT id, email FROM customers WHERE country = 'DE'
UNION
SELECT customer_id, NULL FROM tickets WHERE priority > 3
EXCEPT
SELECT customer_id, NULL FROM accounts WHERE status = 'closed'
ORDER BY id
LIMIT 20
