import { useSyncExternalStore } from "react";

/** Locales offered in the header; ru-RU is the seed's default. */
export const LOCALES = ["ru-RU", "en-GB", "en-US", "de-DE", "kk-KZ", "uk-UA"] as const;
const KEY = "usertrail.locale";
const listeners = new Set<() => void>();

function read(): string {
  try {
    const saved = window.localStorage.getItem(KEY);
    if (saved && (LOCALES as readonly string[]).includes(saved)) return saved;
  } catch {
    // Storage can be blocked (private mode); the default still works.
  }
  return "ru-RU";
}

let current = read();

/** Changes the display locale for every date in the panel and remembers it in this browser. */
export function setLocale(locale: string): void {
  current = locale;
  try {
    window.localStorage.setItem(KEY, locale);
  } catch {
    // Not remembered, but applied for this visit.
  }
  for (const l of listeners) l();
}

/** The current display locale; re-renders when it changes. */
export function useLocale(): string {
  return useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    () => current,
  );
}

/** A date and time, with seconds, in the given locale; the raw text if it is not a date. */
export function formatDateTime(iso: string, locale: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toLocaleString(locale, {
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  });
}

/** A date without time, in the given locale. */
export function formatDate(iso: string, locale: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toLocaleDateString(locale, { year: "numeric", month: "2-digit", day: "2-digit" });
}

/** A count with the locale's digit grouping. */
export function formatNumber(n: number, locale: string): string {
  return Number.isFinite(n) ? n.toLocaleString(locale) : "—";
}
