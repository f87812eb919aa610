import { createSession, deleteSession, findAccountForLogin } from "@usertrail/store";
import type { FastifyInstance } from "fastify";
import { identify, SESSION_COOKIE } from "../auth/guard.ts";
import { DUMMY_HASH_PROMISE, verifyPassword } from "../auth/passwords.ts";
import type { AppContext } from "../context.ts";
import { forbidden, HttpError, unauthorized } from "../errors.ts";

const loginBody = {
  type: "object",
  required: ["email", "password"],
  properties: {
    email: { type: "string", minLength: 1, maxLength: 320 },
    password: { type: "string", minLength: 1, maxLength: 1000 },
  },
} as const;

/** Login, logout and "who am I" for staff accounts. */
export async function authRoutes(app: FastifyInstance, ctx: AppContext) {
  app.post<{ Body: { email: string; password: string } }>(
    "/api/auth/login",
    {
      schema: { body: loginBody },
      config: {
        rateLimit: {
          max: ctx.loginRateLimit,
          timeWindow: "1 minute",
          // Per address and account: guessing one password is slowed without locking out a whole office.
          keyGenerator: (req) =>
            // Trimmed and lower-cased as the lookup does, or " victim@x" would be a fresh allowance.
            `${req.ip}|${String((req.body as { email?: unknown } | undefined)?.email ?? "")
              .trim()
              .toLowerCase()}`,
          errorResponseBuilder: (_req, context) =>
            new HttpError(
              429,
              `Too many login attempts; try again in ${Math.ceil(context.ttl / 1000)} seconds.`,
            ),
        },
      },
    },
    async (request, reply) => {
      const { email, password } = request.body;
      // PostgreSQL refuses NUL in text (a 500); no stored address holds one, so drop it and fail normally.
      const account = await findAccountForLogin(ctx.store.db, email.replaceAll("\u0000", "").trim());
      const ok = await verifyPassword(password, account?.password_hash ?? (await DUMMY_HASH_PROMISE));
      if (!account || !ok) throw unauthorized("Wrong email or password.");
      if (account.disabled) throw forbidden("This account is disabled; ask an admin to enable it.");
      if (account.role === "student") {
        throw forbidden("This is a student account; the Debug Panel is for admin and sales staff only.");
      }
      const token = await createSession(ctx.store.db, account.id, ctx.sessionTtlMs);
      reply.setCookie(SESSION_COOKIE, token, {
        httpOnly: true,
        sameSite: "strict",
        path: "/",
        secure: request.protocol === "https",
        maxAge: Math.floor(ctx.sessionTtlMs / 1000),
      });
      return { token, role: account.role, name: account.name };
    },
  );

  app.post("/api/auth/logout", async (request, reply) => {
    if (await identify(ctx, request)) await deleteSession(ctx.store.db, request.sessionToken as string);
    reply.clearCookie(SESSION_COOKIE, { path: "/" });
    return reply.code(204).send();
  });

  app.get("/api/auth/me", async (request) => {
    const account = await identify(ctx, request);
    if (!account) throw unauthorized();
    return { id: account.id, email: account.email, name: account.name, role: account.role };
  });
}
