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
 * pg_trgm splits words at spaces and punctuation, so a term like "v.k" or "a@g" gives its index no
 * trigram to use (3 s over 1M users). Search therefore matches a copy of search_key with these
 * characters turned into uppercase letters, which cannot be confused with the key's own text (it is
 * all lowercase), so the match stays exact. Migration 006 indexes this very expression.
 */
const WORD_FROM = " .@-+_";
const WORD_TO = "SDAHPU";
const SEARCH_WORDS = `translate(search_key, '${WORD_FROM}', '${WORD_TO}')`;
const asWords = (s: string) => s.replace(/[ .@+_-]/g, (c) => WORD_TO[WORD_FROM.indexOf(c)] as string);

/**
 * The seed's findTripwireUser: users whose id, email, name or phone contains `term`,
 * case-insensitive, newest first. A term that looks like part of a phone number is also matched by
 * its digits, so "+7 (701) 123-45-67" is found by "7011234567" and by "123-45".
 */
export async function findUsers(tx: Queryable, term: string, limit = 50): Promise<UserRow[]> {
  const text = `%${likeLiteral(asWords(term.trim().toLowerCase()))}%`;
  const looksLikePhone = /^[\d\s()+\-.]+$/.test(term.trim());
  const digits = looksLikePhone ? phoneDigits(term) : null;
  const byDigits = digits && digits.length >= 3 ? `%${digits}%` : null;
  return tx.query<UserRow>(
    `SELECT ${USER_COLUMNS} FROM users
      WHERE ${SEARCH_WORDS} LIKE $1 OR ($2::text IS NOT NULL AND ${SEARCH_WORDS} LIKE $2)
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
