/**
 * Turns AWS's export failure messages into errors that name the missing policy statement and the
 * command that prints the whole document. Pure.
 */
import { EXPORT_BUCKET_SIDS } from "../../policies/exportBucket";
import { EXPORT_KEY_SIDS } from "../../policies/exportKey";

/** What the explanation needs to know about the export. */
export interface ExplainContext {
    readonly bucket: string;
    readonly region: string;
    /** The account whose log group is exported (the caller's). Unknown values are shown as `<account>`. */
    readonly account?: string;
    /** Set when the export runs as an assumed role (cross-account caller, seed 003). */
    readonly roleArn?: string;
}

function bucketCommand(c: ExplainContext): string {
    return `cwlogs-export policy export-bucket --bucket ${c.bucket} --region ${c.region} --source-account ${c.account ?? "<account>"}`;
}

function keyCommand(c: ExplainContext): string {
    return `cwlogs-export policy export-key --region ${c.region} --account ${c.account ?? "<account>"}`;
}

/**
 * An explanation of AWS's message when it is one of the usual permission failures (seed 003), or
 * `undefined` when the message is not recognized.
 */
export function explainExportFailure(message: string, c: ExplainContext): string | undefined {
    if (/GetBucketAcl/i.test(message)) {
        return `the bucket policy of "${c.bucket}" does not let CloudWatch Logs read the bucket ACL: ` +
            `add the statement "${EXPORT_BUCKET_SIDS.getBucketAcl}" (s3:GetBucketAcl for logs.${c.region}.amazonaws.com). ` +
            `Print the full policy with \`${bucketCommand(c)}\`.`;
    }
    if (/kms|key/i.test(message) && /denied|not authori[sz]ed|permission|GenerateDataKey|Decrypt|failed/i.test(message)) {
        return `the KMS key that encrypts "${c.bucket}" does not let CloudWatch Logs use it: ` +
            `add the key policy statement "${EXPORT_KEY_SIDS.logsService}" (kms:GenerateDataKey and kms:Decrypt for logs.${c.region}.amazonaws.com). ` +
            `Print the full key policy with \`${keyCommand(c)}\`.`;
    }
    if (/PutObject/i.test(message)) {
        const sids = c.roleArn === undefined
            ? `"${EXPORT_BUCKET_SIDS.putObject}"`
            : `"${EXPORT_BUCKET_SIDS.putObject}" and, for the cross-account caller ${c.roleArn}, "${EXPORT_BUCKET_SIDS.callerPutObject}"`;
        return `the bucket policy of "${c.bucket}" does not let the export write objects: add the statement ${sids} ` +
            `(s3:PutObject with s3:x-amz-acl = bucket-owner-full-control). Print the full policy with \`${bucketCommand(c)}\`.`;
    }
    return undefined;
}

/** AWS's message, followed by the explanation when there is one. */
export function describeFailure(status: string, message: string | undefined, c: ExplainContext): string {
    const aws = message === undefined || message === "" ? `export task ${status}` : `export task ${status}: ${message}`;
    const why = message === undefined ? undefined : explainExportFailure(message, c);
    return why === undefined ? aws : `${aws}\nWhy: ${why}`;
}
