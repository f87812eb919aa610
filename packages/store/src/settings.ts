import type { Queryable } from "./db.ts";

export async function getSetting(tx: Queryable, key: string): Promise<string | null> {
  const rows = await tx.query<{ value: string }>("SELECT value FROM settings WHERE key = $1", [key]);
  return rows[0]?.value ?? null;
}

/** Stores `value` unless the key is already set; returns what is stored (first writer wins). */
export async function setSettingOnce(tx: Queryable, key: string, value: string): Promise<string> {
  await tx.query("INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING", [
    key,
    value,
  ]);
  return (await getSetting(tx, key)) ?? value;
}
