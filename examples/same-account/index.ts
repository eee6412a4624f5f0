/**
 * The seeds' same-account walkthrough as one stack (seed 003, "Exportation vers le même compte"):
 * a log group, and an SSE-KMS encrypted bucket whose bucket and key policies let CloudWatch Logs
 * export that log group under a random-string prefix (seed 000's advice).
 *
 * Then one export task of a past day into it (seed 003, step 5), which starts only once the bucket
 * and key policies allow CloudWatch Logs to write.
 *
 *   pulumi config set aws:region us-east-1
 *   pulumi config set exportFrom 2026-11-01T00:00:00Z    # data can take 12 hours to be exportable (seed 001)
 *   pulumi config set exportTo 2026-11-02T00:00:00Z
 *   pulumi up
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ExportBucket, ExportTask } from "../../index";

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

const exportTask = new ExportTask("first-day", {
    logGroupName: logGroup.name,
    from: config.get("exportFrom") ?? "2025-01-01T00:00:00Z",
    to: config.get("exportTo") ?? "2025-01-02T00:00:00Z",
    destination: exportBucket.bucketName,
    destinationPrefix,
    region: exportBucket.region,
}, {
    // Depending on the component waits for all its children: the export starts only once the bucket
    // and key policies allow CloudWatch Logs to write.
    dependsOn: [exportBucket],
});

export const bucketName = exportBucket.bucketName;
export const bucketArn = exportBucket.bucketArn;
export const kmsKeyArn = exportBucket.kmsKeyArn;
export const region = exportBucket.region;
export const prefix = destinationPrefix;
export const exportedLogGroup = logGroup.name;
export const exportTaskId = exportTask.taskId;
export const exportLocation = exportTask.exportLocation;
