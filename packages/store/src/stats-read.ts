import type { Queryable } from "./db.ts";

export interface UserStats {
  total_events: number;
  errors: number;
  critical: number;
  /** Errors (error or critical) as a percentage of all events, two decimals. */
  error_rate: number;
}

/** The seed's getUserActivityStats, read from counters kept at ingest: one row, any user size. */
export async function getUserActivityStats(tx: Queryable, userId: string): Promise<UserStats> {
  const rows = await tx.query<{ total_events: number; errors: number; critical: number }>(
    "SELECT total_events, errors, critical FROM user_stats WHERE user_id = $1",
    [userId],
  );
  const row = rows[0] ?? { total_events: 0, errors: 0, critical: 0 };
  const rate = row.total_events > 0 ? (row.errors * 100) / row.total_events : 0;
  return { ...row, error_rate: Math.round(rate * 100) / 100 };
}
