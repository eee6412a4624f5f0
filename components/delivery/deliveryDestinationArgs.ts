import * as pulumi from "@pulumi/pulumi";
import { DeliveryOutputFormat } from "../../policies/deliveryValidate";
import { ExportBucketArgs } from "../exportBucketArgs";
import type { DeliveryLogGroupsPolicy } from "./deliveryLogGroupsPolicy";

/**
 * An S3 destination (AWS-logs-and-resource-policy, "Logs sent to Amazon S3"). The bucket is an {@link ExportBucket}
 * created inside the destination with the AWS-logs-and-resource-policy page's statements merged into its bucket policy
 * (`AWSLogDeliveryAclCheck`, `AWSLogDeliveryWrite`) and, for the key it creates, into its key policy
 * ("Allow Logs Delivery to use the key").
 */
export interface DeliveryS3DestinationArgs {
    /**
     * Arguments of the inner ExportBucket (secure defaults: SSE-KMS with a created key, public access
     * blocked, TLS only). Bring your own bucket with `existingBucketName`: the bucket policy is then
     * only written when `manageBucketPolicy` is `true` (it replaces the whole policy), otherwise merge
     * the `bucketPolicyJson` output into it. With `kmsKeyArn`, merge the `keyPolicyStatementJson`
     * output into that key's policy. `region` is the destination's. Defaults to `{}`.
     */
    bucket?: Omit<ExportBucketArgs, "region">;
    /**
     * Grant `s3:ListBucket` in `AWSLogDeliveryAclCheck` as well (the AWS-logs-and-resource-policy page's note: avoids AccessDenied
     * errors in CloudTrail). Defaults to `true`.
     */
    listBucket?: boolean;
    /**
     * Strict isolation for a bucket shared by several source accounts: each account's delivery sources
     * may write only under its own `AWSLogs/<account>/` (one write statement per account; with
     * `sourceOrgId`, the `${aws:SourceAccount}` policy variable). Defaults to `false`: AWS-logs-and-resource-policy's
     * single statement, in which any listed account may write under any listed account's folder.
     */
    isolateSourceAccounts?: boolean;
    /**
     * Let the delivery service write the Hive-compatible keys `AWSLogs/aws-account-id=<account>/...`
     * as well, which AWS writes for deliveries with `enableHiveCompatiblePath` (CloudWatch Logs User
     * Guide, "Logs sent to Amazon S3", "Amazon S3 object key format"). Defaults to `true`;
     * `false` gives the AWS-logs-and-resource-policy page's `AWSLogs/<account>/*` only (then no delivery here may turn Hive paths on).
     */
    hiveCompatiblePaths?: boolean;
}

/** A CloudWatch Logs destination (AWS-logs-and-resource-policy, "Logs sent to CloudWatch Logs"). */
export interface DeliveryLogGroupDestinationArgs {
    /**
     * Name of the log group that receives the logs. AWS-logs-and-resource-policy advises names starting with
     * `/aws/vendedlogs/` when many log groups receive vended logs (5,120-character policy limit).
     */
    logGroupName: pulumi.Input<string>;
    /** Create the log group (`true`) or use an existing one (`false`). Defaults to `true`. */
    createLogGroup?: boolean;
    /**
     * Retention of a created log group, in days. Defaults to never expire. Conflicts with
     * `createLogGroup: false` and with `logGroupClass: "DELIVERY"` (AWS fixes that class's retention
     * at 2 days).
     */
    retentionInDays?: pulumi.Input<number>;
    /** KMS key ARN for a created log group. Defaults to CloudWatch Logs' own encryption. Conflicts with `createLogGroup: false`. */
    kmsKeyId?: pulumi.Input<string>;
    /**
     * Keep a created log group, and the logs delivered into it, when the destination is destroyed or
     * replaced: the log group is only removed from the stack (@pulumi/aws `skipDestroy`). Defaults to
     * `true`. Set `false` to delete the log group and its logs on destroy. A retained log group with an
     * explicit name must be imported (`pulumi import`) or renamed before the name can be created again.
     * Conflicts with `createLogGroup: false`.
     */
    retainOnDestroy?: pulumi.Input<boolean>;
    /**
     * Turn on CloudWatch Logs deletion protection for a created log group (PutLogGroupDeletionProtection):
     * DeleteLogGroup fails until it is turned off. Defaults to `false` (`retainOnDestroy` already keeps
     * the data through Pulumi). Conflicts with `createLogGroup: false`.
     */
    deletionProtectionEnabled?: pulumi.Input<boolean>;
    /**
     * Log class of a created log group: `STANDARD`, `INFREQUENT_ACCESS` or `DELIVERY` (CreateLogGroup
     * `logGroupClass`; `DELIVERY` keeps vended logs 2 days for delivery onwards). Defaults to AWS's,
     * `STANDARD`. Cannot change after creation (replaces the log group). Conflicts with `createLogGroup: false`.
     */
    logGroupClass?: pulumi.Input<"STANDARD" | "INFREQUENT_ACCESS" | "DELIVERY">;
    /**
     * Write the log group resource policy (the AWS-logs-and-resource-policy page's `AWSLogDeliveryWrite20150319`) as an account-level
     * CloudWatch Logs resource policy. Defaults to `true`. With `false`, put the `resourcePolicyJson`
     * output in place yourself (or let AWS do it when the caller has `logs:PutResourcePolicy`).
     */
    manageResourcePolicy?: boolean;
    /** Name of the resource policy. Defaults to `<component name>-delivery`. Conflicts with `sharedResourcePolicy`. */
    resourcePolicyName?: pulumi.Input<string>;
    /**
     * A {@link DeliveryLogGroupsPolicy} that already lets the delivery service write into this log
     * group (by default every log group under `/aws/vendedlogs/`): the destination then writes no
     * resource policy of its own and its deliveries wait for the shared one. Use it for more than a
     * few CloudWatch Logs destinations in one account and region: AWS allows 10 account-level
     * resource policies per region (PutResourcePolicy), and each destination without it writes one.
     * Conflicts with `manageResourcePolicy` and `resourcePolicyName`.
     */
    sharedResourcePolicy?: DeliveryLogGroupsPolicy;
}

