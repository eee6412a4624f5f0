/**
 * Continuous export in one account: an SSE-KMS ExportBucket, and a ScheduledExport that, every
 * hour, exports each finished UTC day (12 hours after it ends: data can take up to 12 hours to become
 * exportable) of every log group whose name starts with the prefix, groups created later included.
 * Objects land at `<prefix>/<log group>/<yyyy>/<mm>/<dd>/<taskId>/<log stream>/000000.gz`.
 *
 *   pulumi config set aws:region us-east-1
 *   pulumi config set logGroupNamePrefix /app/
 *   pulumi config set start 2026-11-01      # optional: backfill from this day
 *   pulumi config set alertTopicArn arn:aws:sns:us-east-1:111111111111:ops-alerts   # optional: alarms
 *   pulumi up
 */
import * as pulumi from "@pulumi/pulumi";
import { ExportBucket, ScheduledExport } from "../../index";

const config = new pulumi.Config();
const logGroupNamePrefix = config.get("logGroupNamePrefix") ?? "/app/";
const prefix = config.get("destinationPrefix") ?? "scheduled";
// An SNS topic whose access policy lets cloudwatch.amazonaws.com publish: alarms on lag and failures.
const alertTopicArn = config.get("alertTopicArn");

const archive = new ExportBucket("archive", { destinationPrefixes: [prefix] });

const scheduled = new ScheduledExport("daily", {
    logGroupNamePrefixes: [logGroupNamePrefix],
    bucketName: archive.bucketName,
    prefix,
    kmsKeyArn: archive.kmsKeyArn,
    start: config.get("start"),
    alarm: alertTopicArn === undefined ? undefined : { snsTopicArn: alertTopicArn },
}, { dependsOn: [archive] });

export const bucketName = archive.bucketName;
export const functionName = scheduled.functionName;
export const tableName = scheduled.tableName;
export const roleArn = scheduled.roleArn;
export const logGroupName = scheduled.logGroupName;
export const alarmNames = scheduled.alarmNames;
