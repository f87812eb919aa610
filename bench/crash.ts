/**
 * Crash proof: steady ingest against a real server process, killed with SIGKILL again and again.
 * Every acknowledged event must be stored exactly once after each restart, on PGlite and PostgreSQL.
 *
 *   node --import tsx bench/crash.ts [rounds=5] [seconds-between-kills=4]
 */
import { freshDatabase } from "../packages/store/test/databases.ts";
import { runCrashRounds } from "./lib/crash.ts";

const rounds = Number(process.argv[2] ?? 5);
const seconds = Number(process.argv[3] ?? 4);
let failed = false;
for (const kind of ["pglite", "postgres"] as const) {
  const database = await freshDatabase(kind);
  try {
    console.log(`--- ${kind}: ${rounds} kills, ~${seconds} s of load between them`);
    const result = await runCrashRounds({
      target: database.options,
      rounds,
      loadMs: seconds * 1000,
      log: (line) => console.log(line),
    });
    const lost = result.rounds.reduce((n, r) => n + r.missing + r.duplicated, 0);
    const restart = result.rounds.map((r) => r.restartMs);
    console.log(
      `${kind}: kills survived ${result.rounds.length}, acknowledged-but-missing ${lost}, sent ${result.sent}, stored once ${result.stored}, restart ${Math.min(...restart)}–${Math.max(...restart)} ms`,
    );
    if (lost > 0 || result.sent !== result.stored || result.duplicatedAtEnd > 0) failed = true;
  } finally {
    await database.drop();
  }
}
process.exit(failed ? 1 : 0);
