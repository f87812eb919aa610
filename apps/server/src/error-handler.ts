import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { HttpError, isDatabaseUnavailable } from "./errors.ts";

/** Fastify's own error codes, said in words a caller can act on. */
const FASTIFY_MESSAGES: Record<string, (e: FastifyError) => string> = {
  FST_ERR_CTP_INVALID_JSON_BODY: () => "The body is not valid JSON.",
  FST_ERR_CTP_EMPTY_JSON_BODY: () => "The body is empty; send a JSON object.",
  FST_ERR_CTP_BODY_TOO_LARGE: () => "The body is too large for this route.",
  FST_ERR_CTP_INVALID_MEDIA_TYPE: () => "Send the body as JSON (Content-Type: application/json).",
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: () => "The Content-Length header does not match the body.",
  FST_ERR_MAX_PARAM_LENGTH: () => "A part of the URL is longer than 1024 characters; ids are at most 128.",
};

/** Errors Fastify raises before routing (bad URL, over-long parameter), in the same JSON shape. */
export function frameworkErrors(error: FastifyError, _request: FastifyRequest, reply: FastifyReply) {
  const known = error.code ? FASTIFY_MESSAGES[error.code] : undefined;
  reply
    .code(error.statusCode ?? 400)
    .send({ error: known ? known(error) : "The request's URL is not valid." });
}

/**
 * One place turns every failure into `{"error": "..."}`: the caller's mistakes keep their 4xx and a
 * clear sentence; an unreachable database is a 503 with Retry-After; anything else is a logged 500
 * whose details stay in the log.
 */
export function installErrorHandler(app: FastifyInstance) {
  app.setErrorHandler((error: FastifyError | HttpError, request, reply) => {
    if (error instanceof HttpError) {
      for (const [name, value] of Object.entries(error.headers)) reply.header(name, value);
      return reply.code(error.statusCode).send({ error: error.message });
    }
    if (error.validation) {
      const first = error.validation[0];
      const where = first?.instancePath
        ? first.instancePath.slice(1).replaceAll("/", ".")
        : error.validationContext;
      const what =
        first?.keyword === "required"
          ? `${(first.params as { missingProperty: string }).missingProperty} is required`
          : `${where} ${first?.message}`;
      return reply.code(400).send({ error: what });
    }
    const known = error.code ? FASTIFY_MESSAGES[error.code] : undefined;
    if (known) return reply.code(error.statusCode ?? 400).send({ error: known(error) });
    if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
      return reply.code(error.statusCode).send({ error: error.message });
    }
    if (isDatabaseUnavailable(error)) {
      request.log.warn({ err: error }, "database unavailable");
      return reply
        .code(503)
        .header("retry-after", "5")
        .send({ error: "The database is unavailable right now; try again in a few seconds." });
    }
    request.log.error({ err: error }, "request failed");
    return reply.code(500).send({ error: "Something went wrong on the server; the details are in its log." });
  });
}
