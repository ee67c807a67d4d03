BEGIN; SET LOCAL role TO admin; UPDATE customers SET phone = NULL; COMMIT;;  -- done
