SELECT x.a, b FROM customers AS x(a, b) WHERE email LIKE '%@example.com';
SELECT s.label FROM (SELECT name AS label, city FROM customers) s(label, town) WHERE town = 'Berlin'
