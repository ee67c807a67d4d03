EXPLAIN ANALYZE UPDATE tickets SET status = 'closed' WHERE id = 1;
EXPLAIN (ANALYZE false, COSTS off) DELETE FROM tickets WHERE id = 1;
EXPLAIN SELECT name FROM customers LIMIT 5
