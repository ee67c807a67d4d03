DELETE FROM messages m
USING tickets t
WHERE m.ticket_id = t.id AND t.closed_at < now() - interval '90 days'
RETURNING m.id
