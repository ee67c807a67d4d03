-- SPDX-License-Identifier: Apache-2.0
-- Support desk demo database: generated, deterministic data (no random()). Every value derives from
-- the row number through md5, so every load produces the same rows with the same ids:
--   5,000 customers, 6,000 accounts, 40,000 tickets, ~240,000 messages, 20,000 payments,
--   2,000 refunds, 10,000 internal notes.
-- Runs as a superuser (scripts/pg-sandbox load-demo): foreign-key triggers are switched off while
-- loading and the references are checked once at the end instead, which keeps the load to seconds.

SET client_min_messages = warning;
SET synchronous_commit = off;
SET jit = off; -- the row estimates of generate_series joins are huge; compiling costs more than running
SET session_replication_role = replica;

-- u(m, k): the k-th (0..3) unsigned 32-bit word of the md5 hex string m.
CREATE FUNCTION pg_temp.u(m text, k int) RETURNS bigint
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT ('x' || substr(m, 1 + 8 * k, 8))::bit(32)::bigint $$;

-- pick(items, v): one element of items, chosen by v >= 0.
CREATE FUNCTION pg_temp.pick(items text[], v bigint) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT items[1 + v % cardinality(items)] $$;

-- agent(v): one of the support agents.
CREATE FUNCTION pg_temp.agent(v bigint) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    SELECT pg_temp.pick(ARRAY['Maya Lindqvist', 'Tom Becker', 'Priya Raman', 'Jonas Weber', 'Sofia Marquez',
                              'Daniel Okafor', 'Lea Dubois', 'Chris Walsh', 'Aiko Tanaka', 'Marta Nowak',
                              'Sam Patel', 'Nina Rossi']::text[], v)
$$;

------------------------------------------------------------------------------------------------
-- customers
------------------------------------------------------------------------------------------------
WITH r AS MATERIALIZED (
  SELECT i, md5('customer' || i) AS m1, md5('customer/' || i) AS m2
    FROM generate_series(1, 5000) AS i
), words AS (
  SELECT ARRAY['Olivia','Liam','Emma','Noah','Ava','Lucas','Mia','Leon','Sophia','Mateo',
               'Isabella','Elias','Amelia','Hugo','Charlotte','Louis','Emily','Finn','Hannah','Oscar',
               'Chloe','Luca','Grace','Arthur','Zoe','Felix','Nora','Jakob','Alice','Theo',
               'Maria','David','Sara','Jan','Ines','Omar','Yuki','Ravi','Fatima','Mikko']::text[] AS first,
         ARRAY['Smith','Johnson','Müller','Schmidt','Garcia','Martin','Rossi','Bernard','Kowalski','Nielsen',
               'Jansen','Silva','Dubois','Fischer','Brown','Taylor','Wilson','Moreau','Lopez','Novak',
               'Larsen','Costa','Weber','Hoffmann','O''Brien','Murphy','Andersson','Virtanen','Horvat','Papadopoulos',
               'Santos','Klein','Wagner','Ricci','Lambert','Nakamura','Sato','Kumar','Haddad','Cohen']::text[] AS last,
         ARRAY['Oak Street','Station Road','Lindenstraße','Rue de la Paix','High Street','Maple Avenue',
               'Hauptstraße','Via Roma','Calle Mayor','Kingsway','Park Lane','Harbour Road',
               'Mill Lane','Church Street','Bahnhofstraße','Avenida da Liberdade']::text[] AS street
), places(k, city, country, dial) AS (
  VALUES (0, 'Berlin', 'DE', '+49'), (1, 'Hamburg', 'DE', '+49'), (2, 'Munich', 'DE', '+49'),
         (3, 'Paris', 'FR', '+33'), (4, 'Lyon', 'FR', '+33'), (5, 'London', 'GB', '+44'),
         (6, 'Manchester', 'GB', '+44'), (7, 'Dublin', 'IE', '+353'), (8, 'Amsterdam', 'NL', '+31'),
         (9, 'Lisbon', 'PT', '+351'), (10, 'Madrid', 'ES', '+34'), (11, 'Milan', 'IT', '+39'),
         (12, 'Vienna', 'AT', '+43'), (13, 'Stockholm', 'SE', '+46'), (14, 'Helsinki', 'FI', '+358'),
         (15, 'New York', 'US', '+1'), (16, 'Austin', 'US', '+1'), (17, 'Seattle', 'US', '+1'),
         (18, 'Chicago', 'US', '+1'), (19, 'Toronto', 'CA', '+1'), (20, 'Vancouver', 'CA', '+1'),
         (21, 'Sydney', 'AU', '+61'), (22, 'Warsaw', 'PL', '+48'), (23, 'Copenhagen', 'DK', '+45')
), b AS (
  SELECT r.i,
         pg_temp.pick(w.first, pg_temp.u(r.m1, 0)) AS first,
         pg_temp.pick(w.last, pg_temp.u(r.m1, 1)) AS last,
         pg_temp.pick(w.street, pg_temp.u(r.m1, 2)) AS street,
         (pg_temp.u(r.m1, 3) % 24)::int AS place,
         pg_temp.u(r.m2, 0) AS phone_a,
         pg_temp.u(r.m2, 1) AS phone_b,
         pg_temp.u(r.m2, 2) AS birth,
         pg_temp.u(r.m2, 3) AS jitter
    FROM r, words AS w
)
INSERT INTO public.customers (id, name, email, phone, address_line, city, country, birth_date, created_at)
SELECT b.i,
       b.first || ' ' || b.last,
       lower(b.first) || '.' || regexp_replace(lower(translate(b.last, 'üÜ', 'uu')), '[^a-z]', '', 'g')
         || b.i || '@example.com',
       p.dial || ' ' || lpad((b.phone_a % 1000)::text, 3, '0') || ' ' || lpad((b.phone_b % 10000000)::text, 7, '0'),
       (1 + b.phone_a / 1000 % 240) || ' ' || b.street,
       p.city,
       p.country,
       date '1950-01-01' + (b.birth % 18250)::int,
       timestamptz '2021-01-04 08:00:00+00' + b.i * interval '4 hours 23 minutes' + (b.jitter % 3600) * interval '1 second'
  FROM b
  JOIN places AS p ON p.k = b.place
 ORDER BY b.i;

