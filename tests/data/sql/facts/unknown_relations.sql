SELECT nosuch_column, c.email FROM nosuch_table n JOIN customers c ON c.id = n.customer_id WHERE flag
