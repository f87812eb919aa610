import type { FastifyInstance } from "fastify";

/**
 * Public ingest routes are called from students' browsers on the host app's origin. They carry a
 * public key, never a cookie, so any origin may call them.
 */
export function allowAnyOrigin(
  app: FastifyInstance,
  paths: string[],
  allowHeaders = "content-type, x-usertrail-key, authorization",
) {
  // A preflight needs a route to reach this scope's hook; the hook answers it before the handler.
  for (const path of paths) app.options(path, async () => undefined);
  app.addHook("onRequest", async (request, reply) => {
    reply.header("access-control-allow-origin", "*");
    if (request.method === "OPTIONS") {
      reply
        .header("access-control-allow-methods", "POST, PUT, OPTIONS")
        .header("access-control-allow-headers", allowHeaders)
        .header("access-control-max-age", "86400")
        .code(204)
        .send();
    }
  });
}