------------------------------------------------------------------------------------------------
-- accounts: one per customer (id = customer id), plus a team account for every fifth customer
------------------------------------------------------------------------------------------------
WITH r AS MATERIALIZED (
  SELECT a AS id,
         CASE WHEN a <= 5000 THEN a ELSE (a - 5000) * 5 END AS customer_id,
         pg_temp.u(md5('account' || a), 0) AS hp,
         pg_temp.u(md5('account' || a), 1) AS hs
    FROM generate_series(1, 6000) AS a
)
INSERT INTO public.accounts (id, customer_id, plan, status, created_at)
SELECT r.id,
       r.customer_id,
       CASE WHEN r.id > 5000 THEN (ARRAY['business', 'business', 'enterprise'])[1 + r.hp % 3]
            WHEN r.hp % 100 < 35 THEN 'free'
            WHEN r.hp % 100 < 65 THEN 'starter'
            WHEN r.hp % 100 < 90 THEN 'business'
            ELSE 'enterprise' END,
       CASE WHEN r.hs % 100 < 84 THEN 'active'
            WHEN r.hs % 100 < 89 THEN 'trial'
            WHEN r.hs % 100 < 95 THEN 'suspended'
            ELSE 'closed' END,
       c.created_at + CASE WHEN r.id > 5000 THEN r.hs / 100 % 400 ELSE r.hs / 100 % 3 END * interval '1 day'
                    + (r.hp / 100 % 600) * interval '1 minute'
  FROM r
  JOIN public.customers AS c ON c.id = r.customer_id
 ORDER BY r.id;

