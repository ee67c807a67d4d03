SELECT plan, name FROM accounts NATURAL JOIN customers
