/**
 * The three kinds of delivery destination and their destination-side permissions (AWS-logs-and-resource-policy), as
 * helpers that create children of a DeliveryDestination.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { deliveryBucketStatements } from "../../policies/deliveryBucket";
import { DeliverySourcesOptions } from "../../policies/deliveryCommon";
import { deliveryKeyStatement } from "../../policies/deliveryKey";
import { deliveryLogGroupPolicy } from "../../policies/deliveryLogGroup";
import { Partition } from "../../policies/partition";
import { checkPolicySize, policyText } from "../../policies/limits";
import { policyDocument } from "../../policies/types";
import { ExportBucket } from "../exportBucket";
import { withArgumentNames } from "../../policies/validate";
import { asResourceError } from "../inputs";
import { DeliveryFirehoseDestinationArgs, DeliveryLogGroupDestinationArgs, DeliveryS3DestinationArgs } from "./deliveryDestinationArgs";
import { checkFirehoseTags, validateFirehoseStreamArn } from "./firehoseTag";

/** Region, account and sources of a destination, resolved and validated. */
export interface DestinationContext {
    region: string;
    account: string;
    partition: Partition;
    sourceAccounts: string[];
    sourceOrgId?: string;
}

/** The builder options for a context. */
export function sourcesOf(c: DestinationContext): DeliverySourcesOptions {
    return c.sourceOrgId !== undefined
        ? { region: c.region, partition: c.partition, sourceOrgId: c.sourceOrgId, permissions: "v2" }
        : { region: c.region, partition: c.partition, sourceAccounts: c.sourceAccounts, permissions: "v2" };
}

/** What a destination kind contributes to its DeliveryDestination. */
export interface DestinationTarget {
    /** ARN of the bucket, log group or stream (`deliveryDestinationConfiguration.destinationResourceArn`); `undefined` for X-Ray. */
    resourceArn: pulumi.Output<string | undefined>;
    /** Every resource that grants the delivery service access; the delivery waits for them. */
    permissions: pulumi.Resource[];
    /** Permissions created outside the destination (a shared resource policy): the destination resource waits for them. */
    external?: pulumi.Resource[];
    bucket?: ExportBucket;
    logGroup?: aws.cloudwatch.LogGroup;
    bucketPolicyJson?: pulumi.Output<string>;
    keyPolicyStatementJson?: pulumi.Output<string | undefined>;
    resourcePolicyJson?: pulumi.Output<string>;
}

/**
 * S3: an ExportBucket with the AWS-logs-and-resource-policy page's `AWSLogDeliveryAclCheck` and `AWSLogDeliveryWrite` merged into
 * its bucket policy and "Allow Logs Delivery to use the key" merged into the policy of the key it
 * creates. The statements need the bucket's name, known only once the ExportBucket has named its
 * bucket, so they are built from a name resolved after the ExportBucket is constructed.
 */
export function s3Target(
    name: string, parent: pulumi.Resource, ctx: pulumi.Output<DestinationContext>, s3: DeliveryS3DestinationArgs,
    region: pulumi.Input<string> | undefined, tags: pulumi.Input<Record<string, pulumi.Input<string>>> | undefined,
): DestinationTarget {
    let setBucketName: (n: pulumi.Output<string>) => void = () => undefined;
    const bucketName = pulumi.output(new Promise<pulumi.Output<string>>(resolve => { setBucketName = resolve; }));
    const names = { bucket: "s3.bucket.bucketName" };
    const statements = pulumi.all([ctx, bucketName, s3.bucket?.additionalPolicyStatements ?? []]).apply(([c, b, extra]) =>
        asResourceError(parent, () => withArgumentNames(names, () => {
            const delivery = deliveryBucketStatements({
                ...sourcesOf(c), bucket: b, listBucket: s3.listBucket ?? true,
                isolateSourceAccounts: s3.isolateSourceAccounts ?? false, hiveCompatiblePaths: s3.hiveCompatiblePaths ?? true,
            });
            // The delivery statements alone already count against the bucket policy's 20 KB.
            checkPolicySize("s3-bucket-policy", policyText(policyDocument([...extra, ...delivery])), c.sourceOrgId !== undefined ? "sourceOrgId" : "sourceAccounts",
                `${c.sourceAccounts.length} source accounts${s3.isolateSourceAccounts ? " with isolateSourceAccounts (one statement each)" : ""}: ` +
                "give [sourceOrgId] instead of listing each account, or spread the accounts over several destinations.");
            return [...extra, ...delivery];
        })));
    const keyStatement = ctx.apply(c => asResourceError(parent, () => {
        const k = deliveryKeyStatement(sourcesOf(c));
        checkPolicySize("kms-key-policy", policyText(policyDocument([k])), "sourceAccounts",
            "give [sourceOrgId] instead of listing each account, or spread the accounts over several destinations.");
        return k;
    }));
    const bucket = new ExportBucket(`${name}-bucket`, {
        ...(s3.bucket ?? {}),
        region,
        tags: s3.bucket?.tags ?? tags,
        additionalPolicyStatements: statements,
        additionalKeyPolicyStatements: pulumi.all([keyStatement, s3.bucket?.additionalKeyPolicyStatements ?? []])
            .apply(([k, extra]) => [...extra, k]),
    }, { parent });
    setBucketName(bucket.bucketName);
    const kms = s3.bucket?.existingBucketName !== undefined
        ? s3.bucket.kmsKeyArn !== undefined
        : (s3.bucket?.encryption ?? "aws:kms") === "aws:kms";
    return {
        resourceArn: bucket.bucketArn,
        permissions: [bucket],
        bucket,
        bucketPolicyJson: bucket.policyJson,
        keyPolicyStatementJson: kms ? keyStatement.apply(k => JSON.stringify(policyDocument([k]))) : pulumi.output(undefined),
    };
}

