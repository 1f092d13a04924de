// Runs @neondatabase/serverless against pgferry's edge listener, as an edge function would, and prints what each
// scenario returned as one JSON object for the integration test to check.
// usage: node neon-serverless.mjs EDGE_PORT USER PASSWORD DATABASE
//   (NODE_EXTRA_CA_CERTS names the CA of pgferry's test certificate)
import { neon, neonConfig, Pool, Client, NeonDbError } from '@neondatabase/serverless';
import ws from 'ws';

const [port, user, password, database] = process.argv.slice(2);
const url = `postgresql://${encodeURIComponent(user)}:${encodeURIComponent(password)}@localhost:${port}/${database}`;
neonConfig.fetchEndpoint = () => `https://localhost:${port}/sql`;
neonConfig.webSocketConstructor = ws;
neonConfig.wsProxy = () => `localhost:${port}/v2`;
const out = {};

const sql = neon(url);
const [typed] = await sql`select ${1} as int, ${'text'} as text, ${null}::text as nothing, ${true} as bool,
  ${new Date('2024-05-06T07:08:09.010Z')}::timestamptz as at, ${[1, 2, 3]}::int[] as ints,
  ${{ k: [1, 'two'] }}::jsonb as doc, ${12345678901234567890n}::numeric as big,
  ${Buffer.from([0xde, 0xad])}::bytea as bytes, ${1.5}::float8 as float`;
out.typed = { ...typed, at: typed.at.toISOString(), bytes: Buffer.from(typed.bytes).toString('hex') };
const full = await sql.query('select x from generate_series(1, 3) x', [], { fullResults: true, arrayMode: true });
out.fullResults = { command: full.command, rowCount: full.rowCount, rows: full.rows,
  fields: full.fields.map((f) => [f.name, f.dataTypeID]) };

out.isolation = {};
for (const isolationLevel of ['ReadUncommitted', 'ReadCommitted', 'RepeatableRead', 'Serializable']) {
  const [, level] = await sql.transaction([sql`select 1`, sql`show transaction_isolation`],
    { isolationLevel, readOnly: true });
  out.isolation[isolationLevel] = level[0].transaction_isolation;
}
const [inserted, counted] = await sql.transaction((tx) => [
  tx`insert into neon_items (name) values (${'a'}), (${'b'}) returning id`,
  tx`select count(*)::int as n from neon_items`]);
out.transaction = { inserted: inserted.length, counted: counted[0].n };
try {
  await sql.transaction([sql`insert into neon_items (name) values ('rolled back')`, sql`select 1/0`]);
} catch (e) {
  out.rolledBack = { code: e.code, kept: (await sql`select count(*)::int as n from neon_items where name = 'rolled back'`)[0].n };
}

try {
  await sql`select * from no_such_table`;
} catch (e) {
  out.error = { isNeonDbError: e instanceof NeonDbError, code: e.code, severity: e.severity, position: e.position,
    message: e.message, routine: e.routine };
}

const pool = new Pool({ connectionString: url });
const client = await pool.connect();
const viaSocket = await client.query('select $1::int + 1 as n, current_user as who', [41]);
await client.query('begin');
await client.query('insert into neon_items (name) values ($1)', ['socket']);
const again = await client.query({ name: 'by-name', text: 'select count(*)::int as n from neon_items where name = $1',
  values: ['socket'] });
await client.query('commit');
const prepared = await client.query({ name: 'by-name', text: 'select count(*)::int as n from neon_items where name = $1',
  values: ['socket'] });
client.release();
await pool.end();
out.webSocket = { n: viaSocket.rows[0].n, who: viaSocket.rows[0].who, inTransaction: again.rows[0].n,
  prepared: prepared.rows[0].n };

const single = new Client(url);
await single.connect();
out.client = (await single.query('select 7 as seven')).rows[0].seven;
await single.end();

neonConfig.poolQueryViaFetch = true;
const fetchPool = new Pool({ connectionString: url });
out.poolQueryViaFetch = (await fetchPool.query('select $1::text as via', ['fetch'])).rows[0].via;
await fetchPool.end();

console.log(JSON.stringify(out));
