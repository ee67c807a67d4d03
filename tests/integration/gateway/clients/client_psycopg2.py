# SPDX-License-Identifier: Apache-2.0
"""psycopg2 through writ-gateway: an allowed parameterized read sees only the task's rows, a denied
column comes back as SQLSTATE 42501 naming the rule, the session survives a refusal, and a refusal
inside a transaction aborts it like a server error. Prints one "ok <step>" line per step; exits 1 on
the first surprise. Connection from the environment: WRIT_GW_HOST, WRIT_GW_PORT, WRIT_GW_DB,
WRIT_GW_PASSWORD (the task credential), WRIT_GW_CUSTOMER (the task's customer_id)."""
import os
import sys

import psycopg2
import psycopg2.errors


def fail(message):
    print("FAIL " + message)
    sys.exit(1)


conn = psycopg2.connect(host=os.environ["WRIT_GW_HOST"], port=int(os.environ["WRIT_GW_PORT"]),
                        dbname=os.environ["WRIT_GW_DB"], user="agent", password=os.environ["WRIT_GW_PASSWORD"],
                        sslmode="disable", connect_timeout=10, application_name="psycopg2-client")
customer = int(os.environ["WRIT_GW_CUSTOMER"])
conn.autocommit = True
cur = conn.cursor()

cur.execute("SELECT id, customer_id FROM tickets WHERE id > %s ORDER BY id", (0,))
rows = cur.fetchall()
if not rows or any(r[1] != customer for r in rows):
    fail("expected only customer %d's tickets, got %r" % (customer, rows))
print("ok read %d rows" % len(rows))

try:
    cur.execute("SELECT phone FROM public.customers WHERE id = %s", (customer,))
    fail("a column outside the scope was read")
except psycopg2.Error as e:
    if e.pgcode != "42501" or "column-scope" not in (e.diag.message_detail or "") + (e.pgerror or ""):
        fail("expected 42501 with rule column-scope, got %s: %s" % (e.pgcode, e.pgerror))
print("ok denied 42501")

cur.execute("SELECT 1")
if cur.fetchone()[0] != 1:
    fail("the session does not work after a refusal")
print("ok session survives")

conn.autocommit = False
cur.execute("SELECT count(*) FROM tickets")
try:
    cur.execute("SELECT phone FROM public.customers")
    fail("a column outside the scope was read in a transaction")
except psycopg2.Error:
    pass
try:
    cur.execute("SELECT 1")
    fail("the transaction went on after a refusal")
except psycopg2.errors.InFailedSqlTransaction:
    pass
conn.rollback()
cur.execute("SELECT 1")
conn.commit()
print("ok transaction aborted and rolled back")
conn.close()
print("ok done")
