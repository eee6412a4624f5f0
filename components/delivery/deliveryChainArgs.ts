import * as pulumi from "@pulumi/pulumi";
import type { DeliveryDestination } from "./deliveryDestination";
import { DeliveryDestinationArgs } from "./deliveryDestinationArgs";
import { DeliveryTargetArgs } from "./deliverySourceArgs";

/**
 * One destination of a {@link DeliveryChain}: a DeliveryDestination's arguments (without region, tags
 * and source accounts, which the chain sets: same account, same region) plus the options of the
 * delivery to it.
 */
export interface DeliveryChainDestinationArgs
    extends Omit<DeliveryDestinationArgs, "region" | "tags" | "sourceAccounts" | "sourceOrgId">,
    Pick<DeliveryTargetArgs, "recordFields" | "fieldDelimiter" | "suffixPath" | "enableHiveCompatiblePath" | "suffixPathFields"> {
    /**
     * Deliver to a DeliveryDestination created elsewhere in this program instead of creating one, e.g.
     * one archive bucket for the logs of several chains (CreateDelivery: "multiple delivery sources
     * [...] to the same delivery destination"). The deliveries to it are created one after the other,
     * in program order (concurrent CreateDelivery calls on one destination fail with
     * ConflictException). Conflicts with `s3`, `cloudWatchLogs`, `firehose`, `xray`, `outputFormat`
     * and `destinationName`, which belong to that destination.
     */
    destination?: DeliveryDestination;
}

/** Arguments of {@link DeliveryChain}: one resource's logs delivered to destinations in the same account. */
export interface DeliveryChainArgs {
    /** ARN of the resource that vends logs (PutDeliverySource `resourceArn`; the AWS-logs-and-resource-policy page's V2 services). */
    resourceArn: pulumi.Input<string>;
    /** Log type the resource vends, e.g. `APPLICATION_LOGS` (checked for the AWS-logs-and-resource-policy page's V2 services). */
    logType: pulumi.Input<string>;
    /**
     * The destinations, by key: each becomes a DeliveryDestination `<name>-<key>` and a delivery
     * `<name>-source-delivery-<key>`. Keys: lowercase letters, digits and `-`. At most one per
     * destination type (S3, CloudWatch Logs, Firehose). At least one.
     */
    destinations: Record<string, DeliveryChainDestinationArgs>;
    /** Name of the delivery source. Defaults to an auto-generated name. */
    deliverySourceName?: pulumi.Input<string>;
    /** Region of every resource of the chain. Defaults to the provider's region. */
    region?: pulumi.Input<string>;
    /** Tags for every resource of the chain. */
    tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}
