DO $$ BEGIN UPDATE customers SET email = NULL; END $$;
CALL public.customer_lookup('ada@example.com');
CALL refresh_everything()
