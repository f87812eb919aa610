export * from "./anomaly.ts";
export * from "./calendar.ts";
export * from "./constants.ts";
export * from "./event.ts";
export * from "./fingerprint.ts";
export * from "./sanitize.ts";
