ALTER SYSTEM SET work_mem = '1MB'
