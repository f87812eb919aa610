import { useEffect, useSyncExternalStore } from "react";

/**
 * A router small enough to read in one sitting: the URL is the state. Paths and query
 * parameters are read from `location`, and `navigate` pushes a new entry so the back
 * button and pasted links land on the same view.
 */

const listeners = new Set<() => void>();

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  window.addEventListener("popstate", listener);
  return () => {
    listeners.delete(listener);
    window.removeEventListener("popstate", listener);
  };
}

const snapshot = () => window.location.pathname + window.location.search;

/** Moves to `to` (path plus optional query), replacing the entry when asked. */
export function navigate(to: string, opts: { replace?: boolean } = {}): void {
  if (to === snapshot()) return;
  if (opts.replace) window.history.replaceState(null, "", to);
  else window.history.pushState(null, "", to);
  for (const l of listeners) l();
}

export interface Location {
  path: string;
  params: URLSearchParams;
}

/** The current location; re-renders the caller whenever it changes. */
export function useLocation(): Location {
  const href = useSyncExternalStore(subscribe, snapshot);
  const [path, search = ""] = href.split("?", 2) as [string, string?];
  return { path, params: new URLSearchParams(search) };
}

/** Matches `/users/:userId`-style patterns; returns decoded parameters or null. */
export function match(pattern: string, path: string): Record<string, string> | null {
  const want = pattern.split("/");
  const got = path.replace(/\/+$/, "").split("/");
  if (want.length !== got.length) return null;
  const out: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    const w = want[i] as string;
    const g = got[i] as string;
    if (w.startsWith(":")) {
      if (!g) return null;
      try {
        out[w.slice(1)] = decodeURIComponent(g);
      } catch {
        return null;
      }
    } else if (w !== g) return null;
  }
  return out;
}

/** Redirects once on mount; for routes that only forward somewhere else. */
export function useRedirect(to: string): void {
  useEffect(() => navigate(to, { replace: true }), [to]);
}

/** Props for an anchor that navigates without a reload but still works as a real link. */
export function linkProps(to: string): {
  href: string;
  onClick: (e: React.MouseEvent<HTMLAnchorElement>) => void;
} {
  return {
    href: to,
    onClick: (e) => {
      if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
      e.preventDefault();
      navigate(to);
    },
  };
}
