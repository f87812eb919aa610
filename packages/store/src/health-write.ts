import type { Queryable } from "./db.ts";

export interface HealthEntry {
  source: string;
  message: string;
  severity: string;
  metadata: Record<string, unknown>;
  user_id: string | null;
}

/** Records an error not tied to one user (the seed's system_health_logs). */
export async function insertHealthLog(tx: Queryable, entry: HealthEntry): Promise<number> {
  const rows = await tx.query<{ id: number }>(
    `INSERT INTO system_health_logs (source, message, severity, metadata, user_id)
     VALUES ($1, $2, $3, $4::jsonb, $5) RETURNING id`,
    [entry.source, entry.message, entry.severity, JSON.stringify(entry.metadata), entry.user_id],
  );
  return rows[0]?.id ?? 0;
}
