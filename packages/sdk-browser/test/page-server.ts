// Serves the test pages on loopback, as a host app would: the README snippet pointed at the test's
// usertrail server, the SDK build, and a few endpoints that fail.
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

const file = (path: string) => readFileSync(new URL(path, import.meta.url), "utf8");

export interface PageServer {
  url: string;
  /** Where the snippet's placeholders point. */
  target: { endpoint: string; publicKey: string };
  close(): Promise<void>;
}

/** Starts the page server on a random loopback port. */
export async function startPages(target: PageServer["target"]): Promise<PageServer> {
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? "/", "http://x").pathname;
    const page = (name: string) =>
      file(`./fixtures/${name}`)
        .replaceAll("https://usertrail.example.com", state.target.endpoint)
        .replaceAll("YOUR_PUBLIC_KEY", state.target.publicKey);
    const send = (status: number, type: string, body: string) => {
      res.writeHead(status, { "content-type": type, "cache-control": "no-store" });
      res.end(body);
    };
    if (path === "/") return send(200, "text/html", page("page.html"));
    if (path === "/module") return send(200, "text/html", page("module.html"));
    if (path === "/usertrail.min.js") return send(200, "text/javascript", file("../dist/usertrail.min.js"));
    if (path === "/usertrail.mjs") return send(200, "text/javascript", file("../dist/usertrail.mjs"));
    if (path === "/api/broken") return send(500, "application/json", '{"error":"lesson service is down"}');
    if (path === "/api/forbidden") return send(403, "application/json", '{"error":"not your lesson"}');
    send(404, "text/plain", "not found");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const state: PageServer = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    target,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return state;
}