/**
 * CloudWatch Logs: the log group (created or existing) and the AWS-logs-and-resource-policy page's log group resource policy,
 * checked against the 5,120-character limit before it is written.
 */
export function logGroupTarget(
    name: string, parent: pulumi.Resource, ctx: pulumi.Output<DestinationContext>, cwl: DeliveryLogGroupDestinationArgs,
    region: pulumi.Input<string> | undefined, tags: pulumi.Input<Record<string, pulumi.Input<string>>> | undefined,
): DestinationTarget {
    let logGroup: aws.cloudwatch.LogGroup | undefined;
    let resourceArn: pulumi.Output<string>;
    if (cwl.createLogGroup ?? true) {
        logGroup = new aws.cloudwatch.LogGroup(`${name}-log-group`, {
            name: cwl.logGroupName,
            retentionInDays: cwl.retentionInDays,
            kmsKeyId: cwl.kmsKeyId,
            logGroupClass: cwl.logGroupClass,
            deletionProtectionEnabled: cwl.deletionProtectionEnabled,
            // Delivered logs outlive the stack unless the user opts out (nothing the user has is lost).
            skipDestroy: cwl.retainOnDestroy ?? true,
            region,
            tags,
        }, { parent });
        resourceArn = logGroup.arn;
    } else {
        resourceArn = pulumi.all([ctx, cwl.logGroupName]).apply(([c, n]) => `arn:${c.partition}:logs:${c.region}:${c.account}:log-group:${n}`);
    }
    const names = { logGroupNames: "cloudWatchLogs.logGroupName" };
    const resourcePolicyJson = pulumi.all([ctx, cwl.logGroupName]).apply(([c, n]) =>
        asResourceError(parent, () => withArgumentNames(names, () =>
            JSON.stringify(deliveryLogGroupPolicy({ ...sourcesOf(c), account: c.account, logGroupNames: [n] })))));
    const permissions: pulumi.Resource[] = [];
    if (cwl.sharedResourcePolicy !== undefined) {
        permissions.push(cwl.sharedResourcePolicy);
        return { resourceArn, permissions, external: [cwl.sharedResourcePolicy], logGroup, resourcePolicyJson: cwl.sharedResourcePolicy.policyJson };
    }
    if (cwl.manageResourcePolicy ?? true) {
        permissions.push(new aws.cloudwatch.LogResourcePolicy(`${name}-log-group-policy`, {
            policyName: cwl.resourcePolicyName ?? `${name}-delivery`,
            policyDocument: resourcePolicyJson,
            region,
        }, { parent }));
    }
    return { resourceArn, permissions, logGroup, resourcePolicyJson };
}

/**
 * Firehose: an existing stream. No resource policy exists for Firehose; the service-linked role
 * AWSServiceRoleForLogDelivery writes to streams tagged `LogDeliveryEnabled = true` (AWS-logs-and-resource-policy). The
 * tag is checked when the tags are given or looked up; the destination's resource ARN only resolves
 * once the check passed, so no destination is created for an untagged stream.
 */
export function firehoseTarget(
    parent: pulumi.Resource, fh: DeliveryFirehoseDestinationArgs, region: pulumi.Input<string> | undefined,
): DestinationTarget {
    const tags: pulumi.Input<Record<string, pulumi.Input<string>> | undefined> = fh.deliveryStreamTags !== undefined
        ? fh.deliveryStreamTags
        : (fh.lookUpTags ?? false)
            ? aws.resourcegroupstaggingapi.getResourcesOutput({ resourceArnLists: [fh.deliveryStreamArn], region }, { parent })
                .apply(r => r.resourceTagMappingLists[0]?.tags ?? {})
            : undefined;
    const checkTags = fh.deliveryStreamTags !== undefined || (fh.lookUpTags ?? false);
    const resourceArn = pulumi.all([fh.deliveryStreamArn, tags]).apply(([arn, t]) => asResourceError(parent, () => {
        validateFirehoseStreamArn(arn, "firehose.deliveryStreamArn");
        if (checkTags) {
            checkFirehoseTags(arn, t, "firehose.deliveryStreamTags");
        }
        return arn;
    }));
    return { resourceArn, permissions: [] };
}
