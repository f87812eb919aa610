/**
 * Realistic demo students and their last week: logins, videos, homework, lessons, browser errors
 * with stacks, failed API calls and a few critical incidents. Deterministic for a seed, so event
 * ids repeat and loading the same demo twice stores nothing new.
 */

import { createHash } from "node:crypto";

export interface DemoEvent {
  event_id: string;
  user_id: string;
  user?: { email: string; phone: string; full_name: string };
  event_type: string;
  event_category?: string;
  message: string;
  metadata: Record<string, unknown>;
  severity: "critical" | "error" | "warning" | "info" | "debug";
  created_at: string;
}

export interface DemoHealth {
  source: string;
  message: string;
  severity: "critical" | "error" | "warning" | "info";
  metadata: Record<string, unknown>;
  created_at: string;
}

/** A small seeded generator (mulberry32): same seed, same students. */
function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1));
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
  const chance = (p: number) => next() < p;
  const uuid = () => {
    const hex = Array.from({ length: 32 }, () => Math.floor(next() * 16).toString(16));
    hex[12] = "4";
    hex[16] = ((Number.parseInt(hex[16] as string, 16) & 0x3) | 0x8).toString(16);
    const h = hex.join("");
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  };
  return { next, int, pick, chance, uuid };
}

const FEMALE = [
  "Aigerim",
  "Aruzhan",
  "Dana",
  "Madina",
  "Asel",
  "Kamila",
  "Zarina",
  "Aliya",
  "Anna",
  "Elena",
  "Olga",
  "Diana",
  "Togzhan",
  "Inkar",
  "Saule",
  "Ainur",
  "Moldir",
  "Karina",
];
const MALE = [
  "Daniyar",
  "Nurlan",
  "Yerlan",
  "Timur",
  "Arman",
  "Sanzhar",
  "Alikhan",
  "Ruslan",
  "Dmitry",
  "Sergey",
  "Maxim",
  "Bekzat",
  "Askar",
  "Miras",
  "Yerzhan",
  "Ilyas",
  "Azamat",
  "Nikita",
];
/** Surnames as [his, hers]; Kazakh and Russian surnames change with gender, Korean ones do not. */
const LAST: [string, string][] = [
  ["Akhmetov", "Akhmetova"],
  ["Seitkali", "Seitkali"],
  ["Nurpeisov", "Nurpeisova"],
  ["Zhakupov", "Zhakupova"],
  ["Omarov", "Omarova"],
  ["Ivanov", "Ivanova"],
  ["Petrov", "Petrova"],
  ["Kim", "Kim"],
  ["Tulegenov", "Tulegenova"],
  ["Abenov", "Abenova"],
  ["Sadykov", "Sadykova"],
  ["Bekov", "Bekova"],
  ["Kuznetsov", "Kuznetsova"],
  ["Mukhamedzhan", "Mukhamedzhan"],
  ["Serikbayev", "Serikbayeva"],
  ["Ismailov", "Ismailova"],
  ["Smagulov", "Smagulova"],
  ["Baimukhanov", "Baimukhanova"],
  ["Orlov", "Orlova"],
  ["Kassymov", "Kassymova"],
  ["Yessenov", "Yessenova"],
  ["Li", "Li"],
  ["Dzhaksybekov", "Dzhaksybekova"],
  ["Kairatov", "Kairatova"],
];
const DOMAINS = ["gmail.com", "mail.ru", "yandex.kz", "inbox.kz", "outlook.com", "icloud.com"];
const OPERATORS = ["701", "702", "705", "707", "708", "747", "771", "775", "777", "778"];
const COURSES = [
  {
    name: "Python for Beginners",
    lessons: ["Variables", "Conditions", "Loops", "Functions", "Lists", "Dictionaries", "Files", "Classes"],
  },
  {
    name: "Digital Marketing",
    lessons: ["Audiences", "Funnels", "Targeting", "Content plan", "Analytics", "Email campaigns"],
  },
  {
    name: "UX/UI Design",
    lessons: ["Research", "Wireframes", "Figma basics", "Design systems", "Prototyping", "Usability tests"],
  },
  {
    name: "English B1",
    lessons: [
      "Present Perfect",
      "Phrasal verbs",
      "Listening 1",
      "Conditionals",
      "Speaking club",
      "Essay writing",
    ],
  },
];
const AGENTS = [
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36",
  "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
  "Mozilla/5.0 (Linux; Android 14; SM-A546E) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Mobile Safari/537.36",
  "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15",
];
const CLIENT_ERRORS = [
  {
    message: "TypeError: Cannot read properties of undefined (reading 'duration')",
    file: "VideoPlayer",
    fn: "onTimeUpdate",
    severity: "error",
  },
  {
    message: "ChunkLoadError: Loading chunk 417 failed. (timeout: /assets/HomeworkEditor-8f2c.js)",
    file: "webpack-runtime",
    fn: "requireEnsure",
    severity: "error",
  },
  { message: "TypeError: Failed to fetch", file: "api-client", fn: "request", severity: "error" },
  {
    message: "ResizeObserver loop completed with undelivered notifications.",
    file: "layout",
    fn: "observe",
    severity: "warning",
  },
  {
    message: "Uncaught RangeError: Maximum call stack size exceeded",
    file: "QuizTimer",
    fn: "tick",
    severity: "error",
  },
  {
    message: "NotAllowedError: play() failed because the user didn't interact with the document first.",
    file: "VideoPlayer",
    fn: "autoplay",
    severity: "warning",
  },
  {
    message: "SecurityError: Failed to read the 'localStorage' property from 'Window': Access is denied",
    file: "storage",
    fn: "load",
    severity: "error",
  },
] as const;
const API_ERRORS = [
  {
    method: "POST",
    path: "/api/homework/submit",
    status: 500,
    text: "Internal Server Error",
    severity: "error",
  },
  { method: "GET", path: "/api/lessons/:id", status: 404, text: "Lesson not found", severity: "warning" },
  { method: "POST", path: "/api/quiz/answer", status: 422, text: "Answer is empty", severity: "warning" },
  {
    method: "GET",
    path: "/api/video/:id/stream",
    status: 503,
    text: "Service Unavailable",
    severity: "error",
  },
  {
    method: "POST",
    path: "/api/auth/refresh",
    status: 401,
    text: "Refresh token expired",
    severity: "warning",
  },
  {
    method: "POST",
    path: "/api/homework/upload",
    status: 413,
    text: "File larger than 20 MB",
    severity: "error",
  },
] as const;
const CRITICAL = [
  {
    type: "PAYMENT_ERROR",
    message: "Payment confirmation failed: provider timeout after 30 s",
    meta: { provider: "kaspi", amount_kzt: 89000 },
  },
  {
    type: "API_ERROR",
    message: "POST /api/payments/confirm → 502 Bad Gateway",
    meta: { method: "POST", statusCode: 502 },
  },
  {
    type: "CLIENT_ERROR",
    message: "Course page crashed: Minified React error #310",
    meta: { component: "CoursePage" },
  },
  {
    type: "API_ERROR",
    message: "GET /api/certificates/:id → 500: certificate template missing",
    meta: { method: "GET", statusCode: 500 },
  },
] as const;

