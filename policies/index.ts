export * from "./types";
export * from "./partition";
export * from "./validate";
export * from "./exportBucket";
export * from "./exportKey";
export * from "./exportCaller";
export * from "./delivery";
export * from "./limits";
