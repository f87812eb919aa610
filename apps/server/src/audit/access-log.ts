import { type AccessRecord, asStaff, recordAccesses } from "@usertrail/store";
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { AppContext } from "../context.ts";

/** The routes that show one user's data, and the name each gets in the access log. */
const WATCHED_ROUTES: Record<string, string> = {
  "/api/tripwire/debug/user-logs/:userId": "logs",
  "/api/tripwire/debug/user-stats/:userId": "stats",
  "/api/tripwire/debug/user/:userId": "user",
  "/api/tripwire/debug/user-logs/:userId/export": "export",
};

/**
 * Records staff looks at a user's data without a database round trip per request: records wait
 * in memory and go in one INSERT per second (or per 500). Identical looks (same person, user and
 * kind) within one batch are recorded once, so paging through a log is one entry, not fifty.
 * A crash can lose at most the last second of records; shutdown writes what is waiting.
 */
export class AccessLog {
  private batch = new Map<string, AccessRecord>();
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly ctx: AppContext,
    private readonly log: { warn(obj: unknown, msg?: string): void },
    private readonly flushEveryMs = 1000,
    private readonly maxBatch = 500,
  ) {}

  /** Notes one look; written within flushEveryMs. */
  record(record: Omit<AccessRecord, "at">): void {
    const key = `${record.actorId}\u0000${record.userId}\u0000${record.what}`;
    if (!this.batch.has(key)) this.batch.set(key, { ...record, at: new Date() });
    if (this.batch.size >= this.maxBatch) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), this.flushEveryMs);
  }

  /** Writes everything recorded so far; the audit route calls it so an admin sees the latest looks. */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const records = [...this.batch.values()];
    this.batch = new Map();
    this.writing = this.writing.then(async () => {
      if (records.length === 0) return;
      try {
        // Written as staff with the least role that may insert, so the audit's row-level security holds.
        await asStaff(this.ctx.store.db, "sales", (tx) => recordAccesses(tx, records));
      } catch (error) {
        this.log.warn({ err: error, lost: records.length }, "access log: writing a batch failed");
      }
    });
    return this.writing;
  }
}

/**
 * Adds the hook that records every successful staff read of one user's data. Call it on the root
 * instance before the routes are registered, so it sees the routes of every plugin.
 */
export function installAccessLog(app: FastifyInstance, ctx: AppContext): AccessLog {
  const accessLog = new AccessLog(ctx, app.log);
  app.addHook("onResponse", async (request: FastifyRequest, reply) => {
    const what = WATCHED_ROUTES[request.routeOptions.url ?? ""];
    const account = request.account;
    if (!what || !account || reply.statusCode >= 300) return;
    const userId = (request.params as { userId?: string }).userId;
    if (typeof userId !== "string" || userId.length > 128) return;
    accessLog.record({ actorId: account.id, userId: userId.replaceAll("\u0000", ""), what });
  });
  app.addHook("preClose", async () => accessLog.flush());
  return accessLog;
}
