SELECT p.amount, p.payment_date FROM payment_p2022_01 p WHERE p.customer_id = 1;
SELECT sum(amount) FROM public.payment WHERE payment_date >= '2022-01-01'
