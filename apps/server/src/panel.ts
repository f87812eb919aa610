import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import fastifyStatic from "@fastify/static";
import type { FastifyInstance } from "fastify";

const PANEL_DIST = fileURLToPath(new URL("../../panel/dist/", import.meta.url));

/** Serves the built Debug Panel, with every non-API path answered by its index.html (client routing). */
export async function servePanel(app: FastifyInstance) {
  const built = existsSync(`${PANEL_DIST}index.html`);
  if (built) await app.register(fastifyStatic, { root: PANEL_DIST, wildcard: false, index: "index.html" });
  app.setNotFoundHandler((request, reply) => {
    if (request.url.startsWith("/api/") || request.method !== "GET") {
      return reply
        .code(404)
        .send({ error: `There is no route ${request.method} ${request.url.split("?")[0]}.` });
    }
    if (!built) {
      return reply
        .code(503)
        .type("text/plain")
        .send("The Debug Panel is not built yet: run `npm run build:panel` (npm start does it for you).");
    }
    return reply.sendFile("index.html");
  });
}
