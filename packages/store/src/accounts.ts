import { createHash, randomBytes } from "node:crypto";
import type { Queryable } from "./db.ts";

export type AccountRole = "admin" | "sales" | "student";

export interface Account {
  id: string;
  email: string;
  name: string;
  role: AccountRole;
  disabled: boolean;
  created_at: Date;
}

const ACCOUNT_COLUMNS = "id::text AS id, email, name, role, disabled, created_at";

export async function createAccount(
  tx: Queryable,
  input: { email: string; name: string; role: AccountRole; passwordHash: string },
): Promise<Account | null> {
  const rows = await tx.query<Account>(
    `INSERT INTO accounts (email, name, role, password_hash) VALUES ($1, $2, $3, $4)
     ON CONFLICT (lower(email)) DO NOTHING RETURNING ${ACCOUNT_COLUMNS}`,
    [input.email, input.name, input.role, input.passwordHash],
  );
  return rows[0] ?? null;
}

export async function findAccountForLogin(
  tx: Queryable,
  email: string,
): Promise<(Account & { password_hash: string }) | null> {
  const rows = await tx.query<Account & { password_hash: string }>(
    `SELECT ${ACCOUNT_COLUMNS}, password_hash FROM accounts WHERE lower(email) = lower($1)`,
    [email],
  );
  return rows[0] ?? null;
}

export function listAccounts(tx: Queryable): Promise<Account[]> {
  return tx.query<Account>(`SELECT ${ACCOUNT_COLUMNS} FROM accounts ORDER BY created_at`);
}

export async function updateAccount(
  tx: Queryable,
  id: string,
  patch: { disabled?: boolean; role?: AccountRole },
): Promise<Account | null> {
  const rows = await tx.query<Account>(
    `UPDATE accounts SET disabled = coalesce($2, disabled), role = coalesce($3, role)
      WHERE id::text = $1 RETURNING ${ACCOUNT_COLUMNS}`,
    [id, patch.disabled ?? null, patch.role ?? null],
  );
  // Disabling an account ends its sessions at once, not when they expire.
  if (rows[0]?.disabled) await tx.query("DELETE FROM sessions WHERE account_id::text = $1", [id]);
  return rows[0] ?? null;
}

const hashToken = (token: string) => createHash("sha256").update(token).digest("hex");

/** Starts a session; the token is returned once and only its hash is stored. */
export async function createSession(tx: Queryable, accountId: string, ttlMs: number): Promise<string> {
  const token = randomBytes(32).toString("base64url");
  await tx.query("INSERT INTO sessions (token_hash, account_id, expires_at) VALUES ($1, $2, $3)", [
    hashToken(token),
    accountId,
    new Date(Date.now() + ttlMs),
  ]);
  return token;
}

/** The live, enabled account behind a token, or null for an unknown, expired or disabled one. */
export async function accountForToken(tx: Queryable, token: string): Promise<Account | null> {
  const rows = await tx.query<Account>(
    `SELECT a.id::text AS id, a.email, a.name, a.role, a.disabled, a.created_at
       FROM sessions s JOIN accounts a ON a.id = s.account_id
      WHERE s.token_hash = $1 AND s.expires_at > now() AND NOT a.disabled`,
    [hashToken(token)],
  );
  return rows[0] ?? null;
}

export async function deleteSession(tx: Queryable, token: string): Promise<void> {
  await tx.query("DELETE FROM sessions WHERE token_hash = $1", [hashToken(token)]);
}