/** A Firehose destination (AWS-logs-and-resource-policy, "Logs sent to Firehose"). The stream must already exist. */
export interface DeliveryFirehoseDestinationArgs {
    /** ARN of the Firehose delivery stream. */
    deliveryStreamArn: pulumi.Input<string>;
    /**
     * The stream's tags, when known (e.g. `stream.tags` of an `aws.kinesis.FirehoseDeliveryStream`).
     * Checked for `LogDeliveryEnabled = "true"`, the tag the `AWSServiceRoleForLogDelivery` role's
     * policy requires (AWS-logs-and-resource-policy). Not checked when absent unless `lookUpTags` is set.
     */
    deliveryStreamTags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
    /**
     * Read the stream's tags with the Resource Groups Tagging API (`tag:GetResources`) and check the
     * tag before the destination is created. Defaults to `false`. Ignored when `deliveryStreamTags` is given.
     */
    lookUpTags?: boolean;
}

/**
 * An X-Ray destination (PutDeliveryDestination `deliveryDestinationType: "XRAY"`; AWS, "Traces sent
 * to X-Ray"): traces (log type `TRACES`) of the sources go to X-Ray in this account and region. It has
 * no resource ARN and no S3 options. X-Ray's resource policy for `delivery.logs.amazonaws.com` is
 * created by AWS when the deliveries are created, if the caller may `xray:PutResourcePolicy` and
 * `xray:ListResourcePolicies` (the caller policy's `xray` destination kind grants both).
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface DeliveryXRayDestinationArgs {
}

/**
 * Arguments of {@link DeliveryDestination}. Exactly one of `s3`, `cloudWatchLogs`, `firehose` and `xray`.
 */
export interface DeliveryDestinationArgs {
    /** Deliver to an S3 bucket. Conflicts with `cloudWatchLogs` and `firehose`. */
    s3?: DeliveryS3DestinationArgs;
    /** Deliver to a CloudWatch Logs log group. Conflicts with `s3` and `firehose`. */
    cloudWatchLogs?: DeliveryLogGroupDestinationArgs;
    /** Deliver to an existing Firehose delivery stream. Conflicts with `s3` and `cloudWatchLogs`. */
    firehose?: DeliveryFirehoseDestinationArgs;
    /** Deliver traces to X-Ray (`deliveryDestinationType: "XRAY"`). Conflicts with `s3`, `cloudWatchLogs` and `firehose`. */
    xray?: DeliveryXRayDestinationArgs;
    /**
     * Output format of delivered logs: `json`, `plain`, `w3c`, `raw` or `parquet` (PutDeliveryDestination);
     * `parquet` only for S3. Defaults to the log type's default. Cannot be changed once created (the
     * destination is replaced).
     */
    outputFormat?: pulumi.Input<DeliveryOutputFormat>;
    /** Name of the delivery destination (1-60 of `[\w-]`). Defaults to an auto-generated name. */
    destinationName?: pulumi.Input<string>;
    /**
     * Accounts whose delivery sources may deliver here: `aws:SourceAccount` in every destination
     * permission (AWS-logs-and-resource-policy). When given, a delivery destination policy also lets these accounts call
     * `logs:CreateDelivery` on this destination (cross-account, AWS-logs-and-resource-policy V2). Other accounts only for
     * `s3` and `firehose` destinations: "If you are delivering logs cross-account, you can use only
     * Amazon S3 and Firehose destinations" (AWS-vended-logs-permissions-V2). Defaults to this account
     * only, with no destination policy. Conflicts with `sourceOrgId`.
     */
    sourceAccounts?: pulumi.Input<pulumi.Input<string>[]>;
    /**
     * An AWS Organizations ID whose accounts may deliver here (`aws:SourceOrgID`; AWS-logs-and-resource-policy's
     * confused-deputy section) and create deliveries (`aws:PrincipalOrgID` in the destination policy).
     * Only for `s3` and `firehose` destinations (cross-account delivery, AWS-vended-logs-permissions-V2).
     * Conflicts with `sourceAccounts`.
     */
    sourceOrgId?: pulumi.Input<string>;
    /** Region of the destination and of the sources that deliver to it. Defaults to the provider's region. */
    region?: pulumi.Input<string>;
    /** Tags for the delivery destination and the resources the component creates. */
    tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}
