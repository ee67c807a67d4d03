INSERT INTO customers AS c (id, name, email)
VALUES (7, 'Ada', 'ada@example.com')
ON CONFLICT (id) DO UPDATE
  SET name = excluded.name, email = excluded.email
  WHERE c.country IS DISTINCT FROM 'XX'
RETURNING c.id, c.created_at
