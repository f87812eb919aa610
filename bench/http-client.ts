/**
 * The load generator's HTTP client: keep-alive sockets that send prebuilt HTTP/1.1 requests and read
 * just the status line, Content-Length and body of each answer. On 2 cores the generator competes
 * with the server it measures; undici cost ~60-90 µs of CPU per request here (headers, streams,
 * promises), this ~10-20 µs, so more of the machine goes to the server being measured.
 * One request at a time per socket (no pipelining), so a slow answer never delays another's clock.
 */
import { connect, type Socket } from "node:net";

interface Waiting {
  body: string;
  started: number;
  resolve: (ms: number) => void;
  reject: (error: Error) => void;
}

interface Connection {
  socket: Socket;
  pending: Buffer | null;
  current: Waiting | null;
}

const HEADER_END = Buffer.from("\r\n\r\n");

export class LoadClient {
  private readonly idle: Connection[] = [];
  private readonly waiting: Waiting[] = [];
  private readonly all = new Set<Connection>();
  private closed = false;

  private constructor(
    private readonly host: string,
    private readonly port: number,
    private readonly head: string,
  ) {}

  /** Opens `connections` keep-alive sockets that POST to `url`'s path with the given headers. */
  static async open(url: string, connections: number, headers: Record<string, string>): Promise<LoadClient> {
    const u = new URL(url);
    const lines = Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`);
    const head = `POST ${u.pathname} HTTP/1.1\r\nHost: ${u.host}\r\n${lines.join("")}`;
    const client = new LoadClient(u.hostname, Number(u.port), head);
    await Promise.all(Array.from({ length: connections }, () => client.connect()));
    return client;
  }

  /** Sends one body; answers the latency in ms, or rejects on a non-200 answer or a lost socket. */
  post(body: string): Promise<number> {
    return new Promise((resolve, reject) => {
      const w: Waiting = { body, started: performance.now(), resolve, reject };
      const c = this.idle.shift();
      if (c) this.send(c, w);
      else this.waiting.push(w);
    });
  }

  close(): Promise<void> {
    this.closed = true;
    for (const c of this.all) c.socket.destroy();
    return Promise.resolve();
  }

  private connect(): Promise<void> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host: this.host, port: this.port, noDelay: true });
      const c: Connection = { socket, pending: null, current: null };
      socket.once("connect", () => {
        this.all.add(c);
        this.release(c);
        resolve();
      });
      socket.on("data", (chunk: Buffer) => this.read(c, chunk));
      socket.on("error", (error) => {
        if (!this.all.has(c)) reject(error);
      });
      socket.on("close", () => {
        this.all.delete(c);
        const i = this.idle.indexOf(c);
        if (i >= 0) this.idle.splice(i, 1);
        c.current?.reject(new Error("connection closed before the answer"));
        c.current = null;
        // The server may close an idle keep-alive socket; keep the number of sockets steady.
        if (!this.closed) this.connect().catch(() => {});
      });
    });
  }

  private send(c: Connection, w: Waiting) {
    c.current = w;
    c.socket.write(`${this.head}Content-Length: ${Buffer.byteLength(w.body)}\r\n\r\n${w.body}`);
  }

  private release(c: Connection) {
    const next = this.waiting.shift();
    if (next) this.send(c, next);
    else this.idle.push(c);
  }

  private read(c: Connection, chunk: Buffer) {
    const buf = c.pending ? Buffer.concat([c.pending, chunk]) : chunk;
    const end = buf.indexOf(HEADER_END);
    if (end < 0) {
      c.pending = buf;
      return;
    }
    const header = buf.toString("latin1", 0, end);
    const length = /\r\ncontent-length: *(\d+)/i.exec(header);
    if (!length) {
      c.socket.destroy(new Error(`answer without Content-Length: ${header.slice(0, 200)}`));
      return;
    }
    const total = end + 4 + Number(length[1]);
    if (buf.length < total) {
      c.pending = buf;
      return;
    }
    c.pending = buf.length > total ? buf.subarray(total) : null;
    const w = c.current as Waiting;
    c.current = null;
    const status = Number(header.slice(9, 12));
    if (status === 200) w.resolve(performance.now() - w.started);
    else w.reject(new Error(`${status}: ${buf.toString("utf8", end + 4, Math.min(total, end + 204))}`));
    this.release(c);
  }
}
