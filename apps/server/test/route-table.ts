import type { FastifyInstance } from "fastify";

export interface RouteEntry {
  method: string;
  /** The path as registered, e.g. /api/staff/:id. */
  path: string;
}

/**
 * Every route the server has, read from Fastify's own route table (printRoutes), so a route added
 * later is found without anyone listing it. printRoutes nests paths that share a prefix:
 *   └── /api/staff (GET, HEAD, POST)
 *       └── /:id (PATCH)
 * Each level is indented by 4 characters; a child's text continues its parent's path.
 */
export function routeTable(app: FastifyInstance): RouteEntry[] {
  const text = app.printRoutes({ commonPrefix: false });
  const stack: string[] = [];
  const routes: RouteEntry[] = [];
  for (const line of text.split("\n")) {
    const match = /^(.*?)(?:├── |└── )(\S+)(?: \(([^)]*)\))?\s*$/.exec(line);
    if (!match) continue;
    const depth = Math.floor((match[1] as string).length / 4);
    stack.length = depth;
    const path = (stack[depth - 1] ?? "") + (match[2] as string);
    stack[depth] = path;
    for (const method of (match[3] ?? "").split(",").map((m) => m.trim())) {
      if (method) routes.push({ method, path });
    }
  }
  return routes;
}

/** A concrete URL for a route pattern: parameters and wildcards filled with harmless values. */
export function concreteUrl(path: string): string {
  return path
    .replace(/:(\w+)/g, (_m, name: string) =>
      /id$/i.test(name) ? "00000000-0000-4000-8000-000000000000" : "x",
    )
    .replace(/\*/g, "x");
}
