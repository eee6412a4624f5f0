/**
 * cwlogs-export: Pulumi components, a dynamic provider and policy builders for CloudWatch Logs
 * export to S3 and V2 vended-log delivery.
 */
export * from "./components";
export * from "./policies";
export * from "./dynamic-providers";
