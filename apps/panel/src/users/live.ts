import { type MutableRefObject, useEffect, useRef, useState } from "react";
import type { LogEntry } from "../api.ts";
import { dayEnd, dayStart, type LogFilters } from "./filters.ts";

export type LiveStatus = "off" | "connecting" | "live" | "reconnecting";

/** Whether a live entry belongs in the list the current filters show (the server sends them all). */
export function entryMatches(e: LogEntry, f: LogFilters): boolean {
  if (f.types.length && !f.types.includes(e.event_type)) return false;
  if (f.severity.length && !f.severity.includes(e.severity)) return false;
  const t = new Date(e.created_at).getTime();
  if (f.from && t < new Date(dayStart(f.from)).getTime()) return false;
  if (f.to && t > new Date(dayEnd(f.to)).getTime()) return false;
  if (f.text && !e.message.toLowerCase().includes(f.text.toLowerCase())) return false;
  return true;
}

/** Newest first, as the server pages them: by time, then by id. */
export function mergeNewest(current: LogEntry[], incoming: LogEntry[]): LogEntry[] {
  const seen = new Set(current.map((e) => String(e.id)));
  const fresh = incoming.filter((e) => !seen.has(String(e.id)));
  if (fresh.length === 0) return current;
  return [...fresh, ...current].sort((a, b) =>
    a.created_at === b.created_at ? Number(b.id) - Number(a.id) : a.created_at < b.created_at ? 1 : -1,
  );
}

/**
 * Keeps a WebSocket to /api/live for one user (or, with userId null, everyone) while `enabled`. The session cookie rides along
 * (same origin). On a drop it reconnects with backoff and asks for everything after the last id
 * it saw (`lastId`, which the caller seeds from the loaded page), so nothing is missed.
 */
export function useLiveLog(
  userId: string | null,
  enabled: boolean,
  lastId: MutableRefObject<number>,
  onEntries: (entries: LogEntry[]) => void,
  onReset: () => void,
): LiveStatus {
  const [status, setStatus] = useState<LiveStatus>("off");
  const handlers = useRef({ onEntries, onReset });
  handlers.current = { onEntries, onReset };

  useEffect(() => {
    if (!enabled || typeof WebSocket === "undefined") return;
    let ws: WebSocket | null = null;
    let stopped = false;
    let attempt = 0;
    let retry: ReturnType<typeof setTimeout> | undefined;
    let batch: LogEntry[] = [];
    let flush: ReturnType<typeof setTimeout> | undefined;

    const connect = () => {
      const scheme = window.location.protocol === "https:" ? "wss" : "ws";
      const params = new URLSearchParams();
      if (userId !== null) params.set("userId", userId);
      if (lastId.current > 0) params.set("after", String(lastId.current));
      const search = params.toString();
      ws = new WebSocket(`${scheme}://${window.location.host}/api/live${search ? `?${search}` : ""}`);
      setStatus(attempt === 0 ? "connecting" : "reconnecting");
      ws.onmessage = (ev) => {
        let m: Record<string, unknown>;
        try {
          m = JSON.parse(String(ev.data));
        } catch {
          return;
        }
        if (m.type === "ready") {
          attempt = 0;
          setStatus("live");
        } else if (m.type === "reset") handlers.current.onReset();
        else if (!m.type && m.id !== undefined) {
          const entry = m as unknown as LogEntry;
          lastId.current = Math.max(lastId.current, Number(entry.id));
          batch.push(entry);
          // A burst becomes one render.
          flush ??= setTimeout(() => {
            flush = undefined;
            const out = batch;
            batch = [];
            handlers.current.onEntries(out);
          }, 50);
        }
      };
      ws.onclose = () => {
        if (stopped) return;
        setStatus("reconnecting");
        retry = setTimeout(connect, Math.min(500 * 2 ** attempt, 15_000));
        attempt++;
      };
    };
    connect();
    return () => {
      stopped = true;
      clearTimeout(retry);
      clearTimeout(flush);
      ws?.close();
      setStatus("off");
    };
  }, [userId, enabled, lastId]);

  return status;
}
