export * from "./exportBucketArgs";
export * from "./exportBucket";
export * from "./exportCallerRole";
export * from "./delivery";
export * from "./stackOutputs";
export * from "./scheduledExport";
