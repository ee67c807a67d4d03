SELECT id, subject, customer_email FROM open_tickets WHERE priority > 1 ORDER BY created_at
