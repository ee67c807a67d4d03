SELECT public.customers.email, customers.name, c2.phone
FROM public.customers, public.customers AS c2
WHERE c2.id = customers.id
