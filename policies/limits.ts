/**
 * Size limits of the policy documents this library writes, measured on the exact text that is sent
 * to AWS: the compact JSON that `JSON.stringify` (and `pulumi.jsonStringify`) produce. Pure: no
 * Pulumi, no SDK.
 */
import { PolicyDocument } from "./types";
import { ValidationError } from "./validate";

/** The kinds of policy with a documented size limit. */
export type PolicyKind = "s3-bucket-policy" | "kms-key-policy" | "logs-resource-policy";

/** One documented limit: how it is counted, and where AWS says so. */
export interface PolicyLimit {
    /** What the user calls it, for messages. */
    readonly title: string;
    readonly max: number;
    /** S3 and KMS count bytes of the document; CloudWatch Logs counts characters. */
    readonly unit: "bytes" | "characters";
    /** The AWS page that states the limit. */
    readonly source: string;
}

export const POLICY_LIMITS: Readonly<Record<PolicyKind, PolicyLimit>> = {
    "s3-bucket-policy": {
        title: "S3 bucket policy", max: 20 * 1024, unit: "bytes",
        source: "https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucket-policies.html (bucket policies are limited to 20 KB)",
    },
    "kms-key-policy": {
        title: "KMS key policy", max: 32 * 1024, unit: "bytes",
        source: "https://docs.aws.amazon.com/kms/latest/developerguide/resource-limits.html (key policy document size: 32 KB)",
    },
    "logs-resource-policy": {
        title: "CloudWatch Logs resource policy", max: 5120, unit: "characters",
        source: "https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutResourcePolicy.html (policyDocument: up to 5,120 characters)",
    },
};

/** The exact text sent to AWS for a document: compact JSON, no whitespace. */
export function policyText(doc: PolicyDocument): string {
    return JSON.stringify(doc);
}

/** The size of `text` as AWS counts it for `kind`. */
export function policySize(kind: PolicyKind, text: string): number {
    return POLICY_LIMITS[kind].unit === "bytes" ? Buffer.byteLength(text, "utf8") : text.length;
}

/**
 * Throws a {@link ValidationError} naming `argument` when `text` is over the limit of `kind`;
 * `fix` says what the user can change (e.g. "use sourceOrgId instead of listing accounts").
 * Returns `text`, so it can wrap the value that is sent.
 */
export function checkPolicySize(kind: PolicyKind, text: string, argument: string, fix: string): string {
    const limit = POLICY_LIMITS[kind];
    const size = policySize(kind, text);
    if (size > limit.max) {
        throw new ValidationError(argument,
            `the ${limit.title} would be ${size} ${limit.unit}, over AWS's limit of ${limit.max} (${limit.source}): ${fix}`);
    }
    return text;
}
