/**
 * The identity policy of whoever calls CreateExportTask (seed 003, "Step 2: set access permissions",
 * same- and cross-account sections).
 */
import { logGroupSourceArns, objectArns, Partition } from "./partition";
import { policyDocument, PolicyDocument, PolicyStatement } from "./types";
import {
    resolvePartition, validateAccountId, validateBucketName, validateKmsKeyArn, validateLogGroupName, validatePrefixes,
} from "./validate";

/** Sids of the caller policy's statements. */
export const EXPORT_CALLER_SIDS = {
    exportTasks: "CloudWatchLogsExportTasks",
    logGroups: "CloudWatchLogsExportLogGroups",
    putObject: "ExportDestinationPutObject",
    key: "ExportDestinationKmsKey",
} as const;

/** The five CloudWatch Logs permissions seed 003 lists for creating an export task. */
export const EXPORT_CALLER_ACTIONS = [
    "logs:CreateExportTask",
    "logs:CancelExportTask",
    "logs:DescribeExportTasks",
    "logs:DescribeLogStreams",
    "logs:DescribeLogGroups",
] as const;

/** Options of {@link exportCallerPolicy}. */
export interface ExportCallerPolicyOptions {
    /** Region of the log groups. */
    region: string;
    /** The caller's account (the one that owns the log groups). */
    account: string;
    /** Partition; defaults to the region's. */
    partition?: Partition;
    /**
     * Log groups the caller may export. When given, `logs:CreateExportTask` and
     * `logs:DescribeLogStreams` are scoped to them; the other three actions do not support
     * resource-level permissions and stay on `"*"`. All log groups when empty.
     */
    logGroupNames?: readonly string[];
    /**
     * Destination bucket: adds `s3:PutObject` on it (seed 001: since 2019 the caller needs
     * `s3:PutObject` on the destination; seed 003 cross-account policy). Omit for a policy with the
     * CloudWatch Logs permissions only.
     */
    bucket?: string;
    /** Prefixes the caller exports under; the whole bucket when empty. Only with `bucket`. */
    prefixes?: readonly string[];
    /** The destination bucket's KMS key: adds `kms:GenerateDataKey` and `kms:Decrypt` on it (seed 003). */
    kmsKeyArn?: string;
}

/** The caller's statements (seed 003). */
export function exportCallerStatements(o: ExportCallerPolicyOptions): PolicyStatement[] {
    const account = validateAccountId(o.account, "account");
    const partition = resolvePartition(o.region, o.partition);
    const logGroups = [...new Set((o.logGroupNames ?? []).map(n => validateLogGroupName(n, "logGroupNames")))];

    const statements: PolicyStatement[] = [];
    if (logGroups.length === 0) {
        statements.push({
            Sid: EXPORT_CALLER_SIDS.exportTasks,
            Effect: "Allow",
            Action: [...EXPORT_CALLER_ACTIONS],
            Resource: "*",
        });
    } else {
        statements.push(
            {
                Sid: EXPORT_CALLER_SIDS.logGroups,
                Effect: "Allow",
                Action: ["logs:CreateExportTask", "logs:DescribeLogStreams"],
                Resource: logGroupSourceArns(partition, o.region, account, logGroups),
            },
            {
                Sid: EXPORT_CALLER_SIDS.exportTasks,
                Effect: "Allow",
                Action: ["logs:CancelExportTask", "logs:DescribeExportTasks", "logs:DescribeLogGroups"],
                Resource: "*",
            },
        );
    }
    if (o.bucket !== undefined) {
        const bucket = validateBucketName(o.bucket, "bucket");
        const objects = objectArns(partition, bucket, validatePrefixes(o.prefixes ?? [], "prefixes"));
        statements.push({
            Sid: EXPORT_CALLER_SIDS.putObject,
            Effect: "Allow",
            Action: "s3:PutObject",
            Resource: objects.length === 1 ? objects[0] : objects,
        });
    } else if (o.prefixes !== undefined && o.prefixes.length > 0) {
        validatePrefixes(o.prefixes, "prefixes");
    }
    if (o.kmsKeyArn !== undefined) {
        statements.push({
            Sid: EXPORT_CALLER_SIDS.key,
            Effect: "Allow",
            Action: ["kms:GenerateDataKey", "kms:Decrypt"],
            Resource: validateKmsKeyArn(o.kmsKeyArn, "kmsKeyArn"),
        });
    }
    return statements;
}

/** The whole caller policy document (seed 003). */
export function exportCallerPolicy(o: ExportCallerPolicyOptions): PolicyDocument {
    return policyDocument(exportCallerStatements(o));
}
