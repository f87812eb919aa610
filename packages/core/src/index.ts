export * from "./constants.ts";
export * from "./event.ts";
export * from "./sanitize.ts";
