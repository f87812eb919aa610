import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { type ApiErrorOptions, logApiError, snippetOf } from "./api-error.ts";
import type { UsertrailClient } from "./client.ts";

/**
 * A Fastify plugin that logs every 4xx/5xx response as API_ERROR:
 * `await app.register(usertrailFastify(usertrail, { getUserId: (req) => req.user?.id }))`.
 * It applies to the whole app (like fastify-plugin), including 404s and thrown errors.
 */
export function usertrailFastify(client: UsertrailClient, opts: ApiErrorOptions<FastifyRequest>) {
  const seen = new WeakMap<FastifyRequest, { response?: string; error?: string }>();
  const plugin = async (app: FastifyInstance) => {
    app.addHook("onError", async (req: FastifyRequest, _reply: FastifyReply, err: Error) => {
      seen.set(req, { ...seen.get(req), error: String(err?.message ?? err).slice(0, 300) });
    });
    app.addHook("onSend", async (req: FastifyRequest, reply: FastifyReply, payload: unknown) => {
      if (reply.statusCode >= 400) seen.set(req, { ...seen.get(req), response: snippetOf(payload) });
      return payload;
    });
    app.addHook("onResponse", async (req: FastifyRequest, reply: FastifyReply) => {
      if (reply.statusCode < 400) return;
      const s = seen.get(req);
      logApiError(client, opts, req, {
        method: req.method,
        url: req.url,
        route: req.routeOptions?.url,
        statusCode: reply.statusCode,
        response: s?.response ?? "",
        userAgent: req.headers["user-agent"],
        ip: req.ip,
        error: s?.error,
      });
    });
  };
  // What fastify-plugin does: let the hooks reach every route, not only this plugin's scope.
  return Object.assign(plugin, {
    [Symbol.for("skip-override")]: true,
    [Symbol.for("fastify.display-name")]: "usertrail",
  });
}
