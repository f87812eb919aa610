import type { FastifyInstance } from "fastify";

/**
 * Public ingest routes are called from students' browsers on the host app's origin. They carry a
 * public key, never a cookie, so any origin may call them.
 */
export function allowAnyOrigin(app: FastifyInstance, allowHeaders = "content-type, x-usertrail-key") {
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
