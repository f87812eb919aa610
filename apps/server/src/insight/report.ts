import type { IssueDetail, LogEntry } from "@usertrail/store";
import { parseUserAgent, userAgentOf } from "./user-agent.ts";

/** What the bug report is made from; the route gathers it under row-level security. */
export interface ReportInput {
  issue: IssueDetail;
  /** The issue's newest events (browsers, OS and the sample come from these). */
  events: LogEntry[];
  /** The chosen user's events up to and including the error, oldest first. */
  timeline: LogEntry[];
  user: { id: string; full_name: string | null; email: string | null } | null;
  publicUrl: string;
}

/** Text inside a table cell: one line, no pipes that would split the cell, bounded. */
function cell(value: string, max = 120): string {
  const one = value
    .replace(/\s+/g, " ")
    .replace(/\|/g, "\\|")
    .replace(/[<>]/g, (c) => (c === "<" ? "&lt;" : "&gt;"));
  return one.length > max ? `${one.slice(0, max)}…` : one;
}

/** A fence longer than any run of backticks inside, so a hostile stack cannot close it early. */
function fenced(body: string): string {
  const longest = Math.max(2, ...(body.match(/`+/g) ?? []).map((r) => r.length));
  const fence = "`".repeat(longest + 1);
  return `${fence}\n${body}\n${fence}`;
}

function tally(values: string[]): [string, number][] {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}

const iso = (d: Date | string) => new Date(d).toISOString().replace(".000Z", "Z");

/** Renders a Markdown bug report a developer can paste into a tracker. */
export function renderReport(input: ReportInput): string {
  const { issue, events, timeline, user } = input;
  const agents = events.map((e) => userAgentOf(e.metadata)).filter((a): a is string => a !== null);
  const parsed = agents.map(parseUserAgent);
  const lines: string[] = [
    `# ${cell(issue.title, 200)}`,
    "",
    `- **Status:** ${issue.status}`,
    `- **Occurrences:** ${issue.count}`,
    `- **Users affected:** ${issue.users}`,
    `- **First seen:** ${iso(issue.first_seen)}`,
    `- **Last seen:** ${iso(issue.last_seen)}`,
    `- **Event type:** ${issue.event_type}; **exception:** ${cell(issue.exception_type, 80)}`,
    `- **Issue:** ${input.publicUrl.replace(/\/$/, "")}/issues/${issue.id}`,
    "",
  ];
  if (issue.frames.length > 0) {
    lines.push(
      "**Where (top app frames):**",
      "",
      ...issue.frames.map((f) => `1. \`${cell(f, 200).replace(/`/g, "'")}\``),
      "",
    );
  }
  for (const [heading, values] of [
    ["Browsers", parsed.map((p) => p.browser)],
    ["Operating systems", parsed.map((p) => p.os)],
  ] as const) {
    lines.push(`## ${heading}`, "");
    if (values.length === 0) lines.push(`_No user agent was recorded with these events._`, "");
    else {
      lines.push("| | events |", "|---|---|");
      for (const [name, n] of tally([...values]).slice(0, 10)) lines.push(`| ${cell(name)} | ${n} |`);
      lines.push("", `_From the ${values.length} newest events that carried a user agent._`, "");
    }
  }
  lines.push("## Stack", "");
  lines.push(
    issue.sample_stack ? fenced(issue.sample_stack.slice(0, 8000)) : "_No stack was sent with this error._",
    "",
  );
  const sample = events[0];
  if (sample) {
    lines.push(
      "## Latest occurrence",
      "",
      `- **Message:** ${cell(sample.message, 500)}`,
      `- **At:** ${iso(sample.created_at)}`,
    );
    const url = sample.metadata.url;
    if (typeof url === "string") lines.push(`- **URL:** ${cell(url, 300)}`);
    lines.push("");
  }
  if (user && timeline.length > 0) {
    const who = [user.full_name, user.email].filter(Boolean).join(", ");
    lines.push(
      "## What the user did before it broke",
      "",
      `User \`${cell(user.id, 128).replace(/`/g, "'")}\`${who ? ` (${cell(who)})` : ""}, last ${timeline.length} events:`,
      "",
      "| time (UTC) | event | severity | message |",
      "|---|---|---|---|",
    );
    for (const e of timeline) {
      const mark = e.issue_id === issue.id ? " ⟵ **this error**" : "";
      lines.push(`| ${iso(e.created_at)} | ${e.event_type} | ${e.severity} | ${cell(e.message)}${mark} |`);
    }
    lines.push("");
  }
  return `${lines.join("\n")}\n`;
}
