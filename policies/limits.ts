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
    /** The AWS page that states the limit, with its words. */
    readonly source: string;
}

export const POLICY_LIMITS: Readonly<Record<PolicyKind, PolicyLimit>> = {
    // "Bucket policies are limited to 20 KB in size" (S3 User Guide, "Bucket policies and user
    // policies"); AWS's KB is 1,024 bytes, as KMS spells out for its own 32 KB.
    "s3-bucket-policy": {
        title: "S3 bucket policy", max: 20 * 1024, unit: "bytes",
        source: "https://docs.aws.amazon.com/AmazonS3/latest/userguide/using-iam-policies.html: \"Bucket policies are limited to 20 KB in size\"",
    },
    // KMS resource quotas: "Key policy document size: 32 KB (32,768 bytes)", not adjustable.
    "kms-key-policy": {
        title: "KMS key policy", max: 32 * 1024, unit: "bytes",
        source: "https://docs.aws.amazon.com/kms/latest/developerguide/resource-limits.html: \"Key policy document size: 32 KB (32,768 bytes)\"",
    },
    // Account-level resource policies (the 10 per Region that PutResourcePolicy writes without a
    // resourceArn). Log-group-level policies, newer, allow 51,200 bytes (CloudWatch Logs User Guide,
    // "Logs sent to CloudWatch Logs"); the export side writes neither.
    "logs-resource-policy": {
        title: "CloudWatch Logs resource policy", max: 5120, unit: "characters",
        source: "https://docs.aws.amazon.com/step-functions/latest/dg/bp-cwl.html: \"CloudWatch Logs resource policies are limited to 5120 characters\"",
    },
};

/** A policy document and the exact text that is sent for it. */
export interface FittedPolicy {
    document: PolicyDocument;
    /** Compact JSON: what is sent to AWS, and what was measured. */
    text: string;
    /** True when the document had to be compacted to fit. */
    compacted: boolean;
}

/** The exact text sent to AWS for a document: compact JSON, no whitespace. */
export function policyText(doc: PolicyDocument): string {
    return JSON.stringify(doc);
}

/** The size of `text` as AWS counts it for `kind`. */
export function policySize(kind: PolicyKind, text: string): number {
    return POLICY_LIMITS[kind].unit === "bytes" ? Buffer.byteLength(text, "utf8") : text.length;
}

/** True when `text` is within the limit of `kind`. */
export function fitsPolicyLimit(kind: PolicyKind, text: string): boolean {
    return policySize(kind, text) <= POLICY_LIMITS[kind].max;
}

/**
 * The error for a document over its limit: `[argument] the <title> would be <size> <unit>, over
 * AWS's limit of <max> <unit> (<source>): <fix>`.
 */
export function policyTooLarge(kind: PolicyKind, text: string, argument: string, fix: string): ValidationError {
    const limit = POLICY_LIMITS[kind];
    return new ValidationError(argument,
        `the ${limit.title} would be ${policySize(kind, text)} ${limit.unit}, over AWS's limit of ${limit.max} ${limit.unit} (${limit.source}): ${fix}`);
}

/**
 * Throws a {@link ValidationError} naming `argument` when `text` is over the limit of `kind`;
 * `fix` says what the user can change (e.g. "use sourceOrgId instead of listing accounts").
 * Returns `text`, so it can wrap the value that is sent.
 */
export function checkPolicySize(kind: PolicyKind, text: string, argument: string, fix: string): string {
    if (!fitsPolicyLimit(kind, text)) {
        throw policyTooLarge(kind, text, argument, fix);
    }
    return text;
}

/**
 * The largest `n` in `0..max` for which `fits(n)` holds, for a `fits` that holds up to some `n` and
 * not after (a document that grows with each list entry). Binary search: each probe builds a document.
 */
export function largestFitting(max: number, fits: (n: number) => boolean): number {
    let lo = 0;
    let hi = max;
    while (lo < hi) {
        const mid = Math.ceil((lo + hi) / 2);
        if (fits(mid)) {
            lo = mid;
        } else {
            hi = mid - 1;
        }
    }
    return lo;
}
