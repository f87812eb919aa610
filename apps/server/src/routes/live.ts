import fastifyWebsocket from "@fastify/websocket";
import { LIMITS } from "@usertrail/core";
import { accountForToken, asStaff, getLogsAfter, type LogEntry } from "@usertrail/store";
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { WebSocket } from "ws";
import type { AccessLog } from "../audit/access-log.ts";
import { identify, SESSION_COOKIE } from "../auth/guard.ts";
import type { AppContext } from "../context.ts";
import { badRequest, forbidden, HttpError, unauthorized } from "../errors.ts";
import { LiveHub } from "../live/hub.ts";

/** The subprotocol a browser offers next to `bearer.<token>`; the server answers with it. */
export const LIVE_PROTOCOL = "usertrail";
const BEARER_PROTOCOL = "bearer.";
/** Replay after a reconnect stops here and tells the client to reload instead. */
const MAX_REPLAY = 10_000;
const REPLAY_PAGE = 1000;
/** A client this far behind is cut off (it reconnects with after= and catches up). */
const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;
const PING_EVERY_MS = 30_000;

type LiveQuery = { userId?: string; after?: string; token?: string };

/** A token from `?token=` or a `bearer.<token>` subprotocol (browsers cannot set headers). */
function tokenFromUpgrade(request: FastifyRequest<{ Querystring: LiveQuery }>): string | undefined {
  if (typeof request.query.token === "string" && request.query.token !== "") return request.query.token;
  const offered = request.headers["sec-websocket-protocol"];
  if (typeof offered !== "string") return undefined;
  const bearer = offered
    .split(",")
    .map((p) => p.trim())
    .find((p) => p.startsWith(BEARER_PROTOCOL));
  return bearer?.slice(BEARER_PROTOCOL.length) || undefined;
}

/** A cookie rides along on any page's WebSocket, so with a cookie the page must be our own. */
function checkSameOrigin(request: FastifyRequest) {
  const origin = request.headers.origin;
  if (!origin) return;
  let host: string;
  try {
    host = new URL(origin).host;
  } catch {
    throw forbidden("The Origin header is not a URL.");
  }
  if (host !== request.headers.host)
    throw forbidden("Live updates with a session cookie work only from the panel's own origin.");
}

/** Checks everything before the upgrade, so a refused client gets a plain HTTP 4xx and no socket. */
async function admit(ctx: AppContext, request: FastifyRequest<{ Querystring: LiveQuery }>) {
  const { userId, after } = request.query;
  if (
    userId !== undefined &&
    (typeof userId !== "string" || userId.length > LIMITS.userIdLength || userId === "")
  ) {
    throw badRequest(`userId must be 1 to ${LIMITS.userIdLength} characters.`);
  }
  if (after !== undefined && (typeof after !== "string" || !/^\d{1,15}$/.test(after))) {
    throw badRequest("after must be the id of the last entry you received.");
  }
  const token = tokenFromUpgrade(request);
  let account = null;
  if (token !== undefined) {
    if (token.length <= 200) account = await accountForToken(ctx.store.db, token);
    if (account) {
      request.account = account;
      request.sessionToken = token;
    }
  } else {
    if (request.cookies?.[SESSION_COOKIE] && !request.headers.authorization) checkSameOrigin(request);
    account = (await identify(ctx, request)) ?? null;
  }
  if (!account) throw unauthorized();
  if (account.role !== "admin" && account.role !== "sales") {
    throw forbidden("Student accounts cannot read the Debug Panel's data.");
  }
}

/**
 * `GET /api/live?userId=&after=` as a WebSocket: new log entries for one user (or all) as JSON
 * messages shaped like user-logs entries, within a second of ingest, across server processes.
 */
