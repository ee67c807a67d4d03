SELECT *, t.* FROM customers c JOIN tickets t ON t.customer_id = c.id;
SELECT a.*, count(*) FROM accounts a, payments GROUP BY a.id;
SELECT count(*) FROM refunds
