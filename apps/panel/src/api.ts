/**
 * The panel's only door to the server. Same origin, session in the httpOnly `ut_session`
 * cookie (so no token ever sits where a script could read it), and the CSRF header the
 * server asks of every cookie-authenticated write.
 */

export type Role = "admin" | "sales";
export type Severity = "critical" | "error" | "warning" | "info" | "debug";

export interface Me {
  id: string;
  email: string;
  name: string;
  role: Role;
}

export interface TrackedUser {
  id: string;
  full_name: string | null;
  email: string | null;
  phone: string | null;
  created_at: string;
}

export interface LogEntry {
  id: string | number;
  user_id: string;
  event_id: string;
  event_type: string;
  event_category: string;
  message: string;
  metadata: unknown;
  severity: Severity;
  created_at: string;
  /** The error group (issue) this entry belongs to, for errors. */
  issue_id?: string | null;
}

export interface LogPage {
  logs: LogEntry[];
  next_cursor: string | null;
}

export interface UserStats {
  total_events: number;
  errors: number;
  critical: number;
  error_rate: number;
}

export interface Overview {
  range: string;
  /** When the server counted these; on a big install it may be a snapshot some seconds old. */
  computed_at?: string;
  buckets: { t: string; events: number; errors: number }[];
  totals: { events: number; errors: number; users: number };
  top_errors: { message: string; event_type: string; count: number; users: number }[];
  top_users: { id: string; full_name: string | null; email: string | null; errors: number }[];
  latest_critical: (LogEntry & { full_name: string | null; email: string | null })[];
  health: {
    id: string | number;
    source: string;
    message: string;
    severity: Severity;
    metadata: unknown;
    created_at: string;
  }[];
}

export interface StaffMember {
  id: string;
  email: string;
  name: string;
  role: Role;
  disabled: boolean;
  created_at: string;
}

/** An API failure carrying the server's own sentence, so the UI can show it in words. */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

/** Called when any request answers 401, so the shell can return to the login page. */
let onUnauthorized: (() => void) | null = null;

/** Registers what to do when the session has ended (expired, logged out elsewhere, disabled). */
export function setUnauthorizedHandler(handler: (() => void) | null): void {
  onUnauthorized = handler;
}

function fallbackMessage(status: number): string {
  if (status === 401) return "Your session has ended. Please log in again.";
  if (status === 403) return "Your account is not allowed to do this.";
  if (status === 404) return "Not found.";
  if (status === 429) return "Too many requests. Wait a moment and try again.";
  if (status >= 500)
    return `The server failed (HTTP ${status}). Try again; if it persists, check the server log.`;
  return `The request failed (HTTP ${status}).`;
}

/** Performs one API call and returns the parsed JSON body, or throws an ApiError in words. */
export async function api<T>(
  path: string,
  init: { method?: string; body?: unknown; signal?: AbortSignal; quiet401?: boolean } = {},
): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, {
      method: init.method ?? "GET",
      credentials: "same-origin",
      signal: init.signal,
      headers: {
        Accept: "application/json",
        "X-Usertrail-Csrf": "1",
        ...(init.body === undefined ? {} : { "Content-Type": "application/json" }),
      },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
  } catch (err) {
    if (err instanceof DOMException && err.name === "AbortError") throw err;
    throw new ApiError("Cannot reach the server. Check your connection and that the server is running.", 0);
  }
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  let body: unknown = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = null;
  }
  if (!res.ok) {
    const said =
      body && typeof body === "object" && typeof (body as { error?: unknown }).error === "string"
        ? (body as { error: string }).error
        : fallbackMessage(res.status);
    if (res.status === 401 && !init.quiet401) onUnauthorized?.();
    throw new ApiError(said, res.status);
  }
  return body as T;
}

/** Builds a query string, leaving out empty values. */
export function query(params: Record<string, string | number | undefined | null>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== null && v !== "") q.set(k, String(v));
  }
  const s = q.toString();
  return s ? `?${s}` : "";
}

/** Human text for any thrown value, for error boxes. */
export function errorText(err: unknown): string {
  if (err instanceof ApiError) return err.message;
  if (err instanceof Error) return err.message;
  return "Something went wrong.";
}
