/**
 * Loads a large data set for the query benchmark, in SQL (generate_series), so 10M events take minutes:
 *   node --import tsx bench/load-data.ts --db=postgres --users=1000000 --events=10000000 --heavy=1000000
 * Every user gets one USER_CREATED; the rest are realistic events (~300-byte metadata) over 30 days,
 * `--heavy` of them for one user (the "user with 1,000,000 events"). Secondary indexes are dropped
 * during the load and rebuilt after, as any bulk load does; counters are built in one aggregate.
 * Prints the DATABASE_URL (or DATA_DIR) to pass to bench/queries.ts; `--name=` reuses a database.
 */
import { type Database, openStore } from "@usertrail/store";
import pg from "pg";
import { benchDatabase, flags, fmt, type Kind } from "./lib.ts";

const f = flags();
const kind = (f.db ?? "postgres") as Kind;
const USERS = Number(f.users ?? (kind === "postgres" ? 1_000_000 : 100_000));
const EVENTS = Number(f.events ?? (kind === "postgres" ? 10_000_000 : 1_000_000));
const HEAVY = Number(f.heavy ?? (kind === "postgres" ? 1_000_000 : 100_000));
const CHUNK = 500_000;

const FIRST = `ARRAY['Anna','Ivan','Maria','Dmitry','Elena','Sergey','Olga','Alexey','Natalia','Pavel',
  'Aigerim','Nurlan','Dana','Arman','Sofia','Timur','Kamila','Ruslan','Zarina','Yerlan']`;
const LAST = `ARRAY['Ivanova','Petrov','Smirnova','Kuznetsov','Popova','Sokolov','Lebedeva','Kozlov',
  'Novikova','Morozov','Abenova','Seitkali','Nurova','Tulegenov','Bekova','Omarov','Zhumabaev',
  'Karimova','Akhmetov','Volkova']`;
const DOMAINS = `ARRAY['gmail.com','mail.ru','yandex.kz','outlook.com','school.edu.kz']`;
// Weighted event types (20 slots): the mix a learning platform sees, about 18% errors.
const TYPES = `ARRAY['VIDEO_VIEW','VIDEO_VIEW','VIDEO_VIEW','VIDEO_VIEW','VIDEO_VIEW','LOGIN','LOGIN',
  'LOGIN','LESSON_COMPLETE','LESSON_COMPLETE','LESSON_COMPLETE','HOMEWORK_SUBMIT','HOMEWORK_SUBMIT',
  'LOGOUT','LOGOUT','CLIENT_ERROR','CLIENT_ERROR','API_ERROR','API_ERROR','PAYMENT_FAILED_ERROR']`;

/** The id of user number n (1 is the heavy user): a UUID, as the seed's users have. */
const userId = (n: string) => `md5('u' || (${n})::text)::uuid::text`;

