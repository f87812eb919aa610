import { openStore } from "@usertrail/store";
import { loadEnv } from "./config.ts";
import { workerConfigFromEnv } from "./worker/env.ts";
import { Worker } from "./worker/worker.ts";

/**
 * `npm run worker`: the background worker as its own process, beside servers started with
 * WORKER=off. It needs PostgreSQL: the embedded PGlite database can be opened by one process only,
 * so with it the worker runs inside the server (the default).
 */
const env = loadEnv();
if (!env.DATABASE_URL) {
  process.stderr.write(
    "The worker as its own process needs DATABASE_URL (a PostgreSQL server).\n" +
      "The embedded database (PGlite in DATA_DIR) can be opened by only one process at a time, and the\n" +
      "server holds it: run the server without WORKER=off and its built-in worker does this work.\n",
  );
  process.exit(2);
}

/** JSON lines like the server's pino output; errors as their message, which JSON.stringify drops. */
const line = (level: string, out: NodeJS.WriteStream) => (obj: object, msg?: string) => {
  const err = (obj as { err?: unknown }).err;
  const fields = err === undefined ? obj : { ...obj, err: err instanceof Error ? err.message : String(err) };
  out.write(`${JSON.stringify({ level, time: new Date().toISOString(), msg, ...fields })}\n`);
};
const log = {
  info: line("info", process.stdout),
  warn: line("warn", process.stderr),
  error: line("error", process.stderr),
};

const store = await openStore({ databaseUrl: env.DATABASE_URL });
const worker = new Worker(store, workerConfigFromEnv(env), log);
await worker.start();
process.stdout.write("usertrail worker is running (postgres)\n");

let closing = false;
for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.on(signal, () => {
    if (closing) return;
    closing = true;
    worker
      .stop()
      .then(() => store.close())
      .then(
        () => process.exit(0),
        () => process.exit(1),
      );
  });
}
