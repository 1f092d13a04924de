// Runs one parameterized read several times through pgferry with a real driver and prints each result, so the
// integration test can check that only the first reached PostgreSQL.
// usage: node cached-reads.mjs PORT USER PASSWORD DATABASE DRIVER ID TIMES
//   DRIVER: pg (node-postgres), postgres-prepared or postgres-unprepared (postgres.js with prepare true/false)
import pg from 'pg';
import postgres from 'postgres';

const [port, user, password, database, driver, id, times] = process.argv.slice(2);
const sql = 'select name from cache_items where id = $1';
const results = [];

if (driver === 'pg') {
  const client = new pg.Client({ host: '127.0.0.1', port: Number(port), user, password, database, ssl: false });
  await client.connect();
  for (let i = 0; i < Number(times); i++) {
    const result = await client.query(sql, [Number(id)]);
    results.push(result.rows[0].name);
  }
  await client.end();
} else {
  const client = postgres({ host: '127.0.0.1', port: Number(port), user, password, database, ssl: false,
    prepare: driver === 'postgres-prepared', max: 1 });
  for (let i = 0; i < Number(times); i++) {
    const rows = await client`select name from cache_items where id = ${Number(id)}`;
    results.push(rows[0].name);
  }
  await client.end();
}
console.log(results.join(','));