async function main() {
  const target = await benchDatabase(kind, f.name);
  const store = await openStore({ databaseUrl: target.url, dataDir: target.dataDir });
  const db = store.db;
  const started = Date.now();
  // The store's pool gives up on any answer after 35 s (a guard for the server); an index build over
  // 10M rows takes longer, so on PostgreSQL the load runs on a client of its own without that limit.
  const loader = target.url ? new pg.Client({ connectionString: target.url }) : null;
  await loader?.connect();
  const step = async (what: string, sql: string) => {
    const t = Date.now();
    if (loader) {
      await loader.query(
        "BEGIN; SET LOCAL synchronous_commit = off; SET LOCAL statement_timeout = 0; SET LOCAL maintenance_work_mem = '512MB'",
      );
      await loader.query(sql);
      await loader.query("COMMIT");
    } else {
      await db.transaction((tx) => tx.exec(sql));
    }
    console.log(`${what}: ${((Date.now() - t) / 1000).toFixed(1)} s`);
  };

  const indexes = await db.query<{ indexname: string; indexdef: string }>(
    `SELECT indexname, indexdef FROM pg_indexes
      WHERE tablename IN ('user_activity_logs', 'users') AND indexname NOT LIKE '%pkey'`,
  );
  for (const i of indexes) await db.exec(`DROP INDEX IF EXISTS ${i.indexname}`);

  await step(
    `${fmt(USERS)} users`,
    `INSERT INTO users (id, full_name, email, phone, created_at)
     SELECT ${userId("n")},
            (${FIRST})[1 + n % 20] || ' ' || (${LAST})[1 + (n / 20) % 20],
            lower((${FIRST})[1 + n % 20]) || '.' || lower((${LAST})[1 + (n / 20) % 20]) || n
              || '@' || (${DOMAINS})[1 + (n / 7) % 5],
            '+7 (' || substr(d, 1, 3) || ') ' || substr(d, 4, 3) || '-' || substr(d, 7, 2) || '-' || substr(d, 9, 2),
            now() - interval '60 days' + (n::float8 / ${USERS}) * interval '59 days'
       FROM generate_series(1, ${USERS}) n,
            LATERAL (SELECT (7000000000 + (n::bigint * 2654435761) % 1000000000)::text AS d) p`,
  );
  await step(
    `${fmt(USERS)} USER_CREATED events`,
    `INSERT INTO user_activity_logs (event_id, user_id, event_type, event_category, message, metadata, severity, created_at)
     SELECT gen_random_uuid(), id, 'USER_CREATED', 'activity', 'User created by the host app',
            jsonb_build_object('full_name', full_name, 'email', email, 'source', 'upsert'), 'info',
            created_at - interval '1 millisecond'
       FROM users`,
  );
  const rest = EVENTS - USERS;
  for (let lo = 1; lo <= rest; lo += CHUNK) {
    const hi = Math.min(rest, lo + CHUNK - 1);
    await step(
      `events ${fmt(lo)}..${fmt(hi)}`,
      `INSERT INTO user_activity_logs (event_id, user_id, event_type, event_category, message, metadata, severity, created_at)
       SELECT gen_random_uuid(),
              CASE WHEN g <= ${HEAVY} THEN ${userId("1")} ELSE ${userId(`2 + (g::bigint * 7919) % ${USERS - 1}`)} END,
              t, CASE WHEN t LIKE '%_ERROR' THEN 'error' WHEN t IN ('LOGIN', 'LOGOUT') THEN 'auth'
                      WHEN t = 'USER_CREATED' THEN 'activity' ELSE 'content' END,
              CASE WHEN t LIKE '%_ERROR' THEN 'Request failed: GET /api/lessons/' || (g % 5000) || ' answered 500'
                   ELSE initcap(replace(t, '_', ' ')) || ' on lesson ' || (g % 5000) END,
              jsonb_build_object('url', 'https://app.example.com/courses/' || (g % 40) || '/lessons/' || (g % 5000),
                'userAgent', 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36',
                'lesson_id', g % 5000, 'duration_ms', (g * 37) % 90000, 'session', md5(g::text),
                'ip', '10.' || (g % 250) || '.' || (g % 199) || '.' || (g % 97), 'release', '2025.12.' || (g % 30)),
              CASE WHEN t LIKE '%_ERROR' THEN (CASE WHEN (g / 20) % 10 = 0 THEN 'critical' ELSE 'error' END)
                   WHEN g % 25 = 0 THEN 'warning' ELSE 'info' END,
              now() - ((g * 7907) % 2592000) * interval '1 second' - (g % 1000) * interval '1 millisecond'
         FROM generate_series(${lo}::bigint, ${hi}::bigint) g,
              LATERAL (SELECT (${TYPES})[(1 + (g * 31) % 20)::int] AS t) x`,
    );
  }
  for (const i of indexes) await step(`index ${i.indexname}`, i.indexdef);
  await step(
    "user_stats from the logs",
    `TRUNCATE user_stats;
     INSERT INTO user_stats (user_id, total_events, errors, critical, last_seen)
     SELECT user_id, count(*), count(*) FILTER (WHERE severity IN ('error', 'critical')),
            count(*) FILTER (WHERE severity = 'critical'), max(created_at)
       FROM user_activity_logs GROUP BY user_id`,
  );
  const t = Date.now();
  await vacuum(db, target.url);
  console.log(`VACUUM ANALYZE: ${((Date.now() - t) / 1000).toFixed(1)} s`);
  const [size] = await db.query<{ size: string }>(
    "SELECT pg_size_pretty(pg_database_size(current_database())) AS size",
  );
  console.log(`loaded in ${((Date.now() - started) / 1000).toFixed(0)} s, database size ${size?.size}`);
  await loader?.end();
  await store.close();
  console.log(kind === "postgres" ? `DATABASE_URL=${target.url}` : `DATA_DIR=${target.dataDir}`);
}

/** VACUUM cannot run in a transaction, and the pool's 30 s statement timeout is too short for it. */
async function vacuum(db: Database, url: string | undefined) {
  if (!url) return db.exec("VACUUM ANALYZE");
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query("SET statement_timeout = 0");
  await client.query("SET maintenance_work_mem = '512MB'");
  await client.query("VACUUM ANALYZE");
  await client.end();
}

await main();
