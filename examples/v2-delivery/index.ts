/**
 * V2 vended-log delivery in one account (AWS-logs-and-resource-policy, "Logging that requires additional permissions
 * [V2]"): one delivery source, a Bedrock knowledge base's APPLICATION_LOGS, delivered
 *   - to S3, into a KMS-encrypted ExportBucket whose bucket and key policies get AWS-logs-and-resource-policy's
 *     statements (AWSLogDeliveryAclCheck, AWSLogDeliveryWrite, "Allow Logs Delivery to use the key"),
 *   - to a CloudWatch Logs log group under /aws/vendedlogs/,
 *   - to a Firehose stream tagged LogDeliveryEnabled = true (the tag the AWSServiceRoleForLogDelivery
 *     role requires);
 * and each further knowledge base (`moreKnowledgeBaseArns`) to a log group of its own and to the same
 * archive destination as the first (one bucket for every knowledge base).
 *
 * The scale path: every log group is under /aws/vendedlogs/ and granted by one DeliveryLogGroupsPolicy,
 * so the account and region hold one resource policy however many log groups are added (AWS allows 10
 * account-level CloudWatch Logs resource policies per region; one per destination fails at the
 * eleventh). The created log groups are retained on `pulumi destroy` (the default), with the logs
 * delivered into them. Deliveries that share the archive destination are created one after the other in
 * program order (CloudWatch Logs answers ConflictException to concurrent operations on one delivery
 * destination); the components add that order themselves.
 *
 *   pulumi config set aws:region us-east-1
 *   pulumi config set knowledgeBaseArn arn:aws:bedrock:us-east-1:<account>:knowledge-base/<id>
 *   pulumi config set --path 'moreKnowledgeBaseArns[0]' arn:aws:bedrock:us-east-1:<account>:knowledge-base/<id2>
 *   pulumi up
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { DeliveryChain, DeliveryLogGroupsPolicy, LOG_DELIVERY_ENABLED_TAG } from "../../index";

const config = new pulumi.Config();
const knowledgeBaseArn = config.require("knowledgeBaseArn");
const moreKnowledgeBaseArns = config.getObject<string[]>("moreKnowledgeBaseArns") ?? [];

// One account-level resource policy for every log group under /aws/vendedlogs/ in this account and
// region; each CloudWatch Logs destination names it instead of writing a policy of its own.
const vendedLogs = new DeliveryLogGroupsPolicy("vendedlogs", {});

// A Firehose stream writing to its own bucket. The tag is what lets log delivery write into it.
const streamBucket = new aws.s3.Bucket("stream-target", {});
const firehoseRole = new aws.iam.Role("stream-role", {
    assumeRolePolicy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Principal: { Service: "firehose.amazonaws.com" }, Action: "sts:AssumeRole" }],
    }),
});
new aws.iam.RolePolicy("stream-role-s3", {
    role: firehoseRole.id,
    policy: pulumi.jsonStringify({
        Version: "2012-10-17",
        Statement: [{
            Effect: "Allow",
            Action: ["s3:AbortMultipartUpload", "s3:GetBucketLocation", "s3:GetObject", "s3:ListBucket", "s3:ListBucketMultipartUploads", "s3:PutObject"],
            Resource: [streamBucket.arn, pulumi.interpolate`${streamBucket.arn}/*`],
        }],
    }),
});
const stream = new aws.kinesis.FirehoseDeliveryStream("kb-logs", {
    destination: "extended_s3",
    extendedS3Configuration: { roleArn: firehoseRole.arn, bucketArn: streamBucket.arn },
    tags: { [LOG_DELIVERY_ENABLED_TAG]: "true" },
});

const chain = new DeliveryChain("kb", {
    resourceArn: knowledgeBaseArn,
    logType: "APPLICATION_LOGS",
    destinations: {
        // SSE-KMS with a key the ExportBucket creates (its default).
        archive: { s3: { bucket: { encryption: "aws:kms" } }, outputFormat: "json", suffixPath: "kb/{yyyy}/{MM}/{dd}", enableHiveCompatiblePath: false },
        // retainOnDestroy is the default, spelled out: `destroy` leaves the log group and its logs.
        search: {
            cloudWatchLogs: { logGroupName: "/aws/vendedlogs/bedrock/kb", retentionInDays: 30, retainOnDestroy: true, sharedResourcePolicy: vendedLogs },
            outputFormat: "json",
        },
        stream: { firehose: { deliveryStreamArn: stream.arn, deliveryStreamTags: stream.tags.apply(t => t ?? {}) }, outputFormat: "json" },
    },
});

// Each further knowledge base: its own source and log group, under the same shared policy, and the
// first chain's archive destination (`destination`: delivered to, not created again). Named by the
// knowledge base's id, so reordering the list replaces nothing.
const more = moreKnowledgeBaseArns.map(arn => {
    const id = arn.slice(arn.lastIndexOf("/") + 1);
    return new DeliveryChain(`kb-${id.toLowerCase()}`, {
        resourceArn: arn,
        logType: "APPLICATION_LOGS",
        destinations: {
            search: { cloudWatchLogs: { logGroupName: `/aws/vendedlogs/bedrock/${id}`, retentionInDays: 30, sharedResourcePolicy: vendedLogs }, outputFormat: "json" },
            archive: { destination: chain.destinations.archive, suffixPath: `kb/${id}/{yyyy}/{MM}/{dd}`, enableHiveCompatiblePath: false },
        },
    });
});

export const destinationArns = chain.destinationArns;
export const deliverySourceArn = chain.sourceArn;
export const deliveryArns = chain.deliveryArns;
// Where AWS writes the archive's objects: AWSLogs/<account>/, then the service's segment and the suffix path.
export const s3KeyPrefixes = chain.s3KeyPrefixes;
export const bucketName = chain.destinations.archive.bucket!.bucketName;
export const kmsKeyArn = chain.destinations.archive.bucket!.kmsKeyArn;
export const resourcePolicyName = vendedLogs.policyName;
export const moreDeliveryArns = Object.fromEntries(more.map((c, i) => [moreKnowledgeBaseArns[i], c.deliveryArns]));
