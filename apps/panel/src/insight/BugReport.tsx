import { useState } from "react";
import { errorText } from "../api.ts";
import { Card, ErrorBox, Spinner } from "../ui.tsx";
import { fetchText } from "./useFetch.ts";

type State =
  | { state: "idle" }
  | { state: "loading" }
  | { state: "error"; message: string }
  | { state: "done"; text: string };

/** The "Bug report" button: fetches the Markdown report, shows it as text, and copies it. */
export function BugReport({ issueId }: { issueId: string }) {
  const [report, setReport] = useState<State>({ state: "idle" });
  const [copied, setCopied] = useState<string | null>(null);

  async function load() {
    setReport({ state: "loading" });
    try {
      setReport({
        state: "done",
        text: await fetchText(`/api/issues/${encodeURIComponent(issueId)}/report`),
      });
    } catch (err) {
      setReport({ state: "error", message: errorText(err) });
    }
  }

  async function copy(text: string) {
    try {
      await navigator.clipboard.writeText(text);
      setCopied("Copied to the clipboard.");
    } catch {
      // Clipboard access needs a secure context or a permission; the text stays selectable.
      setCopied("Copying is not allowed here: select the text and copy it.");
    }
  }

  return (
    <Card
      title="Bug report"
      actions={
        <span className="row-gap">
          <button
            type="button"
            className="btn btn-small"
            onClick={load}
            disabled={report.state === "loading"}
          >
            {report.state === "done" ? "Rebuild report" : "Bug report"}
          </button>
          {report.state === "done" && (
            <button type="button" className="btn btn-small" onClick={() => copy(report.text)}>
              Copy Markdown
            </button>
          )}
        </span>
      }
    >
      {report.state === "idle" && (
        <p className="muted">
          One click writes a Markdown report for your tracker: counts, browsers, the stack and what one
          student did before it broke.
        </p>
      )}
      {report.state === "loading" && <Spinner label="Writing the report…" />}
      {report.state === "error" && <ErrorBox message={report.message} onRetry={load} />}
      {report.state === "done" && (
        <>
          {copied && (
            <p className="muted small" role="status">
              {copied}
            </p>
          )}
          <textarea
            className="report-text mono"
            aria-label="Bug report Markdown"
            readOnly
            value={report.text}
            rows={Math.min(30, report.text.split("\n").length + 1)}
            onFocus={(e) => e.currentTarget.select()}
          />
        </>
      )}
    </Card>
  );
}
