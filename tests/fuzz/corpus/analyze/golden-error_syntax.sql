SELECT id FORM customers
