/** Browser and OS named from a User-Agent, as Sentry's server derives them when the SDK does not. */
export interface UaSummary {
  browser?: { name: string; version?: string };
  os?: { name: string; version?: string };
}

const BROWSERS: Array<[string, RegExp]> = [
  ["Edge", /\bEdg(?:e|A|iOS)?\/([\d.]+)/],
  ["Opera", /\bOPR\/([\d.]+)/],
  ["Samsung Internet", /\bSamsungBrowser\/([\d.]+)/],
  ["Firefox", /\b(?:Firefox|FxiOS)\/([\d.]+)/],
  ["Chrome", /\b(?:HeadlessChrome|Chrome|CriOS|Chromium)\/([\d.]+)/],
  ["Safari", /\bVersion\/([\d.]+).*\bSafari\//],
];

const SYSTEMS: Array<[string, RegExp]> = [
  ["Windows", /\bWindows NT ([\d.]+)/],
  ["iOS", /\b(?:iPhone|CPU) OS ([\d_]+)/],
  ["Android", /\bAndroid ([\d.]+)/],
  ["Chrome OS", /\bCrOS \S+ ([\d.]+)/],
  ["macOS", /\bMac OS X ([\d_.]+)/],
  ["Linux", /\bLinux\b()/],
];

/** Names the browser and OS in a User-Agent string; unknown parts are left out. */
export function parseUserAgent(ua: string): UaSummary {
  const text = ua.slice(0, 1024);
  const out: UaSummary = {};
  for (const [name, re] of BROWSERS) {
    const m = re.exec(text);
    if (m) {
      out.browser = m[1] ? { name, version: m[1] } : { name };
      break;
    }
  }
  for (const [name, re] of SYSTEMS) {
    const m = re.exec(text);
    if (m) {
      out.os = m[1] ? { name, version: m[1].replaceAll("_", ".") } : { name };
      break;
    }
  }
  return out;
}
