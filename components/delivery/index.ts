export * from "./deliveryDestinationArgs";
export * from "./deliveryDestination";
export * from "./deliverySourceArgs";
export * from "./deliverySource";
export * from "./deliveryChainArgs";
export * from "./deliveryChain";
export * from "./deliveryLogGroupsPolicy";
export { LOG_DELIVERY_ENABLED_TAG } from "./firehoseTag";
