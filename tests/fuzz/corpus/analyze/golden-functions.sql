SELECT customer_lookup('ada@example.com'),
       public.customer_lookup(email),
       lower(name), pg_catalog.upper(city),
       extract(year FROM created_at), coalesce(phone, 'none'),
       set_config('search_path', 'evil, public', false),
       set_config('app.tenant', '7', true),
       set_config(name, 'x', false),
       current_setting('writ.task_id'),
       pg_sleep(0)
FROM customers
WHERE id = 1
