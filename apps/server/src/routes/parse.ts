import { describeIssues } from "@usertrail/core";
import type { z } from "zod";
import { badRequest } from "../errors.ts";

/** Validates a request part with a zod schema, or answers 400 with what is wrong. */
export function parseBody<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw badRequest(describeIssues(parsed.error));
  return parsed.data;
}
