/** Event types the product knows by name; any other UPPER_SNAKE name is accepted as custom. */
export const KNOWN_EVENT_TYPES = [
  "USER_CREATED",
  "CLIENT_ERROR",
  "API_ERROR",
  "LOGIN",
  "LOGOUT",
  "VIDEO_VIEW",
  "HOMEWORK_SUBMIT",
  "LESSON_COMPLETE",
] as const;

export const SEVERITIES = ["critical", "error", "warning", "info", "debug"] as const;
export type Severity = (typeof SEVERITIES)[number];

export const CATEGORIES = ["error", "auth", "content", "activity"] as const;
export type Category = (typeof CATEGORIES)[number];

export const STAFF_ROLES = ["admin", "sales"] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];

/** Limits that keep one event from costing the server more than its share. */
export const LIMITS = {
  userIdLength: 128,
  eventTypeLength: 64,
  messageLength: 10_000,
  metadataBytes: 64 * 1024,
  metadataDepth: 20,
  batchSize: 1000,
  emailLength: 320,
  phoneLength: 40,
  nameLength: 200,
} as const;

/** The category an event type falls in when the sender does not say. */
export function defaultCategory(eventType: string): Category {
  if (eventType.endsWith("_ERROR")) return "error";
  if (eventType === "LOGIN" || eventType === "LOGOUT") return "auth";
  if (eventType === "VIDEO_VIEW" || eventType === "LESSON_COMPLETE" || eventType === "HOMEWORK_SUBMIT")
    return "content";
  return "activity";
}