export async function liveRoutes(
  app: FastifyInstance,
  ctx: AppContext,
  options: { databaseUrl?: string; accessLog?: AccessLog },
) {
  const hub = new LiveHub(ctx.store, options.databaseUrl, app.log);
  await app.register(fastifyWebsocket, {
    options: {
      // Clients only listen; anything they send is ignored, so keep what they may send small.
      maxPayload: 4096,
      handleProtocols: (offered) => {
        if (offered.has(LIVE_PROTOCOL)) return LIVE_PROTOCOL;
        // A browser that offered only its token must get one of its offers back, or it drops the socket.
        return offered.values().next().value ?? false;
      },
    },
    errorHandler: (_error, socket) => socket.terminate(),
  });
  app.addHook("preClose", async () => hub.close());

  app.route<{ Querystring: LiveQuery }>({
    method: "GET",
    url: "/api/live",
    preValidation: async (request) => admit(ctx, request),
    handler: async () => {
      throw new HttpError(426, "Connect to /api/live with a WebSocket.", { upgrade: "websocket" });
    },
    wsHandler: (socket, request) => {
      const account = request.account;
      if (!account) return socket.close(4001, "No session");
      const userId = request.query.userId?.replaceAll("\u0000", "");
      if (userId !== undefined) options.accessLog?.record({ actorId: account.id, userId, what: "live" });
      void runSession(ctx, hub, socket, {
        role: account.role,
        token: request.sessionToken,
        userId,
        after: request.query.after === undefined ? undefined : Number(request.query.after),
        log: request.log,
      });
    },
  });
}

interface SessionOptions {
  role: string;
  token?: string;
  userId?: string;
  after?: number;
  log: { warn(obj: unknown, msg?: string): void };
}

/**
 * One connection: subscribe first (live entries wait in a buffer), replay what the client missed
 * after its `after` id, then send the buffer minus what the replay already sent, then go live.
 * Control messages carry a `type` (entries never do): ready, reset.
 */
async function runSession(ctx: AppContext, hub: LiveHub, socket: WebSocket, o: SessionOptions) {
  let live = false;
  const waiting: LogEntry[] = [];
  const send = (message: unknown) => {
    if (socket.readyState !== socket.OPEN) return;
    if (socket.bufferedAmount > MAX_BUFFERED_BYTES) {
      socket.close(1013, "Too far behind; reconnect with after=<last id>");
      return;
    }
    socket.send(JSON.stringify(message));
  };
  let unsubscribe = () => {};
  let closed = false;
  let alive = true;
  const keepalive = setInterval(async () => {
    if (!alive) return socket.terminate();
    alive = false;
    socket.ping();
    // A session that was logged out or expired stops receiving at the next check.
    const still = o.token ? await accountForToken(ctx.store.db, o.token).catch(() => undefined) : null;
    if (still === null) socket.close(4001, "Session ended; log in again");
  }, PING_EVERY_MS);
  socket.on("pong", () => {
    alive = true;
  });
  socket.on("close", () => {
    closed = true;
    clearInterval(keepalive);
    unsubscribe();
  });
  try {
    unsubscribe = await hub.subscribe({
      role: o.role,
      userId: o.userId,
      deliver(entries) {
        if (!live) waiting.push(...entries);
        else for (const entry of entries) send(entry);
      },
    });
    if (closed) return unsubscribe();
    const replayed = new Set<number>();
    if (o.after !== undefined) {
      let from = o.after;
      while (replayed.size < MAX_REPLAY) {
        const page = await asStaff(ctx.store.db, o.role, (tx) =>
          getLogsAfter(tx, from, { userId: o.userId, limit: REPLAY_PAGE }),
        );
        for (const entry of page) {
          send(entry);
          replayed.add(entry.id);
          from = entry.id;
        }
        if (page.length < REPLAY_PAGE) break;
      }
      if (replayed.size >= MAX_REPLAY)
        send({ type: "reset", reason: "Too many entries were missed; reload the log." });
    }
    live = true;
    send({ type: "ready", replayed: replayed.size, cross_process: hub.crossProcess });
    for (const entry of waiting.splice(0)) if (!replayed.has(entry.id)) send(entry);
  } catch (error) {
    o.log.warn({ err: error }, "live: starting a subscription failed");
    socket.close(1011, "Could not start live updates; reconnect");
  }
}
