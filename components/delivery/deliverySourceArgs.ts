import * as pulumi from "@pulumi/pulumi";

/**
 * Arguments of {@link DeliverySource}: the source side of a V2 delivery (AWS-logs-and-resource-policy), in the account
 * whose resource emits the logs.
 */
export interface DeliverySourceArgs {
    /**
     * ARN of the resource that vends logs (PutDeliverySource `resourceArn`), e.g. a Bedrock knowledge
     * base, a WorkMail organization or an IAM Identity Center instance (the AWS-logs-and-resource-policy page's V2 services).
     */
    resourceArn: pulumi.Input<string>;
    /**
     * Log type the resource vends (PutDeliverySource `logType`), e.g. `APPLICATION_LOGS`. Checked
     * against the AWS-logs-and-resource-policy page's V2 services (Bedrock knowledge bases, CodeWhisperer, IAM Identity Center,
     * WorkMail); other services are not checked.
     */
    logType: pulumi.Input<string>;
    /**
     * The deliveries of this source, by key (the key names the child: `<name>-delivery-<key>`;
     * lowercase letters, digits and `-`). At least one. A source has at most one delivery per
     * destination type.
     */
    deliveries: Record<string, DeliveryTargetArgs>;
    /** Name of the delivery source (1-60 of `[\w-]`). Defaults to an auto-generated name. */
    deliverySourceName?: pulumi.Input<string>;
    /** Region of the delivery source and delivery. Defaults to the provider's region. */
    region?: pulumi.Input<string>;
    /** Tags for the delivery source and, unless they have their own, the deliveries. */
    tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

/** One delivery of a {@link DeliverySource} (CreateDelivery). */
export interface DeliveryTargetArgs {
    /**
     * ARN of the delivery destination (`arn:<p>:logs:<region>:<account>:delivery-destination:<name>`),
     * e.g. a DeliveryDestination's `destinationArn` read through a `pulumi.StackReference`. Must be in
     * the source's region. For another account, its DeliveryDestination must list this account in
     * `sourceAccounts` (or its organization in `sourceOrgId`).
     */
    destinationArn: pulumi.Input<string>;
    /**
     * The destination's type, `S3`, `CWL` or `FH` (a DeliveryDestination's `destinationType`). Optional;
     * when given, `suffixPath` and `enableHiveCompatiblePath` are refused for non-S3 destinations
     * before anything is created.
     */
    destinationType?: pulumi.Input<string>;
    /**
     * The destination's output format (a DeliveryDestination's `outputFormat`). Optional; when given,
     * `fieldDelimiter` is refused with `json` and `parquet` output.
     */
    destinationOutputFormat?: pulumi.Input<string | undefined>;
    /** Record fields to deliver (CreateDelivery `recordFields`). Defaults to the log type's default fields. */
    recordFields?: pulumi.Input<pulumi.Input<string>[]>;
    /** Delimiter between fields for `plain`, `w3c` and `raw` output (CreateDelivery `fieldDelimiter`). Defaults to AWS's. */
    fieldDelimiter?: pulumi.Input<string>;
    /**
     * S3 only: suffix of the object key path (CreateDelivery `s3DeliveryConfiguration.suffixPath`);
     * AWS prepends `AWSLogs/<account>/...`. Defaults to the log type's default path. Required with
     * `enableHiveCompatiblePath` (@pulumi/aws sends both fields together).
     */
    suffixPath?: pulumi.Input<string>;
    /**
     * S3 only: use Hive-compatible (`key=value`) path segments. Defaults to `false`. Needs `suffixPath`,
     * whose segments must then be plain (AWS writes the `key=` part itself).
     */
    enableHiveCompatiblePath?: pulumi.Input<boolean>;
    /**
     * Suffix path variables allowed beyond the documented `{yyyy}`, `{MM}`, `{dd}`, `{HH}`,
     * `{accountid}` and `{DistributionId}`: the `allowedSuffixPathFields` that
     * DescribeConfigurationTemplates answers for this log type (S3DeliveryConfiguration, API
     * reference). Names without braces. Defaults to none.
     */
    suffixPathFields?: string[];
    /** Tags for this delivery. Defaults to the source's `tags`. */
    tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}
