INSERT INTO customers VALUES (1, 'Ada', 'ada@example.com');
INSERT INTO accounts DEFAULT VALUES;
INSERT INTO refunds SELECT * FROM refunds WHERE status = 'x';
INSERT INTO messages (ticket_id, body) SELECT id, subject FROM tickets WHERE priority = 1 RETURNING *
