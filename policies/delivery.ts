/** Vended-log delivery policies and checks (AWS-logs-and-resource-policy). */
export * from "./deliveryCommon";
export * from "./deliveryBucket";
export * from "./deliveryKey";
export * from "./deliveryLogGroup";
export * from "./deliveryDestination";
export * from "./deliveryCaller";
export * from "./deliveryServices";
export * from "./deliveryValidate";
