/**
 * The seeds' same-account walkthrough as one stack (seed 003, "Exportation vers le même compte"):
 * a log group, and an SSE-KMS encrypted bucket whose bucket and key policies let CloudWatch Logs
 * export that log group under a random-string prefix (seed 000's advice).
 *
 *   pulumi config set aws:region us-east-1
 *   pulumi up
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ExportBucket } from "../../index";

const config = new pulumi.Config();
// Seed 000: "include a randomly generated string as the prefix for the bucket, so that only
// intended log streams are exported to the bucket".
const destinationPrefix = config.get("destinationPrefix") ?? "exports-7f3a9c";
const logGroupName = config.get("logGroupName") ?? "my-log-group";

const logGroup = new aws.cloudwatch.LogGroup("my-log-group", {
    name: logGroupName,
    retentionInDays: 30,
});

const exportBucket = new ExportBucket("exports", {
    destinationPrefixes: [destinationPrefix],
    logGroupNames: [logGroup.name],
    lifecycle: { transitionAfterDays: 30, transitionStorageClass: "GLACIER", expireAfterDays: 365 },
});

export const bucketName = exportBucket.bucketName;
export const bucketArn = exportBucket.bucketArn;
export const kmsKeyArn = exportBucket.kmsKeyArn;
export const region = exportBucket.region;
export const prefix = destinationPrefix;
export const exportedLogGroup = logGroup.name;
