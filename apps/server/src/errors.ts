/** An error whose message is safe to show the caller, with the HTTP status it means. */
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
  /** Whether the caller got something wrong (4xx) rather than the server failing (5xx). */
  get isCallerFault(): boolean {
    return this.statusCode < 500;
  }
}

export const badRequest = (message: string) => new HttpError(400, message);
export const unauthorized = (message = "Log in first: this needs a staff session.") =>
  new HttpError(401, message);
export const forbidden = (message = "Your account may not do this.") => new HttpError(403, message);
export const notFound = (message: string) => new HttpError(404, message);

/** Errors from the database that mean "it is unreachable right now", which a retry can fix. */
export { isDatabaseUnavailable } from "@usertrail/store";
