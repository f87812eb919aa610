/**
 * `npm run demo`: fills the database the server uses (DATA_DIR, default ./data, or DATABASE_URL)
 * with a few hundred realistic students and their last week, so a newcomer sees a living panel.
 * Safe to run twice: event ids are fixed by the seed, so a second run stores nothing new.
 *   npm run demo -- --students=500 --seed=7
 */
import { judgeEvent } from "@usertrail/core";
import { openStore } from "@usertrail/store";
import { demoData } from "./demo-data.ts";

const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split("=")[1];
const students = Number(arg("students") ?? 300);
const seed = Number(arg("seed") ?? 20251221);
if (!Number.isInteger(students) || students < 1 || students > 100_000) {
  throw new Error("--students must be a whole number from 1 to 100000");
}

const dataDir = process.env.DATA_DIR || "./data";
const databaseUrl = process.env.DATABASE_URL || undefined;
console.log(
  `Opening ${databaseUrl ? "the PostgreSQL server in DATABASE_URL" : `the embedded database in ${dataDir}`}…`,
);
const store = await openStore({ dataDir, databaseUrl });
try {
  const { events, health } = demoData({ students, seed });
  let stored = 0;
  let duplicate = 0;
  for (let i = 0; i < events.length; i += 1000) {
    const accepted = events.slice(i, i + 1000).map((raw) => {
      const judged = judgeEvent(raw);
      if (!judged.ok) throw new Error(`demo event refused: ${judged.error}`);
      return judged.event;
    });
    for (const status of await store.ingest(accepted)) status === "stored" ? stored++ : duplicate++;
    process.stdout.write(`\r  events ${Math.min(i + 1000, events.length)}/${events.length}`);
  }
  process.stdout.write("\n");

  // Health entries have no natural key, so they are added only once per database.
  const [{ n } = { n: 0 }] = await store.db.query<{ n: number }>(
    "SELECT count(*)::int AS n FROM system_health_logs WHERE metadata->>'demo' = 'true'",
  );
  if (n === 0) {
    for (const h of health) {
      await store.db.query(
        "INSERT INTO system_health_logs (source, message, severity, metadata, created_at) VALUES ($1, $2, $3, $4::jsonb, $5)",
        [h.source, h.message, h.severity, JSON.stringify(h.metadata), h.created_at],
      );
    }
  }
  // PGlite has no autovacuum: refresh statistics so search uses its trigram index after a bulk load.
  await store.db.exec("ANALYZE");
  console.log(
    `${students} students: ${stored} events stored, ${duplicate} already there` +
      `${n === 0 ? `, ${health.length} system health entries` : ""}.`,
  );
  console.log(
    "Now start the server with a staff account, e.g.\n" +
      "  ADMIN_EMAIL=admin@example.com ADMIN_PASSWORD='choose-a-password' npm start\n" +
      "and open http://127.0.0.1:3000, log in, search for a student (try “aigerim” or “701”).",
  );
} finally {
  await store.close();
}
