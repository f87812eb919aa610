export type { Stats, WireEvent } from "@usertrail/sdk-core";
export * from "./api-error.ts";
export * from "./client.ts";
export { usertrailExpress } from "./express.ts";
export { usertrailFastify } from "./fastify.ts";
