import type { Account } from "@usertrail/store";
import { accountForToken } from "@usertrail/store";
import type { FastifyReply, FastifyRequest } from "fastify";
import type { AppContext } from "../context.ts";
import { forbidden, HttpError, unauthorized } from "../errors.ts";

export const SESSION_COOKIE = "ut_session";
export const CSRF_HEADER = "x-usertrail-csrf";

declare module "fastify" {
  interface FastifyRequest {
    account?: Account;
    /** The session token this request came with, from the header or the cookie. */
    sessionToken?: string;
  }
}

type StaffRole = "admin" | "sales";

/** Finds the bearer token or session cookie; cookie-authenticated writes must also carry the CSRF header. */
function tokenOf(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (header?.startsWith("Bearer ")) return header.slice(7).trim();
  const cookie = request.cookies?.[SESSION_COOKIE];
  if (!cookie) return undefined;
  const isWrite = !["GET", "HEAD", "OPTIONS"].includes(request.method);
  if (isWrite && request.headers[CSRF_HEADER] !== "1") {
    throw new HttpError(403, `Cookie-authenticated writes must send the header ${CSRF_HEADER}: 1.`);
  }
  return cookie;
}

/** Loads the caller's account, if any, without refusing anyone. */
export async function identify(ctx: AppContext, request: FastifyRequest): Promise<Account | undefined> {
  const token = tokenOf(request);
  if (!token || token.length > 200) return undefined;
  const account = await accountForToken(ctx.store.db, token);
  if (account) {
    request.account = account;
    request.sessionToken = token;
  }
  return account ?? undefined;
}

/** A preHandler that lets in only live sessions of the given staff roles. */
export function requireRole(ctx: AppContext, ...roles: StaffRole[]) {
  return async (request: FastifyRequest, _reply: FastifyReply) => {
    const account = await identify(ctx, request);
    if (!account) throw unauthorized();
    if (!(roles as string[]).includes(account.role)) {
      throw forbidden(
        account.role === "student"
          ? "Student accounts cannot read the Debug Panel's data."
          : "Only an admin may do this.",
      );
    }
  };
}

/** The signed-in staff role (for row-level security); only called after requireRole. */
export function roleOf(request: FastifyRequest): string {
  return request.account?.role ?? "anonymous";
}
