import {
  cleanJson,
  cleanText,
  judgeEvent,
  LIMITS,
  SEVERITIES,
  userBlockSchema,
  userIdSchema,
} from "@usertrail/core";
import { findUserIdByEmail, insertHealthLog } from "@usertrail/store";
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { ingestCaller } from "../auth/ingest-auth.ts";
import type { AppContext } from "../context.ts";
import { badRequest, HttpError } from "../errors.ts";
import { allowAnyOrigin } from "./cors.ts";
import { publicIngestLimits } from "./ingest-limits.ts";
import { parseBody } from "./parse.ts";

const INGEST_BODY_LIMIT = 8 * 1024 * 1024;

const clientErrorSchema = z.object(
  {
    message: z
      .string({ error: "message must be text" })
      .min(1, { error: "message must not be empty" })
      .max(10_000, { error: "message is longer than 10000 characters" }),
    stack: z
      .string({ error: "stack must be text" })
      .max(50_000, { error: "stack is longer than 50000 characters" })
      .nullish(),
    url: z
      .string({ error: "url must be text" })
      .max(4096, { error: "url is longer than 4096 characters" })
      .nullish(),
    userAgent: z
      .string({ error: "userAgent must be text" })
      .max(1000, { error: "userAgent is longer than 1000 characters" })
      .nullish(),
    context: z.unknown().optional(),
    user_id: userIdSchema.nullish(),
    user_email: z
      .string({ error: "user_email must be text" })
      .max(LIMITS.emailLength, { error: `user_email is longer than ${LIMITS.emailLength} characters` })
      .nullish(),
    severity: z.enum(SEVERITIES, { error: `severity must be one of ${SEVERITIES.join(", ")}` }).nullish(),
  },
  { error: "the body must be a JSON object with at least a message" },
);

/** The ingest routes: event batches, browser errors and user upserts. */
export async function ingestRoutes(app: FastifyInstance, ctx: AppContext) {
  allowAnyOrigin(app, ["/api/events", "/api/tripwire/debug/client-error", "/api/users/:id"]);
  // sendBeacon cannot set a JSON content type, so browsers' text/plain bodies are read as JSON too.
  app.addContentTypeParser(
    "text/plain",
    { parseAs: "string", bodyLimit: INGEST_BODY_LIMIT },
    (_req, body, done) => {
      try {
        done(null, JSON.parse(body as string));
      } catch {
        done(badRequest("The body is not valid JSON."), undefined);
      }
    },
  );

  // One set of limiters for all public routes, so a sender cannot multiply its allowance across them.
  const limited = publicIngestLimits(app, ctx, ctx.ingestLimits);
  const publicRoute = (bodyLimit: number) => ({ bodyLimit, preHandler: limited });

  app.post("/api/events", publicRoute(INGEST_BODY_LIMIT), async (request, reply) => {
    ingestCaller(ctx, request, true);
    const body = request.body as { events?: unknown } | null;
    if (!body || typeof body !== "object" || !Array.isArray(body.events)) {
      throw badRequest('The body must be a JSON object like {"events": [ ... ]}.');
    }
    if (body.events.length > LIMITS.batchSize) {
      throw new HttpError(
        413,
        `A batch may hold at most ${LIMITS.batchSize} events; this one has ${body.events.length}.`,
      );
    }
    const judged = body.events.map((raw) => judgeEvent(raw));
    const accepted = judged.flatMap((j) => (j.ok ? [j.event] : []));
    const statuses = await ctx.store.ingest(accepted);
    let next = 0;
    const results = judged.map((j) =>
      j.ok ? { status: statuses[next++] as string } : { status: "rejected", error: j.error },
    );
    const rejected = results.length - accepted.length;
    const stored = statuses.filter((s) => s === "stored").length;
    const answer = { results, stored, rejected };
    if (rejected > 0 && accepted.length === 0 && results.length > 0) {
      return reply
        .code(400)
        .send({ error: `No event was stored: ${(results[0] as { error: string }).error}`, ...answer });
    }
    return reply.code(rejected > 0 ? 207 : 200).send(answer);
  });

  app.post("/api/tripwire/debug/client-error", publicRoute(1024 * 1024), async (request, reply) => {
    ingestCaller(ctx, request, true);
    const parsed = parseBody(clientErrorSchema, request.body);
    const context = cleanJson(parsed.context ?? null, LIMITS.metadataDepth);
    if (!context.ok) throw badRequest(context.error.replace("metadata", "context"));
    const userEmail = parsed.user_email ? cleanText(parsed.user_email).trim() : null;
    const metadata = {
      stack: parsed.stack ? cleanText(parsed.stack) : null,
      userAgent: parsed.userAgent ? cleanText(parsed.userAgent) : (request.headers["user-agent"] ?? null),
      url: parsed.url ? cleanText(parsed.url) : null,
      context: context.value,
      userEmail,
    };
    const severity = parsed.severity ?? "error";
    const message = cleanText(parsed.message);
    const userId =
      (parsed.user_id ? cleanText(parsed.user_id) : null) ??
      (userEmail ? await findUserIdByEmail(ctx.store.db, userEmail) : null);
    await insertHealthLog(ctx.store.db, { source: "client", message, severity, metadata, user_id: userId });
    let eventId: string | null = null;
    if (userId) {
      const judged = judgeEvent({
        user_id: userId,
        user: userEmail ? { email: userEmail } : undefined,
        event_type: "CLIENT_ERROR",
        event_category: "error",
        message,
        metadata,
        severity,
      });
      if (!judged.ok) throw badRequest(judged.error);
      await ctx.store.ingest([judged.event]);
      eventId = judged.event.event_id;
    }
    return reply.code(202).send({ ok: true, event_id: eventId });
  });

  app.put<{ Params: { id: string } }>("/api/users/:id", async (request, reply) => {
    ingestCaller(ctx, request, false);
    const id = cleanText(parseBody(userIdSchema, request.params.id));
    // As for events: an id of only NUL bytes (which the database refuses, a 500) or blanks is no id.
    if (id.trim().length === 0) throw badRequest("user_id must not be empty");
    const block = parseBody(userBlockSchema, request.body ?? {});
    const clean = (v: string | null | undefined) => (v ? cleanText(v).trim() || null : null);
    const created = await ctx.store.upsertUser(
      id,
      { email: clean(block.email), phone: clean(block.phone), full_name: clean(block.full_name) },
      { kind: "upsert" },
    );
    return reply.code(created ? 201 : 200).send({ id, created });
  });
}
