// The Worker an edge user deploys, run by workerd locally: neon() against pgferry's SQL-over-HTTP endpoint.
// Its bindings give the connection string and where pgferry's /sql is (neonConfig.fetchEndpoint).
import { neon, neonConfig } from '@neondatabase/serverless';

export default {
  async fetch(request, env) {
    neonConfig.fetchEndpoint = () => env.SQL_ENDPOINT;
    const sql = neon(env.DATABASE_URL);
    const [row] = await sql`select ${41}::int + 1 as answer, current_user as who`;
    const [, isolation] = await sql.transaction([sql`select 1`, sql`show transaction_isolation`],
      { isolationLevel: 'Serializable' });
    let code = null;
    try {
      await sql`select 1/0`;
    } catch (e) {
      code = e.code;
    }
    return Response.json({ answer: row.answer, who: row.who, isolation: isolation[0].transaction_isolation, code });
  },
};