------------------------------------------------------------------------------------------------
-- tickets: older customers have opened more of them; the most recent ones are still open
------------------------------------------------------------------------------------------------
WITH topics(k, subject, body) AS (
  VALUES
  (0,  'Cannot log in after password reset', 'I reset my password this morning and the login page still says my credentials are invalid. I tried two browsers.'),
  (1,  'Charged twice this month', 'My card was charged twice for the same subscription period. Please refund the duplicate payment.'),
  (2,  'Invoice shows the wrong VAT number', 'The invoice for last month lists an old VAT number. Our accounting department needs a corrected invoice.'),
  (3,  'How do I add a team member?', 'We bought two more seats but I cannot find where to invite my colleagues.'),
  (4,  'Export to CSV times out', 'Exporting our ticket history to CSV fails after about a minute with a timeout error.'),
  (5,  'Please delete my account and data', 'I no longer use the service. Please close my account and delete my personal data.'),
  (6,  'Two-factor codes not arriving', 'The SMS with the login code never arrives on my phone. The number on file is correct.'),
  (7,  'Downgrade to the free plan', 'We would like to move back to the free plan at the end of the billing period.'),
  (8,  'API returns 500 on /v2/orders', 'Since yesterday every call to /v2/orders returns HTTP 500. Other endpoints work.'),
  (9,  'Refund request for annual plan', 'We bought the annual plan by mistake instead of the monthly one. Can we get a refund for the difference?'),
  (10, 'Change billing address', 'We moved offices. Please update the billing address on our account and future invoices.'),
  (11, 'Card declined but money taken', 'The checkout said my card was declined, but my bank shows the amount as pending.'),
  (12, 'Webhook deliveries delayed', 'Webhook events arrive up to thirty minutes late since the last maintenance window.'),
  (13, 'Cannot upload attachments larger than 5 MB', 'Uploading a 7 MB PDF fails without an error message. Is there a size limit?'),
  (14, 'Suspicious login from another country', 'I got an email about a login from a country I have never visited. Was my account compromised?'),
  (15, 'Dark mode makes charts unreadable', 'With dark mode on, the axis labels on the dashboard charts are black on dark grey.'),
  (16, 'Need a copy of all my data (GDPR)', 'Under Article 15 GDPR I request a copy of all personal data you hold about me.'),
  (17, 'Upgrade to enterprise', 'We would like to talk about the enterprise plan, SSO and a data processing agreement.'),
  (18, 'Mobile app crashes on start', 'After the latest update the Android app crashes right after the splash screen.'),
  (19, 'Wrong currency on invoice', 'Our invoices are in USD but we are billed in EUR. Please correct the currency.'),
  (20, 'Email notifications go to spam', 'Ticket notifications from your system land in the spam folder of all our agents.'),
  (21, 'Cancel subscription', 'Please cancel our subscription. We found a tool that fits our workflow better.'),
  (22, 'Search does not find old tickets', 'Searching for tickets older than a year returns no results, even with the exact subject.'),
  (23, 'Payment failed, account suspended', 'Our card expired and now the account is suspended. We updated the card, please reactivate.')
), r AS MATERIALIZED (
  SELECT t,
         -- skewed towards low ids: early customers have had more time to open tickets
         least(5000, 1 + floor(5000 * power((pg_temp.u(m, 0) % 1000000) / 1000000.0::float8, 1.6)))::int AS customer_id,
         pg_temp.u(m, 1) AS hs,
         pg_temp.u(m, 2) AS hp,
         pg_temp.u(m, 3) AS hk
    FROM generate_series(1, 40000) AS t, md5('ticket' || t) AS m
), d AS (
  SELECT r.*,
         CASE WHEN r.t > 38400 THEN
                CASE WHEN r.hs % 100 < 55 THEN 'open' WHEN r.hs % 100 < 85 THEN 'pending' ELSE 'solved' END
              ELSE
                CASE WHEN r.hs % 100 < 2 THEN 'open' WHEN r.hs % 100 < 4 THEN 'pending'
                     WHEN r.hs % 100 < 24 THEN 'solved' ELSE 'closed' END
         END AS status,
         c.name AS customer_name,
         c.phone AS customer_phone,
         greatest(c.created_at + interval '1 day',
                  timestamptz '2021-02-01 00:00:00+00' + r.t * interval '50 minutes'
                    + (r.hp / 100 % 2400) * interval '1 second') AS created_at
    FROM r
    JOIN public.customers AS c ON c.id = r.customer_id
)
INSERT INTO public.tickets (id, customer_id, account_id, subject, body, status, priority, created_at, closed_at)
SELECT d.t,
       d.customer_id,
       CASE WHEN d.customer_id % 5 = 0 AND d.t % 3 = 0 THEN 5000 + d.customer_id / 5 ELSE d.customer_id END,
       tp.subject,
       tp.body
         || CASE WHEN d.hk / 100 % 4 = 0 THEN ' You can call me on ' || d.customer_phone || '.' ELSE '' END
         || E'\n\n' || split_part(d.customer_name, ' ', 1),
       d.status,
       CASE WHEN d.hp % 100 < 20 THEN 'low' WHEN d.hp % 100 < 75 THEN 'normal'
            WHEN d.hp % 100 < 93 THEN 'high' ELSE 'urgent' END,
       d.created_at,
       CASE WHEN d.status IN ('solved', 'closed')
            THEN d.created_at + (1 + d.hs / 100 % 120) * interval '1 hour' + (d.hk / 1000 % 60) * interval '1 minute' END
  FROM d
  JOIN topics AS tp ON tp.k = (d.hk % 24)::int
 ORDER BY d.t;

