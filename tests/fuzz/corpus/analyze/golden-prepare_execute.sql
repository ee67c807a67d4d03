PREPARE by_id(int) AS SELECT name, email FROM customers WHERE id = $1;
EXECUTE by_id(1);
EXECUTE by_id(pg_sleep(5)::int);
DEALLOCATE by_id;
DEALLOCATE ALL
