// SPDX-License-Identifier: Apache-2.0
// node-postgres through writ-gateway: parameterized queries (the extended protocol, unnamed and named
// statements), an allowed read that sees only the task's rows, a denial as SQLSTATE 42501 naming the
// rule, a session that survives it, and a refusal inside a transaction that aborts it.
// Prints "ok <step>" per step; exits 1 on the first surprise. Environment as client_psycopg2.py.
'use strict';
const { Client } = require('pg');

function fail(message) {
  console.log('FAIL ' + message);
  process.exit(1);
}

async function expectError(client, query, sqlstate, what) {
  try {
    await client.query(query);
  } catch (e) {
    if (e.code !== sqlstate) fail(`${what}: expected ${sqlstate}, got ${e.code}: ${e.message}`);
    return e;
  }
  fail(`${what}: the statement was not refused`);
}

(async () => {
  const client = new Client({
    host: process.env.WRIT_GW_HOST, port: Number(process.env.WRIT_GW_PORT), database: process.env.WRIT_GW_DB,
    user: 'agent', password: process.env.WRIT_GW_PASSWORD, ssl: false, connectionTimeoutMillis: 10000,
  });
  const customer = Number(process.env.WRIT_GW_CUSTOMER);
  await client.connect();

  for (const name of [undefined, 'tickets-by-id', 'tickets-by-id']) {
    const r = await client.query({ name, text: 'SELECT id, customer_id FROM tickets WHERE id > $1 ORDER BY id', values: [0] });
    if (r.rows.length === 0 || r.rows.some((row) => Number(row.customer_id) !== customer))
      fail(`expected only customer ${customer}'s tickets, got ${JSON.stringify(r.rows)}`);
  }
  console.log('ok read (unnamed and named statements)');

  const denied = await expectError(client, { text: 'SELECT phone FROM public.customers WHERE id = $1', values: [customer] },
    '42501', 'denied column');
  if (!`${denied.message} ${denied.detail || ''}`.includes('column-scope')) fail('the refusal does not name the rule: ' + denied.message);
  console.log('ok denied 42501');

  const one = await client.query('SELECT 1 AS one');
  if (one.rows[0].one !== 1) fail('the session does not work after a refusal');
  console.log('ok session survives');

  await client.query('BEGIN');
  await client.query('SELECT count(*) FROM tickets');
  await expectError(client, 'SELECT phone FROM public.customers', '42501', 'denied in a transaction');
  await expectError(client, 'SELECT 1', '25P02', 'after a refusal in a transaction');
  await client.query('ROLLBACK');
  await client.query('SELECT 1');
  console.log('ok transaction aborted and rolled back');
  await client.end();
  console.log('ok done');
})().catch((e) => fail(e.stack || String(e)));
