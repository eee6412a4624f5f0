export * from "./exportBucketArgs";
export * from "./exportBucket";
