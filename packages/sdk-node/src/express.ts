import type { NextFunction, Request, Response } from "express";
import { type ApiErrorOptions, logApiError, SNIPPET_LENGTH, snippetOf } from "./api-error.ts";
import type { UsertrailClient } from "./client.ts";

/**
 * Express middleware that logs every 4xx/5xx response as API_ERROR. Add it before your routes:
 * `app.use(usertrailExpress(usertrail, { getUserId: (req) => req.user?.id }))`. The user id is
 * read when the response finishes, so auth middleware that runs later is seen.
 */
export function usertrailExpress(client: UsertrailClient, opts: ApiErrorOptions<Request>) {
  return (req: Request, res: Response, next: NextFunction) => {
    let response = "";
    // Keep the start of error bodies only; successful responses pass through untouched.
    const keep = (chunk: unknown) => {
      try {
        if (res.statusCode >= 400 && response.length < SNIPPET_LENGTH && typeof chunk !== "function") {
          response += snippetOf(chunk).slice(0, SNIPPET_LENGTH - response.length);
        }
      } catch {}
    };
    const { write, end } = res;
    res.write = function (this: Response, chunk: unknown, ...rest: unknown[]) {
      keep(chunk);
      return (write as (...a: unknown[]) => boolean).call(this, chunk, ...rest);
    } as Response["write"];
    res.end = function (this: Response, chunk?: unknown, ...rest: unknown[]) {
      keep(chunk);
      return (end as (...a: unknown[]) => Response).call(this, chunk, ...rest);
    } as Response["end"];
    res.on("finish", () => {
      if (res.statusCode < 400) return;
      logApiError(client, opts, req, {
        method: req.method,
        url: req.originalUrl ?? req.url,
        route: req.route?.path,
        statusCode: res.statusCode,
        response,
        userAgent: req.get("user-agent"),
        ip: req.ip,
      });
    });
    next();
  };
}
