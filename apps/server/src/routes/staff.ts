import { createAccount, listAccounts, updateAccount } from "@usertrail/store";
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { requireRole } from "../auth/guard.ts";
import { hashPassword } from "../auth/passwords.ts";
import type { AppContext } from "../context.ts";
import { HttpError, notFound } from "../errors.ts";
import { parseBody } from "./parse.ts";

const ROLES = ["admin", "sales", "student"] as const;

const newAccount = z.object(
  {
    email: z.email({ error: "email is not a valid email address" }).max(320),
    password: z
      .string({ error: "password must be text" })
      .min(8, { error: "password must be at least 8 characters" })
      .max(1000),
    name: z
      .string({ error: "name must be text" })
      .trim()
      .min(1, { error: "name must not be empty" })
      .max(200),
    role: z.enum(ROLES, { error: "role must be admin, sales or student" }),
  },
  { error: "the body must be a JSON object with email, password, name and role" },
);

const accountPatch = z.object(
  {
    disabled: z.boolean({ error: "disabled must be true or false" }).optional(),
    role: z.enum(ROLES, { error: "role must be admin, sales or student" }).optional(),
  },
  { error: "the body must be a JSON object" },
);

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Admins manage the accounts that may log in (the display name becomes USER_CREATED's manager_name). */
export async function staffRoutes(app: FastifyInstance, ctx: AppContext) {
  const admin = requireRole(ctx, "admin");

  app.get("/api/staff", { preHandler: admin }, async () => ({ staff: await listAccounts(ctx.store.db) }));

  app.post("/api/staff", { preHandler: admin }, async (request, reply) => {
    const input = parseBody(newAccount, request.body);
    const account = await createAccount(ctx.store.db, {
      email: input.email,
      name: input.name.replaceAll("\u0000", ""),
      role: input.role,
      passwordHash: await hashPassword(input.password),
    });
    if (!account) throw new HttpError(409, "An account with this email already exists.");
    return reply.code(201).send({ id: account.id });
  });

  app.patch<{ Params: { id: string } }>("/api/staff/:id", { preHandler: admin }, async (request) => {
    if (!UUID.test(request.params.id)) throw notFound("No account has this id.");
    const patch = parseBody(accountPatch, request.body);
    if (
      request.params.id === request.account?.id &&
      (patch.disabled || (patch.role && patch.role !== "admin"))
    ) {
      throw new HttpError(409, "You cannot disable yourself or take away your own admin role.");
    }
    const account = await updateAccount(ctx.store.db, request.params.id, patch);
    if (!account) throw notFound("No account has this id.");
    return { account };
  });
}
