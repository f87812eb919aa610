import { z } from "zod";
import { isCalendarDay } from "./calendar.ts";
import {
  CATEGORIES,
  type Category,
  defaultCategory,
  LIMITS,
  SEVERITIES,
  type Severity,
} from "./constants.ts";
import { quickCleanMetadata, quickEventInput } from "./fast-judge.ts";
import { cleanJson, cleanText } from "./sanitize.ts";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const EVENT_TYPE = /^[A-Z][A-Z0-9_]*$/;
/** How far ahead of the server's clock a sender's clock may run before we call the date wrong. */
const FUTURE_SKEW_MS = 24 * 3600 * 1000;

const text = (max: number, what: string) =>
  z.string({ error: `${what} must be text` }).max(max, { error: `${what} is longer than ${max} characters` });

export const userBlockSchema = z.object(
  {
    email: text(LIMITS.emailLength, "user.email").nullish(),
    phone: text(LIMITS.phoneLength, "user.phone").nullish(),
    full_name: text(LIMITS.nameLength, "user.full_name").nullish(),
  },
  { error: "user must be an object with email, phone or full_name" },
);

export const dateSchema = (what: string) =>
  z
    .string({ error: `${what} must be an ISO 8601 date string` })
    .max(64, { error: `${what} is not a date` })
    .refine((s) => !Number.isNaN(Date.parse(s)) && isCalendarDay(s), {
      error: `${what} is not a valid ISO 8601 date (e.g. 2025-12-21T16:00:00Z)`,
    });

export const userIdSchema = z
  .string({ error: "user_id must be text" })
  .min(1, { error: "user_id must not be empty" })
  .max(LIMITS.userIdLength, { error: `user_id is longer than ${LIMITS.userIdLength} characters` });

export const eventSchema = z.object(
  {
    event_id: z.string({ error: "event_id must be a UUID string" }).regex(UUID, {
      error: "event_id is not a UUID (expected like 550e8400-e29b-41d4-a716-446655440000)",
    }),
    user_id: userIdSchema,
    user: userBlockSchema.nullish(),
    event_type: z
      .string({ error: "event_type must be text" })
      .max(LIMITS.eventTypeLength, {
        error: `event_type is longer than ${LIMITS.eventTypeLength} characters`,
      })
      .regex(EVENT_TYPE, { error: "event_type must be UPPER_SNAKE_CASE, like LOGIN or VIDEO_VIEW" }),
    event_category: z.enum(CATEGORIES, { error: `event_category must be one of ${CATEGORIES.join(", ")}` }),
    message: text(LIMITS.messageLength, "message"),
    metadata: z.record(z.string(), z.unknown(), { error: "metadata must be a JSON object" }),
    severity: z.enum(SEVERITIES, { error: `severity must be one of ${SEVERITIES.join(", ")}` }),
    created_at: dateSchema("created_at"),
  },
  { error: "each event must be a JSON object" },
);

export const eventInputSchema = eventSchema.partial({
  event_id: true,
  event_category: true,
  metadata: true,
  severity: true,
  created_at: true,
  user: true,
});
export type EventInput = z.input<typeof eventInputSchema>;

export interface UserBlock {
  email: string | null;
  phone: string | null;
  full_name: string | null;
}

/** An event that passed judgement: every field present, clean and ready to store. */
export interface AcceptedEvent {
  event_id: string;
  user_id: string;
  user: UserBlock | null;
  event_type: string;
  event_category: Category;
  message: string;
  metadata: Record<string, unknown>;
  severity: Severity;
  created_at: Date;
}

export type Judged = { ok: true; event: AcceptedEvent } | { ok: false; error: string };

/** Turns zod's issues into one sentence a person can act on. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => {
      const custom = issue.message;
      const path = issue.path.join(".");
      if (issue.code === "unrecognized_keys") return `unknown field(s): ${issue.keys.join(", ")}`;
      if (custom.startsWith("Invalid input") || custom.startsWith("Invalid option")) {
        return path ? `${path} is not valid` : "the value is not valid";
      }
      return custom;
    })
    .join("; ");
}

function cleanUser(user: z.infer<typeof userBlockSchema> | null | undefined): UserBlock | null {
  if (!user) return null;
  const clean = (v: string | null | undefined) => {
    if (v == null) return null;
    const s = cleanText(v).trim();
    return s.length > 0 ? s : null;
  };
  const block = { email: clean(user.email), phone: clean(user.phone), full_name: clean(user.full_name) };
  return block.email || block.phone || block.full_name ? block : null;
}

/** Cleans metadata and checks its depth and size; most metadata is already clean and small. */
function judgeMetadata(raw: Record<string, unknown>) {
  const quick = quickCleanMetadata(raw);
  if (quick) return { ok: true as const, value: quick };
  const metadata = cleanJson(raw, LIMITS.metadataDepth);
  if (!metadata.ok) return metadata;
  const metadataBytes = Buffer.byteLength(JSON.stringify(metadata.value));
  if (metadataBytes > LIMITS.metadataBytes) {
    return {
      ok: false as const,
      error: `metadata is ${metadataBytes} bytes; the limit is ${LIMITS.metadataBytes}`,
    };
  }
  return { ok: true as const, value: metadata.value as Record<string, unknown> };
}

/**
 * Judges one event on its own, so that a bad event in a batch costs only itself.
 * Fills defaults (id, category, severity, time) and makes text storable.
 */
export function judgeEvent(raw: unknown, now = Date.now()): Judged {
  let input = quickEventInput(raw);
  if (!input) {
    const parsed = eventInputSchema.safeParse(raw);
    if (!parsed.success) return { ok: false, error: describeIssues(parsed.error) };
    input = parsed.data;
  }
  const metadata = judgeMetadata(input.metadata ?? {});
  if (!metadata.ok) return metadata;
  const createdAt = input.created_at ? new Date(input.created_at) : new Date(now);
  if (createdAt.getTime() > now + FUTURE_SKEW_MS) {
    return { ok: false, error: "created_at is more than a day in the future; check the sender's clock" };
  }
  if (createdAt.getUTCFullYear() < 2000) {
    return { ok: false, error: "created_at is before the year 2000; check the sender's clock" };
  }
  const userId = cleanText(input.user_id);
  if (userId.trim().length === 0) return { ok: false, error: "user_id must not be empty" };
  return {
    ok: true,
    event: {
      event_id: (input.event_id ?? crypto.randomUUID()).toLowerCase(),
      user_id: userId,
      user: cleanUser(input.user),
      event_type: input.event_type,
      event_category: input.event_category ?? defaultCategory(input.event_type),
      message: cleanText(input.message),
      metadata: { ...metadata.value },
      severity: input.severity ?? "info",
      created_at: createdAt,
    },
  };
}
