import type { Store } from "@usertrail/store";
import type { IngestKeys } from "./auth/keys.ts";
import type { IngestLimits } from "./routes/ingest-limits.ts";
import type { Worker } from "./worker/worker.ts";

/** What every route needs, handed in once instead of read from globals. */
export interface AppContext {
  store: Store;
  keys: IngestKeys;
  sessionTtlMs: number;
  loginRateLimit: number;
  /** Rate limits of the public ingest routes. */
  ingestLimits: IngestLimits;
  /** Base URL of the panel, for links in mail. */
  publicUrl: string;
  /** The in-process background worker, when this process runs it (not with WORKER=off). */
  worker?: Worker;
}
