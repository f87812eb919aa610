import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { type Database, setSettingOnce } from "@usertrail/store";

export interface IngestKeys {
  ingestKey: string;
  publicKey: string;
  /** Keys generated on this start, to print once. */
  generated: string[];
}

/** Uses the configured keys, or those stored at an earlier start, or makes and stores new ones. */
export async function resolveKeys(db: Database, configured: { ingestKey?: string; publicKey?: string }) {
  const generated: string[] = [];
  const resolve = async (name: string, value: string | undefined, prefix: string) => {
    if (value) return value;
    const fresh = `${prefix}_${randomBytes(24).toString("base64url")}`;
    const stored = await setSettingOnce(db, name, fresh);
    if (stored === fresh) generated.push(name);
    return stored;
  };
  const ingestKey = await resolve("INGEST_KEY", configured.ingestKey, "ut_ingest");
  const publicKey = await resolve("PUBLIC_KEY", configured.publicKey, "ut_pub");
  return { ingestKey, publicKey, generated } satisfies IngestKeys;
}

const sha256 = (s: string) => createHash("sha256").update(s).digest();

/** Digests of the configured keys (a handful per process), so each check hashes only what was given. */
const expectedDigests = new Map<string, Buffer>();

/** Compares secrets in constant time (hashing first, so lengths do not leak either). */
export function sameSecret(given: string | undefined, expected: string): boolean {
  if (!given) return false;
  let b = expectedDigests.get(expected);
  if (!b) {
    b = sha256(expected);
    if (expectedDigests.size < 64) expectedDigests.set(expected, b);
  }
  return timingSafeEqual(sha256(given), b);
}