------------------------------------------------------------------------------------------------
-- messages: 2 to 10 per ticket (about 240,000), support agent and customer in turn
------------------------------------------------------------------------------------------------
WITH g AS MATERIALIZED (
  SELECT t.id, t.created_at, c.name AS customer_name,
         2 + (pg_temp.u(m, 0) % 9)::int AS n,
         pg_temp.agent(pg_temp.u(m, 1)) AS agent,
         20 + pg_temp.u(m, 2) % 300 AS gap_minutes,
         pg_temp.u(m, 3) AS hl
    FROM public.tickets AS t
    JOIN public.customers AS c ON c.id = t.customer_id,
         md5('message' || t.id) AS m
), r AS MATERIALIZED (
  -- message ids are numbered ticket by ticket: first_id is the id of the ticket's first message
  SELECT g.*, sum(g.n) OVER (ORDER BY g.id) - g.n + 1 AS first_id
    FROM g
), lines AS (
  SELECT ARRAY['Thanks for reaching out. I am looking into this now.',
               'Could you send us a screenshot of the error, please?',
               'I have escalated this to our engineering team and will update you as soon as I hear back.',
               'This should be fixed now. Could you try again and let me know?',
               'I have corrected this on our side. The change can take up to an hour to show.',
               'For security reasons, please confirm the last four digits of the card on file.',
               'I have issued the refund; it usually appears on your statement within five business days.',
               'Our engineers found the cause and a fix is being deployed today.',
               'Could you tell me which browser and version you are using?',
               'I am closing this ticket for now. Simply reply if anything else comes up.']::text[] AS agent,
         ARRAY['Thanks, that was quick.',
               'I tried again and it still does not work.',
               'Here is the screenshot you asked for.',
               'It works now, thank you very much!',
               'Any update on this? It is blocking our team.',
               'The card ends in the digits you have on file.',
               'I am using the latest Firefox on Windows 11.',
               'Can you call me instead? It is easier to explain.',
               'We still see the problem on two of our accounts.',
               'Great, please go ahead.']::text[] AS customer
)
INSERT INTO public.messages (id, ticket_id, author_kind, author_name, body, created_at)
SELECT r.first_id + k - 1,
       r.id,
       CASE WHEN k % 2 = 1 THEN 'agent' ELSE 'customer' END,
       CASE WHEN k % 2 = 1 THEN r.agent ELSE r.customer_name END,
       -- 3 and 7 are coprime with 10: the lines of one ticket do not repeat
       CASE WHEN k % 2 = 1 THEN l.agent[1 + (r.hl + 3 * k) % 10]
            ELSE l.customer[1 + (r.hl / 10 + 7 * k) % 10] END,
       r.created_at + k * r.gap_minutes * interval '1 minute'
  FROM r
 CROSS JOIN lines AS l
 CROSS JOIN LATERAL generate_series(1, r.n) AS k;

