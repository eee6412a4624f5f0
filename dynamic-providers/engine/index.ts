export * from "./types";
export * from "./decisions";
export * from "./explain";
export * from "./run";
export { acquireSlot } from "./queue";