const HOUR = 3_600_000;

/** A bundler's content hash: one per file for the whole release, 8 characters as Vite makes them. */
const bundleHash = (file: string) => createHash("sha1").update(file).digest("hex").slice(0, 8);

function stack(r: ReturnType<typeof rng>, file: string, fn: string): string {
  const line = () => `${r.int(10, 900)}:${r.int(2, 80)}`;
  return [
    `    at ${fn} (https://learn.example.kz/assets/${file}-${bundleHash(file)}.js:${line()})`,
    `    at ${r.pick(["HTMLVideoElement.<anonymous>", "commitHookEffectListMount", "flushPassiveEffects", "Object.next"])} (https://learn.example.kz/assets/vendor-react.js:${line()})`,
    `    at ${r.pick(["invokeGuardedCallback", "performSyncWorkOnRoot", "processTicksAndRejections", "runTask"])} (https://learn.example.kz/assets/vendor-react.js:${line()})`,
  ].join("\n");
}

/** Students, their events and some system health entries, ending at `now`, spread over 7 days. */
export function demoData(options: { students?: number; seed?: number; now?: number } = {}) {
  const count = options.students ?? 300;
  const now = options.now ?? Date.now();
  const r = rng(options.seed ?? 20251221);
  const events: DemoEvent[] = [];
  const health: DemoHealth[] = [];
  const taken = new Set<string>();

  for (let i = 0; i < count; i++) {
    const female = r.chance(0.5);
    const first = r.pick(female ? FEMALE : MALE);
    const last = r.pick(LAST)[female ? 1 : 0];
    let local = `${first}.${last}`.toLowerCase();
    while (taken.has(local)) local = `${first}.${last}${r.int(1, 99)}`.toLowerCase();
    taken.add(local);
    const d = String(r.int(0, 9_999_999)).padStart(7, "0");
    const user = {
      email: `${local}@${r.pick(DOMAINS)}`,
      phone: `+7 (${r.pick(OPERATORS)}) ${d.slice(0, 3)}-${d.slice(3, 5)}-${d.slice(5)}`,
      full_name: `${first} ${last}`,
    };
    const userId = r.uuid();
    // Most students are fine; some struggle; a few have a broken device or plan.
    const persona = r.next();
    const errorRate = persona < 0.7 ? 0.03 : persona < 0.9 ? 0.15 : 0.35;
    const course = r.pick(COURSES);
    const agent = r.pick(AGENTS);
    const joined = now - r.next() * 7 * 24 * HOUR;
    const sessions = r.int(1, 10);
    let lesson = 0;
    let firstEvent = true;
    const push = (e: Omit<DemoEvent, "event_id" | "user_id">) => {
      events.push({ event_id: r.uuid(), user_id: userId, ...(firstEvent ? { user } : {}), ...e });
      firstEvent = false;
    };
    for (let s = 0; s < sessions; s++) {
      let t = joined + (s / sessions) * (now - joined) + r.next() * HOUR;
      if (t > now - 60_000) break;
      // Each step of a session happens half a minute to a quarter hour after the one before.
      const at = () => {
        t += r.int(30, 900) * 1000;
        return new Date(Math.min(t, now)).toISOString();
      };
      const ip = `${r.pick(["2.132", "37.99", "95.56", "178.89"])}.${r.int(1, 254)}.${r.int(1, 254)}`;
      push({
        event_type: "LOGIN",
        message: "Logged in",
        metadata: { method: r.pick(["password", "password", "google", "magic_link"]), ip, userAgent: agent },
        severity: "info",
        created_at: at(),
      });
      const steps = r.int(1, 6);
      for (let k = 0; k < steps; k++) {
        const title = course.lessons[lesson % course.lessons.length] as string;
        const lessonNo = (lesson % course.lessons.length) + 1;
        const roll = r.next();
        if (r.chance(errorRate)) {
          if (r.chance(0.55)) {
            const e = r.pick(CLIENT_ERRORS);
            push({
              event_type: "CLIENT_ERROR",
              message: e.message,
              severity: e.severity,
              created_at: at(),
              metadata: {
                stack: `${e.message}\n${stack(r, e.file, e.fn)}`,
                url: `https://learn.example.kz/courses/${course.name.toLowerCase().replaceAll(/\W+/g, "-")}/lessons/${lessonNo}`,
                userAgent: agent,
                context: { lesson: lessonNo, component: e.file },
                userEmail: user.email,
              },
            });
          } else {
            const e = r.pick(API_ERRORS);
            const path = e.path.replace(":id", String(r.int(10, 400)));
            push({
              event_type: "API_ERROR",
              message: `${e.method} ${path} → ${e.status} ${e.text}`,
              severity: e.severity,
              created_at: at(),
              metadata: {
                method: e.method,
                url: path,
                statusCode: e.status,
                response: { error: e.text },
                duration_ms: r.int(40, 30_000),
                userAgent: agent,
                ip,
              },
            });
          }
        } else if (roll < 0.5) {
          const duration = r.int(6, 40) * 60;
          const watched = Math.min(duration, r.int(60, duration + 300));
          push({
            event_type: "VIDEO_VIEW",
            message: `Watched “${title}” (${Math.round((watched / duration) * 100)}%)`,
            severity: "info",
            created_at: at(),
            metadata: {
              course: course.name,
              lesson: lessonNo,
              video_id: `vid_${lessonNo}_${r.int(100, 999)}`,
              watched_seconds: watched,
              duration_seconds: duration,
              quality: r.pick(["720p", "1080p", "480p", "auto"]),
            },
          });
        } else if (roll < 0.75) {
          push({
            event_type: "LESSON_COMPLETE",
            message: `Completed lesson ${lessonNo} “${title}” of ${course.name}`,
            severity: "info",
            created_at: at(),
            metadata: { course: course.name, lesson: lessonNo, minutes_spent: r.int(8, 95) },
          });
          lesson++;
        } else {
          push({
            event_type: "HOMEWORK_SUBMIT",
            message: `Submitted homework ${lessonNo} for ${course.name}`,
            severity: "info",
            created_at: at(),
            metadata: {
              course: course.name,
              homework: lessonNo,
              files: r.int(1, 3),
              attempt: r.int(1, 3),
              words: r.int(80, 1200),
            },
          });
        }
      }
      if (errorRate > 0.3 && r.chance(0.25)) {
        const c = r.pick(CRITICAL);
        push({
          event_type: c.type,
          event_category: "error",
          message: c.message,
          severity: "critical",
          created_at: at(),
          metadata: { ...c.meta, userAgent: agent, incident: `INC-${r.int(1000, 9999)}` },
        });
      }
      if (r.chance(0.4))
        push({
          event_type: "LOGOUT",
          message: "Logged out",
          metadata: { reason: r.pick(["user", "user", "session_expired"]) },
          severity: "info",
          created_at: at(),
        });
    }
    if (firstEvent)
      push({
        event_type: "LOGIN",
        message: "Logged in",
        metadata: { method: "password", userAgent: agent },
        severity: "info",
        created_at: new Date(Math.min(joined, now - 60_000)).toISOString(),
      });
  }

  const HEALTH = [
    {
      source: "server",
      message: "Slow query: user-logs took 2.4 s (user with 118k events)",
      severity: "warning" as const,
    },
    { source: "client", message: "ChunkLoadError: Loading chunk 417 failed.", severity: "error" as const },
    {
      source: "worker",
      message: "Welcome email delayed: SMTP 421 try again later",
      severity: "warning" as const,
    },
    {
      source: "server",
      message: "Payment provider health check failed (kaspi: timeout)",
      severity: "critical" as const,
    },
    { source: "client", message: "Script error. (cross-origin, no details)", severity: "error" as const },
    {
      source: "server",
      message: "Retention sweep removed 12,408 entries older than 30 days",
      severity: "info" as const,
    },
  ];
  for (let i = 0; i < 24; i++) {
    const h = r.pick(HEALTH);
    health.push({
      ...h,
      metadata: { demo: true, host: `app-${r.int(1, 3)}`, pid: r.int(1000, 9999) },
      created_at: new Date(now - r.next() * 7 * 24 * HOUR).toISOString(),
    });
  }
  events.sort((a, b) => a.created_at.localeCompare(b.created_at));
  return { events, health };
}
