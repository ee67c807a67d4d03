SELECT CASE WHEN priority > 3 THEN 'high' WHEN status = 'open' THEN 'open' ELSE subject END AS label,
       count(*) FILTER (WHERE closed_at IS NULL)
FROM tickets
GROUP BY GROUPING SETS ((priority), (status, subject))
HAVING max(created_at) > now() - interval '1 day'
