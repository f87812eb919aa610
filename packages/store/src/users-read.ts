import { phoneDigits } from "@usertrail/core";
import type { Queryable } from "./db.ts";

export interface UserRow {
  id: string;
  full_name: string | null;
  email: string | null;
  phone: string | null;
  created_at: Date;
}

const USER_COLUMNS = "id, full_name, email, phone, created_at";

/** Escapes LIKE's wildcards so a search term is matched literally. */
export function likeLiteral(term: string): string {
  return term.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/**
 * The seed's findTripwireUser: users whose id, email, name or phone contains `term`,
 * case-insensitive. A term that looks like part of a phone number is also matched by its digits,
 * so "+7 (701) 123-45-67" is found by "7011234567" and by "123-45".
 */
export async function findUsers(tx: Queryable, term: string, limit = 50): Promise<UserRow[]> {
  const text = `%${likeLiteral(term.trim().toLowerCase())}%`;
  const looksLikePhone = /^[\d\s()+\-.]+$/.test(term.trim());
  const digits = looksLikePhone ? phoneDigits(term) : null;
  const byDigits = digits && digits.length >= 3 ? `%${digits}%` : null;
  return tx.query<UserRow>(
    `SELECT ${USER_COLUMNS} FROM users
      WHERE search_key LIKE $1 OR ($2::text IS NOT NULL AND search_key LIKE $2)
      ORDER BY created_at DESC, id LIMIT $3`,
    [text, byDigits, limit],
  );
}

export async function getUser(tx: Queryable, id: string): Promise<UserRow | null> {
  const rows = await tx.query<UserRow>(`SELECT ${USER_COLUMNS} FROM users WHERE id = $1`, [id]);
  return rows[0] ?? null;
}

export async function findUserIdByEmail(tx: Queryable, email: string): Promise<string | null> {
  const rows = await tx.query<{ id: string }>(
    "SELECT id FROM users WHERE lower(email) = lower($1) ORDER BY created_at LIMIT 1",
    [email],
  );
  return rows[0]?.id ?? null;
}
