SELECT id, email INTO TEMP contacts FROM customers;
CREATE TABLE big_spenders AS SELECT customer_id, sum(amount_cents) AS total FROM payments GROUP BY customer_id;
CREATE VIEW german_customers AS SELECT id, name FROM customers WHERE country = 'DE';
CREATE INDEX ON customers (lower(email));
DROP TABLE customers
