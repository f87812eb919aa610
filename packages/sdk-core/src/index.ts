export * from "./clean.ts";
export * from "./queue.ts";
