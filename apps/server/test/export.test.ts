import v8 from "node:v8";
import { runInNewContext } from "node:vm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LOG_ENTRY_KEYS } from "../../../packages/store/test/databases.ts";
import { csvCell, exportFilename } from "../src/export/formats.ts";
import { DATABASE_KINDS, startTestServer, type TestServer } from "./helpers.ts";

/** A strict RFC 4180 reader, so the test does not trust the writer's own idea of CSV. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c !== '"') cell += c;
      else if (text[i + 1] === '"') {
        cell += '"';
        i++;
      } else quoted = false;
    } else if (c === '"' && cell === "") quoted = true;
    else if (c === ",") {
      row.push(cell);
      cell = "";
    } else if (c === "\r" && text[i + 1] === "\n") {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = "";
      i++;
    } else if (c === "\n" || c === "\r" || c === '"') throw new Error(`bare ${JSON.stringify(c)} at ${i}`);
    else cell += c;
  }
  if (cell !== "" || row.length) throw new Error("last record does not end in CRLF");
  return rows;
}

describe("CSV cells", () => {
  it("quotes per RFC 4180 and neutralises formula starts", () => {
    expect(csvCell("plain")).toBe("plain");
    expect(csvCell("a,b")).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell("two\nlines")).toBe('"two\nlines"');
    expect(csvCell("=1+2")).toBe("'=1+2");
    expect(csvCell("+7 701")).toBe("'+7 701");
    expect(csvCell("-2+3")).toBe("'-2+3");
    expect(csvCell("@SUM(A1)")).toBe("'@SUM(A1)");
    expect(csvCell("\t=cmd")).toBe("'\t=cmd");
    expect(csvCell("\r=cmd")).toBe('"\'\r=cmd"');
    expect(csvCell('=HYPERLINK("http://x","y")')).toBe(`"'=HYPERLINK(""http://x"",""y"")"`);
    expect(csvCell("")).toBe("");
  });
  it("makes file names safe", () => {
    const at = new Date("2026-01-02T03:04:05.678Z");
    expect(exportFilename("user-42", "csv", at)).toBe("usertrail-user-42-20260102T030405Z.csv");
    expect(exportFilename('../"evil"\r\nx', "json", at)).toBe("usertrail-evil_x-20260102T030405Z.json");
    expect(exportFilename("Пётр", "ndjson", at)).toBe("usertrail-user-20260102T030405Z.ndjson");
  });
});

describe.each(DATABASE_KINDS)("export of a user's logs on %s", (kind) => {
  let s: TestServer;
  let admin: string;
  const url = (userId: string, query = "") =>
    `/api/tripwire/debug/user-logs/${encodeURIComponent(userId)}/export${query ? `?${query}` : ""}`;
  const hostile = [
    "=1+2",
    "+7 701",
    "-2+3",
    "@SUM(A1)",
    "\t=cmd",
    "a,b",
    'say "hi"',
    "two\nlines",
    "Ünïcödé ✓",
  ];

  beforeAll(async () => {
    s = await startTestServer(kind);
    admin = await s.login();
    const events = hostile.map((message, i) => ({
      user_id: "csv-user",
      event_type: i % 2 ? "API_ERROR" : "LOGIN",
      message,
      severity: i % 2 ? "error" : "info",
      metadata: { note: "=cmd|' /C calc'!A0", i },
      created_at: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString(),
    }));
    expect((await s.ingest(events)).body.stored).toBe(hostile.length);
  });
  afterAll(async () => s?.close());

  it("writes CSV per RFC 4180 with formulas neutralised, as an attachment", async () => {
    const res = await s.as(admin, {
      method: "GET",
      url: url("csv-user", "format=csv&eventType=LOGIN,API_ERROR"),
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toMatch(/^text\/csv/);
    expect(res.headers["content-disposition"]).toMatch(
      /^attachment; filename="usertrail-csv-user-\d{8}T\d{6}Z\.csv"$/,
    );
    const rows = parseCsv(res.body);
    expect(rows[0]).toEqual([
      "id",
      "created_at",
      "user_id",
      "event_id",
      "event_type",
      "event_category",
      "severity",
      "message",
      "metadata",
    ]);
    // Newest first; USER_CREATED is left out by the eventType filter.
    const messages = rows.slice(1).map((r) => r[7]);
    const expected = [...hostile].reverse().map((m) => (/^[=+\-@\t\r]/.test(m) ? `'${m}` : m));
    expect(messages).toEqual(expected);
    for (const r of rows.slice(1)) {
      expect(r).toHaveLength(9);
      expect(JSON.parse(r[8] as string).note).toBe("=cmd|' /C calc'!A0");
    }
  });

  it("writes NDJSON and a JSON array with the same entries and filters", async () => {
    const nd = await s.as(admin, { method: "GET", url: url("csv-user", "format=ndjson&severity=error") });
    expect(nd.statusCode).toBe(200);
    expect(nd.headers["content-type"]).toMatch(/^application\/x-ndjson/);
    const lines = nd.body
      .trimEnd()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines).toHaveLength(4);
    expect(lines.every((l) => l.severity === "error" && l.user_id === "csv-user")).toBe(true);
    const js = await s.as(admin, { method: "GET", url: url("csv-user", "format=json&q=LINES") });
    expect(js.headers["content-type"]).toMatch(/^application\/json/);
    const arr = JSON.parse(js.body);
    expect(arr.map((e: { message: string }) => e.message)).toEqual(["two\nlines"]);
    expect(Object.keys(arr[0]).sort()).toEqual(LOG_ENTRY_KEYS);
    const empty = await s.as(admin, { method: "GET", url: url("nobody", "format=json") });
    expect(JSON.parse(empty.body)).toEqual([]);
    const range = await s.as(admin, {
      method: "GET",
      url: url(
        "csv-user",
        "format=ndjson&startDate=2026-01-01T00:00:02Z&endDate=2026-01-01T00:00:04Z&limit=2",
      ),
    });
    expect(
      range.body
        .trimEnd()
        .split("\n")
        .map((l) => JSON.parse(l).message),
    ).toEqual(["\t=cmd", "@SUM(A1)"]);
  });

  it("refuses hostile filters and callers with a 4xx in words", async () => {
    const bad = [
      "format=xml",
      "format=csv&severity=fatal",
      "eventType=lower_case",
      `eventType=${"A,".repeat(60)}`,
      "startDate=yesterday",
      "startDate=2026-02-01&endDate=2026-01-01",
      `q=${"x".repeat(201)}`,
      "limit=-1",
      "limit=1.5",
      "cursor=%27%3B%20DROP%20TABLE%20users%3B--",
      "category=nope",
    ];
    for (const q of bad) {
      const res = await s.as(admin, { method: "GET", url: url("csv-user", q) });
      expect(res.statusCode, q).toBe(400);
      expect(typeof res.json().error, q).toBe("string");
    }
    // LIKE wildcards are matched literally, and an injection attempt is only text.
    for (const q of ["%25", "_", "'%20OR%201=1--"]) {
      const res = await s.as(admin, { method: "GET", url: url("csv-user", `format=ndjson&q=${q}`) });
      expect(res.statusCode).toBe(200);
      expect(res.body).toBe("");
    }
    expect((await s.as(admin, { method: "GET", url: url("u".repeat(129)) })).statusCode).toBe(400);
    expect((await s.app.inject({ method: "GET", url: url("csv-user") })).statusCode).toBe(401);
  });

  // 100,000 rows on PostgreSQL; embedded PGlite loads rows several times slower, so a quarter there
  // keeps the suite's time budget (bench/export-memory.ts runs 1,000,000 rows on both).
  const rows = kind === "postgres" ? 100_000 : 25_000;
  it(`streams ${rows} rows with a bounded memory growth`, { timeout: 180_000 }, async () => {
    await s.app.usertrail.store.db.query(
      `INSERT INTO user_activity_logs (event_id, user_id, event_type, event_category, message, metadata, severity, created_at)
       SELECT gen_random_uuid(), 'big-user', 'LESSON_COMPLETE', 'content', 'row ' || g,
              jsonb_build_object('pad', repeat('x', 400), 'g', g), 'info', now() - g * interval '1 second'
         FROM generate_series(1, $1::int) AS g`,
      [rows],
    );
    await s.app.listen({ port: 0, host: "127.0.0.1" });
    const { port } = s.app.server.address() as { port: number };
    // Live memory after a full collection, sampled as rows arrive: garbage does not count, so
    // only what the server holds on to (a buffered export would be all of it) shows.
    v8.setFlagsFromString("--expose-gc");
    const gc = runInNewContext("gc") as () => void;
    // The JS heap is where a buffered export would sit (entries and strings); PGlite's WASM memory
    // is the database's own, like PostgreSQL's in its server process, so it is left out.
    const live = () => {
      gc();
      return process.memoryUsage().heapUsed;
    };
    const before = live();
    let peak = before;
    const res = await fetch(`http://127.0.0.1:${port}${url("big-user", "format=ndjson")}`, {
      headers: { authorization: `Bearer ${admin}` },
    });
    let lines = 0;
    let bytes = 0;
    let nextSample = rows / 10;
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      bytes += chunk.length;
      for (let at = chunk.indexOf(10); at !== -1; at = chunk.indexOf(10, at + 1)) lines++;
      if (lines >= nextSample) {
        peak = Math.max(peak, live());
        nextSample += rows / 10;
      }
    }
    const growthMb = (peak - before) / 2 ** 20;
    console.log(
      `${kind}: exported ${lines} rows, ${(bytes / 2 ** 20).toFixed(1)} MB; live memory grew ${growthMb.toFixed(1)} MB`,
    );
    expect(lines).toBe(rows);
    // ~650 bytes a row; holding the export in memory would grow live memory by at least its size.
    expect(bytes).toBeGreaterThan(rows * 600);
    expect(growthMb).toBeLessThan(Math.min(20, (0.5 * bytes) / 2 ** 20));
  });
});
