WITH closed AS (
  UPDATE tickets SET status = 'closed', closed_at = now()
  WHERE status = 'resolved'
  RETURNING id, customer_id
)
INSERT INTO internal_notes (ticket_id, author, body)
SELECT id, 'bot', 'closed automatically' FROM closed
