WITH gone AS (DELETE FROM messages WHERE created_at < now() - interval '1 year' RETURNING ticket_id)
SELECT ticket_id, count(*) FROM gone GROUP BY ticket_id
