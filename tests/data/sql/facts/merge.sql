MERGE INTO accounts a
USING (SELECT id, country FROM customers) AS c ON a.customer_id = c.id
WHEN MATCHED AND c.country = 'XX' THEN DELETE
WHEN MATCHED THEN UPDATE SET status = 'reviewed'
WHEN NOT MATCHED THEN INSERT (customer_id, plan) VALUES (c.id, 'free')
