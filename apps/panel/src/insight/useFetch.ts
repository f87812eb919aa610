import { useEffect, useState } from "react";
import { ApiError, api, errorText } from "../api.ts";

export type Load<T> =
  | { state: "loading" }
  | { state: "error"; message: string; status: number }
  | { state: "done"; data: T };

/** Loads JSON from `url` (again when `refresh` changes), cancelling the previous request. */
export function useFetch<T>(url: string | null, refresh = 0): Load<T> {
  const [load, setLoad] = useState<Load<T>>({ state: "loading" });
  // biome-ignore lint/correctness/useExhaustiveDependencies: `refresh` is the reload trigger, on purpose.
  useEffect(() => {
    if (!url) return;
    const ctl = new AbortController();
    setLoad((l) => (l.state === "done" ? l : { state: "loading" }));
    api<T>(url, { signal: ctl.signal })
      .then((data) => setLoad({ state: "done", data }))
      .catch((err) => {
        if (!ctl.signal.aborted) {
          setLoad({
            state: "error",
            message: errorText(err),
            status: err instanceof ApiError ? err.status : 0,
          });
        }
      });
    return () => ctl.abort();
  }, [url, refresh]);
  return load;
}

/** Fetches a text answer (the Markdown bug report), with the same session cookie as api(). */
export async function fetchText(path: string): Promise<string> {
  const res = await fetch(path, { credentials: "same-origin", headers: { Accept: "text/markdown" } });
  const text = await res.text();
  if (!res.ok) {
    let said = `The request failed (HTTP ${res.status}).`;
    try {
      said = (JSON.parse(text) as { error?: string }).error ?? said;
    } catch {
      // Not JSON: keep the generic sentence.
    }
    throw new ApiError(said, res.status);
  }
  return text;
}
