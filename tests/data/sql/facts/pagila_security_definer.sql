-- catalog: pagila
SELECT * FROM rewards_report(5, 10.00);
SELECT first_name, last_name FROM customer_list JOIN customer ON customer.customer_id = customer_list.id
