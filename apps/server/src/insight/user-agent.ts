/**
 * A small user-agent reader: browser and OS family with the major version. Enough for a bug
 * report's "which browsers" table; a full parser (ua-parser-js) would be a dependency with an
 * AGPL licence since v2, for detail the report does not need.
 */
export interface ParsedAgent {
  browser: string;
  os: string;
}

const BROWSERS: [RegExp, string][] = [
  [/\bEdgA?\/(\d+)/, "Edge"],
  [/\bOPR\/(\d+)/, "Opera"],
  [/\bSamsungBrowser\/(\d+)/, "Samsung Internet"],
  [/\bYaBrowser\/(\d+)/, "Yandex Browser"],
  [/\bFirefox\/(\d+)/, "Firefox"],
  [/\bFxiOS\/(\d+)/, "Firefox"],
  [/\bCriOS\/(\d+)/, "Chrome"],
  [/\bChrome\/(\d+)/, "Chrome"],
  [/\bVersion\/(\d+)[\d.]*.*Safari\//, "Safari"],
  [/\bnode(?:\.js)?\/v?(\d+)/i, "Node.js"],
];

const SYSTEMS: [RegExp, (m: RegExpExecArray) => string][] = [
  [/Windows NT 10\.0/, () => "Windows 10/11"],
  [
    /Windows NT 6\.([123])/,
    (m) => ({ "1": "Windows 7", "2": "Windows 8", "3": "Windows 8.1" })[m[1] ?? ""] ?? "Windows",
  ],
  [/Windows/, () => "Windows"],
  [/(?:iPhone|iPad|iPod).*? OS (\d+)/, (m) => `iOS ${m[1]}`],
  [/Android (\d+)/, (m) => `Android ${m[1]}`],
  [/CrOS/, () => "ChromeOS"],
  [/Mac OS X/, () => "macOS"],
  [/Linux/, () => "Linux"],
];

/** Reads browser and OS from a User-Agent header; unknown parts say "Other". */
export function parseUserAgent(ua: string): ParsedAgent {
  const s = ua.slice(0, 1000);
  let browser = "Other";
  for (const [re, name] of BROWSERS) {
    const m = re.exec(s);
    if (m) {
      browser = `${name} ${m[1]}`;
      break;
    }
  }
  let os = "Other";
  for (const [re, name] of SYSTEMS) {
    const m = re.exec(s);
    if (m) {
      os = name(m);
      break;
    }
  }
  return { browser, os };
}

/** Finds a user agent in an event's metadata, wherever the SDKs put it. */
export function userAgentOf(metadata: Record<string, unknown>): string | null {
  for (const key of ["userAgent", "user_agent", "ua"]) {
    const v = metadata[key];
    if (typeof v === "string" && v.length > 0) return v;
  }
  const headers = metadata.headers as Record<string, unknown> | undefined;
  const h = headers && typeof headers === "object" ? headers["user-agent"] : undefined;
  return typeof h === "string" ? h : null;
}
