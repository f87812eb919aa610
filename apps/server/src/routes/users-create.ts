import { randomUUID } from "node:crypto";
import { LIMITS } from "@usertrail/core";
import { emailHolder, enqueueJobs, lockEmail } from "@usertrail/store";
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { requireRole } from "../auth/guard.ts";
import type { AppContext } from "../context.ts";
import { HttpError } from "../errors.ts";
import type { CreateUserPayload } from "../worker/user-jobs.ts";
import { parseBody } from "./parse.ts";

// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what is refused
const CONTROL = /[\u0000-\u001f\u007f]/;

const newUser = z.object(
  {
    full_name: z
      .string({ error: "full_name must be text" })
      .max(LIMITS.nameLength, { error: `full_name is longer than ${LIMITS.nameLength} characters` })
      .refine((s) => !CONTROL.test(s), {
        error: "full_name must not contain control characters (NUL bytes, line breaks, tabs)",
      })
      .trim()
      .min(1, { error: "full_name must not be empty" }),
    email: z
      .string({ error: "email must be text" })
      .max(LIMITS.emailLength, { error: `email is longer than ${LIMITS.emailLength} characters` })
      .pipe(z.email({ error: "email is not a valid email address (like anna@example.com)" })),
    phone: z
      .string({ error: "phone must be text" })
      .max(LIMITS.phoneLength, { error: `phone is longer than ${LIMITS.phoneLength} characters` })
      .regex(/^\+?[\d\s().-]*\d[\d\s().-]*$/, {
        error: "phone may hold only digits, spaces, a leading +, dashes, dots and brackets",
      })
      .nullish(),
  },
  { error: "the body must be a JSON object with full_name, email and (optionally) phone" },
);

/**
 * POST /api/tripwire/users: staff create a user. The request only queues the work and answers
 * 202 with the new user's id at once; the worker makes the user, sends the welcome mail and logs
 * USER_CREATED. An email that a user (or a queued creation) already has is a 409.
 */
export async function userCreateRoutes(app: FastifyInstance, ctx: AppContext) {
  app.post(
    "/api/tripwire/users",
    { preHandler: requireRole(ctx, "admin", "sales") },
    async (request, reply) => {
      const input = parseBody(newUser, request.body);
      const account = request.account;
      if (!account) throw new HttpError(401, "Log in first: this needs a staff session.");
      const payload: CreateUserPayload = {
        user_id: randomUUID(),
        full_name: input.full_name,
        email: input.email,
        phone: input.phone?.trim() || null,
        created_by: account.id,
        manager_name: account.name,
      };
      const holder = await ctx.store.db.transaction(async (tx) => {
        // The same lock the worker takes before it creates the user: check and queue are one step.
        await lockEmail(tx, payload.email);
        const taken = await emailHolder(tx, payload.email);
        if (!taken) await enqueueJobs(tx, [{ kind: "user.create", payload }]);
        return taken;
      });
      if (holder && "userId" in holder) {
        throw new HttpError(
          409,
          `A user with the email ${payload.email} already exists (id ${holder.userId}).`,
        );
      }
      if (holder) {
        throw new HttpError(409, `A user with the email ${payload.email} is already being created.`);
      }
      ctx.worker?.wake();
      return reply.code(202).send({ id: payload.user_id });
    },
  );
}
