import { Readable } from "node:stream";
import { LIMITS } from "@usertrail/core";
import { asStaff, decodeCursor, type ExportPosition, getExportPage, type LogFilter } from "@usertrail/store";
import type { FastifyInstance } from "fastify";
import { requireRole, roleOf } from "../auth/guard.ts";
import type { AppContext } from "../context.ts";
import { badRequest } from "../errors.ts";
import {
  CONTENT_TYPES,
  EXPORT_FORMATS,
  type ExportFormat,
  exportFilename,
  framing,
} from "../export/formats.ts";
import { type LogQuery, parseLogQuery } from "./log-filter.ts";

/** Rows read per query; small enough that a page costs little memory, big enough to be quick. */
const PAGE_SIZE = 2000;
/** `limit` on an export caps the rows; without it the whole (filtered) log is exported. */
const MAX_EXPORT_ROWS = 100_000_000;

/**
 * Streams `filter`'s entries in `format`, one keyset page at a time, each page read in its own
 * short transaction under the caller's role. Readable.from pulls the next page only when the
 * socket has taken the last one, so memory stays flat however many rows there are.
 */
async function* exportChunks(
  ctx: AppContext,
  role: string,
  userId: string,
  filter: LogFilter,
  format: ExportFormat,
): AsyncGenerator<string> {
  const frame = framing(format);
  yield frame.head;
  let after: ExportPosition | null = filter.cursor ? decodeCursor(filter.cursor) : null;
  let left = filter.limit ?? MAX_EXPORT_ROWS;
  let first = true;
  while (left > 0) {
    const size = Math.min(PAGE_SIZE, left);
    const page = await asStaff(ctx.store.db, role, (tx) => getExportPage(tx, userId, filter, after, size));
    if (page.length === 0) break;
    let chunk = "";
    for (const entry of page) {
      chunk += frame.entry(entry, first);
      first = false;
    }
    yield chunk;
    left -= page.length;
    const last = page[page.length - 1];
    if (!last || page.length < size) break;
    after = { createdAt: last.created_at, id: last.id };
  }
  yield frame.tail;
}

/** `GET /api/tripwire/debug/user-logs/:userId/export?format=csv|ndjson|json&…the log filters`. */
export async function exportRoutes(app: FastifyInstance, ctx: AppContext) {
  const staff = requireRole(ctx, "admin", "sales");
  app.get<{ Params: { userId: string }; Querystring: LogQuery & { format?: string } }>(
    "/api/tripwire/debug/user-logs/:userId/export",
    { preHandler: staff },
    async (request, reply) => {
      const { userId: rawId } = request.params;
      if (rawId.length > LIMITS.userIdLength)
        throw badRequest(`userId is longer than ${LIMITS.userIdLength} characters.`);
      const userId = rawId.replaceAll("\u0000", "");
      const format = (request.query.format ?? "csv") as ExportFormat;
      if (!EXPORT_FORMATS.includes(format))
        throw badRequest(`format must be one of ${EXPORT_FORMATS.join(", ")}.`);
      const filter = parseLogQuery(request.query, MAX_EXPORT_ROWS);
      const role = roleOf(request);
      const stream = Readable.from(exportChunks(ctx, role, userId, filter, format), { objectMode: false });
      // A failure after the first byte cannot change the status; cutting the connection short
      // makes it visible (a JSON array left open, a download that did not finish).
      stream.on("error", (error) => request.log.warn({ err: error }, "export stopped early"));
      return reply
        .header("content-type", CONTENT_TYPES[format])
        .header("content-disposition", `attachment; filename="${exportFilename(userId, format)}"`)
        .header("cache-control", "no-store")
        .header("x-content-type-options", "nosniff")
        .send(stream);
    },
  );
}
