SELECT l.* FROM customer_lookup('ada@example.com') AS l;
SELECT * FROM generate_series(1, 3) AS g(n) JOIN customers c ON c.id = g.n
