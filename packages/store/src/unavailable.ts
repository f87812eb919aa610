/**
 * Errors that mean "the database cannot be reached right now" (server down, restarting, connection
 * cut, no answer in time, writer queue full), which a retry a few seconds later can fix. SQLSTATE
 * classes 08 (connection), 57P0x (shutdown/crash) and 53 (insufficient resources).
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  const e = error as { code?: string; message?: string } | null;
  if (!e) return false;
  if (typeof e.code === "string" && /^(08|57P0|53)/.test(e.code)) return true;
  return /ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|timeout exceeded when trying to connect|Connection terminated|Query read timeout|Client has encountered a connection error|connect ETIMEDOUT/i.test(
    e.message ?? "",
  );
}

/** Thrown when more events wait for the writer than it may hold: memory stays bounded, callers retry. */
export class WriterBusyError extends Error {
  /** SQLSTATE 53000 (insufficient_resources), so it is answered like any temporary database trouble. */
  readonly code = "53000";
  constructor(queued: number) {
    super(`The ingest writer already holds ${queued} events waiting for the database.`);
  }
}
