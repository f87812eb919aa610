/** One thing the user or the page did shortly before an error. */
export interface Crumb {
  t: string;
  type: "click" | "navigation" | "request" | "console";
  message: string;
}

/** A failed request, reported so the SDK can log it as an error. */
export interface FailedRequest {
  method: string;
  url: string;
  status: number;
  stack?: string;
}

const text = (s: unknown, n = 200) => String(s).slice(0, n);

/** The stack of whoever called fetch/XHR: an Error's stack made in the wrapper, minus its "Error" line and the wrapper's frame. */
const callerStack = (e: Error) =>
  String(e.stack)
    .split("\n")
    .filter((l) => l !== "Error")
    .slice(1)
    .join("\n");

/** A short, readable name for a clicked element: tag#id.class "label". */
function describe(el: Element): string {
  const label = el.textContent || el.getAttribute("aria-label") || "";
  const cls =
    typeof el.className === "string" && el.className ? `.${el.className.trim().split(/\s+/).join(".")}` : "";
  return `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ""}${cls}${label ? ` "${text(label.trim(), 60)}"` : ""}`;
}

/**
 * Watches clicks, navigation, failed fetch/XHR and console.error, keeping the last `max` as
 * breadcrumbs. Requests to `ownUrl` (the SDK's own) are ignored. Wrappers call through to the
 * originals first and never throw into the page.
 */
export function watch(max: number, ownUrl: string, onFailed: (r: FailedRequest) => void): () => Crumb[] {
  const crumbs: Crumb[] = [];
  const add = (type: Crumb["type"], message: string) => {
    crumbs.push({ t: new Date().toISOString(), type, message: text(message, 300) });
    if (crumbs.length > max) crumbs.shift();
  };
  const failed = (method: string, url: string, status: number, stack?: string) => {
    if (url.startsWith(ownUrl)) return;
    add("request", `${method} ${url} ${status || "failed"}`);
    // 4xx answers are the server's to log (API_ERROR); the browser reports what the server cannot see.
    if (status === 0 || status >= 500) onFailed({ method, url, status, stack });
  };

  addEventListener(
    "click",
    (e) => {
      try {
        if (e.target instanceof Element) add("click", describe(e.target));
      } catch {}
    },
    true,
  );

  let href = location.href;
  const navigated = () => {
    if (location.href !== href) add("navigation", `${href} -> ${location.href}`);
    href = location.href;
  };
  for (const name of ["pushState", "replaceState"] as const) {
    const orig = history[name];
    history[name] = function (this: History, ...args: Parameters<History["pushState"]>) {
      const r = orig.apply(this, args);
      try {
        navigated();
      } catch {}
      return r;
    };
  }
  addEventListener("popstate", navigated);
  addEventListener("hashchange", navigated);

  const origFetch = window.fetch;
  if (origFetch) {
    window.fetch = function (this: unknown, input: RequestInfo | URL, init?: RequestInit) {
      let method = "GET";
      let url = "";
      let stack: string | undefined;
      try {
        method = (init?.method || (input instanceof Request ? input.method : "GET")).toUpperCase();
        url = input instanceof Request ? input.url : String(input);
        stack = callerStack(new Error());
      } catch {}
      return origFetch.call(this, input, init).then(
        (res) => {
          try {
            if (!res.ok) failed(method, url, res.status, stack);
          } catch {}
          return res;
        },
        (err) => {
          try {
            // The app cancelled it on purpose: not a failure worth a report.
            if (err?.name !== "AbortError") failed(method, url, 0, stack);
          } catch {}
          throw err;
        },
      );
    } as typeof fetch;
  }

  const xhr = XMLHttpRequest.prototype;
  const { open, send } = xhr;
  type Tagged = XMLHttpRequest & { _ut?: [string, string] };
  xhr.open = function (this: Tagged, method: string, url: string | URL, ...rest: unknown[]) {
    this._ut = [String(method).toUpperCase(), String(url)];
    return (open as (...a: unknown[]) => void).call(this, method, url, ...rest);
  } as typeof xhr.open;
  xhr.send = function (this: Tagged, body?: Document | XMLHttpRequestBodyInit | null) {
    const stack = callerStack(new Error());
    let aborted = false;
    this.addEventListener("abort", () => {
      aborted = true;
    });
    this.addEventListener("loadend", () => {
      try {
        const [method, url] = this._ut ?? ["GET", ""];
        if (!aborted && (this.status === 0 || this.status >= 400)) failed(method, url, this.status, stack);
      } catch {}
    });
    return send.call(this, body);
  };

  const origError = console.error;
  console.error = function (...args: unknown[]) {
    try {
      add("console", args.map((a) => (a instanceof Error ? a.message : text(a))).join(" "));
    } catch {}
    return origError.apply(this, args);
  };

  return () => crumbs.slice();
}
