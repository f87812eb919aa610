/**
 * Copies of @usertrail/core's lists. Importing the core package would pull zod (its schemas are
 * built at module load, so the bundler cannot drop them) into the browser for three arrays;
 * constants.test.ts keeps these in step with the core.
 */
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

export const CATEGORIES = ["error", "auth", "content", "activity"] as const;