------------------------------------------------------------------------------------------------
-- payments: every tenth one is refunded, every fiftieth still refund_pending
------------------------------------------------------------------------------------------------
WITH r AS MATERIALIZED (
  SELECT p,
         1 + (pg_temp.u(m, 0) % 5000)::int AS customer_id,
         pg_temp.u(m, 1) AS hs,
         pg_temp.u(m, 2) AS ha
    FROM generate_series(1, 20000) AS p, md5('payment' || p) AS m
)
INSERT INTO public.payments (id, customer_id, account_id, amount_cents, currency, status, card_last4, created_at)
SELECT r.p,
       r.customer_id,
       a.id,
       CASE a.plan WHEN 'free' THEN 500 * (1 + r.ha % 3) -- add-ons (storage, SMS credits)
                   WHEN 'starter' THEN 1900
                   WHEN 'business' THEN 7900 * (1 + r.ha % 5)
                   ELSE 49900 + 9900 * (r.ha % 4) END,
       CASE c.country WHEN 'US' THEN 'USD' WHEN 'CA' THEN 'CAD' WHEN 'GB' THEN 'GBP' WHEN 'AU' THEN 'AUD'
                      WHEN 'SE' THEN 'SEK' WHEN 'DK' THEN 'DKK' WHEN 'PL' THEN 'PLN' ELSE 'EUR' END,
       CASE WHEN r.p % 50 = 0 THEN 'refund_pending'
            WHEN r.p % 10 = 0 THEN 'refunded'
            WHEN r.hs % 100 < 5 THEN 'failed'
            WHEN r.hs % 100 < 8 THEN 'pending'
            ELSE 'succeeded' END,
       -- one card per customer
       lpad((pg_temp.u(md5('card' || r.customer_id), 0) % 10000)::text, 4, '0'),
       greatest(a.created_at + interval '10 minutes',
                timestamptz '2021-03-01 00:00:00+00' + r.p * interval '95 minutes' + (r.hs / 100 % 3000) * interval '1 second')
  FROM r
  JOIN public.customers AS c ON c.id = r.customer_id
  JOIN public.accounts AS a
    ON a.id = CASE WHEN r.customer_id % 5 = 0 AND r.p % 2 = 0 THEN 5000 + r.customer_id / 5 ELSE r.customer_id END
 ORDER BY r.p;

------------------------------------------------------------------------------------------------
-- refunds: one for each refunded or refund_pending payment
------------------------------------------------------------------------------------------------
WITH r AS MATERIALIZED (
  SELECT n, pg_temp.u(m, 0) AS ha, pg_temp.u(m, 1) AS hr, pg_temp.u(m, 2) AS hs, pg_temp.u(m, 3) AS ht
    FROM generate_series(1, 2000) AS n, md5('refund' || n) AS m
)
INSERT INTO public.refunds (id, payment_id, amount_cents, reason, status, requested_at)
SELECT r.n,
       p.id,
       CASE WHEN r.ha % 4 = 0 THEN greatest(1, p.amount_cents / 2) ELSE p.amount_cents END,
       pg_temp.pick(ARRAY['Duplicate charge', 'Charged after cancellation', 'Annual plan bought by mistake',
                          'Service outage compensation', 'Card declined but amount captured',
                          'Downgrade mid-cycle', 'Goodwill gesture after escalation', 'Fraudulent charge reported']::text[],
                    r.hr),
       CASE WHEN p.status = 'refund_pending' THEN (ARRAY['requested', 'approved'])[1 + r.hs % 2] ELSE 'completed' END,
       p.created_at + (1 + r.ht % 20) * interval '1 day'
  FROM r
  JOIN public.payments AS p ON p.id = r.n * 10
 ORDER BY r.n;

