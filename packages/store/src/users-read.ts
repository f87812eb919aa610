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
 * trigram to use (3 s over 1M users). Search therefore matches search_words, a stored copy of the
 * user's id, email, name and phone digits with these characters turned into uppercase letters, which
 * cannot be confused with the key's own text (it is all lowercase), so the match stays exact.
 */
const WORD_FROM = " .@-+_";
const WORD_TO = "SDAHPU";
const asWords = (s: string) => s.replace(/[ .@+_-]/g, (c) => WORD_TO[WORD_FROM.indexOf(c)] as string);

/**
 * How many of the newest users the first step reads. A term that matches at least one user in
 * ~200 is found 50 times among them; rarer terms have few matches in all, which the trigram index
 * fetches and sorts cheaply. Either way the cost is bounded, whatever the planner would estimate.
 */
export const NEWEST_WINDOW = 10_000;

/**
 * The seed's findTripwireUser: users whose id, email, name or phone contains `term`,
 * case-insensitive, newest first. A term that looks like part of a phone number is also matched by
 * its digits, so "+7 (701) 123-45-67" is found by "7011234567" and by "123-45".
 *
 * Two steps, because neither plan is cheap for every term: walking users newest-first stops early
 * for a common term ("ann": 1 ms) but reads the whole table for a rare one; the trigram index finds
 * a rare term's few matches at once but must fetch and sort 50,000 rows for "ann". Left to choose,
 * the planner misjudged mid-frequency terms and took seconds (bench/README.md). Both steps run in
 * usertrail_search_users (migration 009), which applies row-level security itself so that the
 * indexes can be used at all.
 */
export async function findUsers(tx: Queryable, term: string, limit = 50): Promise<UserRow[]> {
  const text = `%${likeLiteral(asWords(term.trim().toLowerCase()))}%`;
  const looksLikePhone = /^[\d\s()+\-.]+$/.test(term.trim());
  const digits = looksLikePhone ? phoneDigits(term) : null;
  const byDigits = digits && digits.length >= 3 ? `%${digits}%` : null;
  const search = (newest: number | null) =>
    tx.query<UserRow>(`SELECT ${USER_COLUMNS} FROM usertrail_search_users($1, $2, $3, $4)`, [
      text,
      byDigits,
      limit,
      newest,
    ]);
  const newest = await search(NEWEST_WINDOW);
  // Fewer than `limit` among the newest: the term is rare, so fetching all its matches is cheap.
  return newest.length >= limit ? newest : search(null);
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
