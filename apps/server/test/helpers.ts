import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from "fastify";
import { freshDatabase, type TestDatabase } from "../../../packages/store/test/databases.ts";
import { buildServer, type ServerOptions } from "../src/index.ts";

export { DATABASE_KINDS } from "../../../packages/store/test/databases.ts";

export const ADMIN = { email: "admin@example.com", password: "correct horse battery" };
export const INGEST_KEY = "test-ingest-key-0123456789";
export const PUBLIC_KEY = "test-public-key";

export interface TestServer {
  app: FastifyInstance;
  database: TestDatabase;
  /** Logs in and returns a bearer token. */
  login(email?: string, password?: string): Promise<string>;
  /** Sends a request as the given bearer token. */
  as(token: string, options: InjectOptions): Promise<LightMyRequestResponse>;
  ingest(events: unknown[]): Promise<{ statusCode: number; body: Record<string, unknown> }>;
  close(): Promise<void>;
}

/** A real server on a fresh database of the given kind, driven in-process with inject. */
export async function startTestServer(
  kind: "pglite" | "postgres",
  extra: ServerOptions = {},
): Promise<TestServer> {
  const database = await freshDatabase(kind);
  const app = await buildServer({
    ...database.options,
    adminEmail: ADMIN.email,
    adminPassword: ADMIN.password,
    ingestKey: INGEST_KEY,
    publicKey: PUBLIC_KEY,
    loginRateLimit: 1000,
    // Tests send many public-key requests from one address; the flood test sets its own limits.
    ingestRateLimitPerIp: 1_000_000,
    ingestRateLimitPerUser: 1_000_000,
    ...extra,
  });
  const server: TestServer = {
    app,
    database,
    async login(email = ADMIN.email, password = ADMIN.password) {
      const res = await app.inject({ method: "POST", url: "/api/auth/login", payload: { email, password } });
      if (res.statusCode !== 200) throw new Error(`login failed: ${res.statusCode} ${res.body}`);
      return res.json().token as string;
    },
    as(token, options) {
      return app.inject({ ...options, headers: { ...options.headers, authorization: `Bearer ${token}` } });
    },
    async ingest(events) {
      const res = await app.inject({
        method: "POST",
        url: "/api/events",
        headers: { authorization: `Bearer ${INGEST_KEY}` },
        payload: { events },
      });
      return { statusCode: res.statusCode, body: res.json() };
    },
    async close() {
      await app.close();
      await database.drop();
    },
  };
  return server;
}
