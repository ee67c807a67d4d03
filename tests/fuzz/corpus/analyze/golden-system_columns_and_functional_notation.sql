SELECT c.ctid, c.xmin, c.full_name FROM customers c