------------------------------------------------------------------------------------------------
-- internal notes: what must never reach a customer (or an agent answering one)
------------------------------------------------------------------------------------------------
WITH r AS MATERIALIZED (
  SELECT n, 1 + pg_temp.u(m, 0) % 40000 AS ticket_id, pg_temp.u(m, 1) AS ha, pg_temp.u(m, 2) AS hb,
         pg_temp.u(m, 3) AS ht
    FROM generate_series(1, 10000) AS n, md5('note' || n) AS m
)
INSERT INTO public.internal_notes (id, ticket_id, author, body, created_at)
SELECT r.n,
       t.id,
       pg_temp.agent(r.ha),
       replace(replace(
         pg_temp.pick(ARRAY['Suspected account takeover. Identity verified by phone callback to {phone}; watch for new logins.',
                            'Customer threatened a chargeback. Do not close without a team lead signing off.',
                            'Legal hold: do not delete messages on this ticket until further notice.',
                            'VIP: CEO of a key account. Escalate anything they report straight to tier 2.',
                            'Third refund request this quarter from {name}. Check for refund abuse before approving.',
                            'Customer was rude to two agents; keep replies short and factual.',
                            'Possible billing bug: duplicate charge reproduced on staging, see the engineering issue.',
                            'Date of birth given on the phone did not match our records. No account changes.',
                            'Sales is negotiating an enterprise deal with this customer; loop in the account manager.',
                            'Fraud team flagged the card used on this account. Do not issue refunds to it.']::text[],
                      r.hb),
         '{phone}', c.phone), '{name}', c.name),
       t.created_at + (r.ht % 72) * interval '1 hour'
  FROM r
  JOIN public.tickets AS t ON t.id = r.ticket_id
  JOIN public.customers AS c ON c.id = t.customer_id
 ORDER BY r.n;

------------------------------------------------------------------------------------------------
-- finish: foreign keys back on (and checked), identities continue after the generated ids
------------------------------------------------------------------------------------------------
SET session_replication_role = origin;

DO $$
DECLARE
    broken bigint;
BEGIN
    SELECT (SELECT count(*) FROM public.accounts x WHERE NOT EXISTS (SELECT FROM public.customers y WHERE y.id = x.customer_id))
         + (SELECT count(*) FROM public.tickets x WHERE NOT EXISTS (SELECT FROM public.customers y WHERE y.id = x.customer_id))
         + (SELECT count(*) FROM public.tickets x WHERE x.account_id IS NOT NULL
                AND NOT EXISTS (SELECT FROM public.accounts y WHERE y.id = x.account_id AND y.customer_id = x.customer_id))
         + (SELECT count(*) FROM public.messages x WHERE NOT EXISTS (SELECT FROM public.tickets y WHERE y.id = x.ticket_id))
         + (SELECT count(*) FROM public.payments x WHERE NOT EXISTS (SELECT FROM public.customers y WHERE y.id = x.customer_id))
         + (SELECT count(*) FROM public.payments x
                WHERE NOT EXISTS (SELECT FROM public.accounts y WHERE y.id = x.account_id AND y.customer_id = x.customer_id))
         + (SELECT count(*) FROM public.refunds x WHERE NOT EXISTS (SELECT FROM public.payments y WHERE y.id = x.payment_id))
         + (SELECT count(*) FROM public.internal_notes x WHERE NOT EXISTS (SELECT FROM public.tickets y WHERE y.id = x.ticket_id))
      INTO broken;
    IF broken > 0 THEN
        RAISE EXCEPTION 'demo data: % rows reference a missing or foreign parent row', broken;
    END IF;
END
$$;

DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['customers', 'accounts', 'tickets', 'messages', 'payments', 'refunds', 'internal_notes'] LOOP
        EXECUTE format('SELECT setval(pg_get_serial_sequence(%L, ''id''), (SELECT max(id) FROM public.%I))',
                       'public.' || t, t);
    END LOOP;
END
$$;

VACUUM ANALYZE public.customers, public.accounts, public.tickets, public.messages, public.payments,
               public.refunds, public.internal_notes;
