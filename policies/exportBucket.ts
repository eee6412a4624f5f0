/**
 * The bucket policy that lets CloudWatch Logs export log data into an S3 bucket.
 *
 * Statement by statement from seed 003 (newest form: `aws:SourceAccount` / `aws:SourceArn`
 * confused-deputy conditions) with the cross-account caller statement of seeds 002/003 and the
 * destination prefix of seed 000 ("include a randomly generated string as the prefix").
 */
import { bucketArn, logGroupSourceArns, logsServicePrincipal, objectArns, Partition } from "./partition";
import { FittedPolicy, fitsPolicyLimit, largestFitting, policyText, policyTooLarge } from "./limits";
import { Conditions, mergeStatements, OneOrMany, policyDocument, PolicyDocument, PolicyStatement } from "./types";
import {
    resolvePartition, validateBucketName, validateLogGroupName, validatePrefixes, validatePrincipalArn, validateSources,
} from "./validate";

/** Sids of the export bucket policy's statements, so errors and checks can name them. */
export const EXPORT_BUCKET_SIDS = {
    getBucketAcl: "AllowCloudWatchLogsGetBucketAcl",
    putObject: "AllowCloudWatchLogsPutObject",
    callerPutObject: "AllowCrossAccountCallerPutObject",
    denyInsecureTransport: "DenyInsecureTransport",
} as const;

/** Options of {@link exportBucketPolicy}. Plain values: resolve Pulumi outputs before calling. */
export interface ExportBucketPolicyOptions {
    /** Name of the destination bucket. */
    bucket: string;
    /** Region of the bucket and of the log groups that export into it (they must match, seed 003). */
    region: string;
    /** Partition; defaults to the region's. */
    partition?: Partition;
    /**
     * Accounts whose log groups may export here (`aws:SourceAccount`, seed 003). Seed 003 recommends
     * including the bucket owner's own account for same-account exports. Conflicts with `sourceOrgId`.
     */
    sourceAccounts?: readonly string[];
    /** An organization whose accounts may export here (`aws:SourceOrgID`), instead of `sourceAccounts`. */
    sourceOrgId?: string;
    /** Log groups allowed to export (`aws:SourceArn`); all log groups of the source accounts when empty. */
    logGroupNames?: readonly string[];
    /**
     * Key prefixes that exports may write under (seed 000: a random-string prefix so "only intended
     * log streams are exported"). The whole bucket when empty.
     */
    prefixes?: readonly string[];
    /**
     * IAM user or role ARNs in other accounts that call CreateExportTask into this bucket
     * (seeds 002/003, cross-account): each is allowed `s3:PutObject` with the ACL condition.
     */
    callerArns?: readonly string[];
    /**
     * Add a statement denying every request that does not use TLS (`aws:SecureTransport = false`).
     * Defaults to `true`.
     */
    denyInsecureTransport?: boolean;
}

/** The options, validated and normalized. */
export interface ResolvedExportBucketPolicyOptions {
    bucket: string;
    region: string;
    partition: Partition;
    sourceAccounts: string[];
    sourceOrgId?: string;
    logGroupNames: string[];
    prefixes: string[];
    callerArns: string[];
    denyInsecureTransport: boolean;
}

/** Validates options (throws a ValidationError naming the option) and fills in defaults. */
export function resolveExportBucketPolicyOptions(o: ExportBucketPolicyOptions): ResolvedExportBucketPolicyOptions {
    const bucket = validateBucketName(o.bucket, "bucket");
    const partition = resolvePartition(o.region, o.partition);
    const sources = validateSources(o.sourceAccounts, o.sourceOrgId, "sourceAccounts", "sourceOrgId");
    return {
        bucket,
        region: o.region,
        partition,
        sourceAccounts: sources.accounts,
        sourceOrgId: sources.orgId,
        logGroupNames: [...new Set((o.logGroupNames ?? []).map(n => validateLogGroupName(n, "logGroupNames")))],
        prefixes: validatePrefixes(o.prefixes ?? [], "prefixes"),
        callerArns: [...new Set((o.callerArns ?? []).map(a => validatePrincipalArn(a, "callerArns")))],
        denyInsecureTransport: o.denyInsecureTransport ?? true,
    };
}

function one<T>(values: T[]): OneOrMany<T> {
    return values.length === 1 ? values[0] : values;
}

/**
 * The confused-deputy conditions of seed 003: `StringEquals aws:SourceAccount` (a list) and
 * `ArnLike aws:SourceArn` (log group ARNs of those accounts). With an organization, `aws:SourceOrgID`
 * replaces the account list and the log group ARNs take any account.
 *
 * `compact`: the log group ARNs take any account (`arn:aws:logs:<region>:*:log-group:*`) while
 * `aws:SourceAccount` still lists the accounts, so the policy grows by one account ID per account
 * instead of one ARN per account. CloudWatch Logs sets `aws:SourceAccount` to the account that owns
 * the log group it exports, the account inside `aws:SourceArn` (seed 003), so the same requests are
 * allowed: the listed accounts' log groups of this region, and no other account's.
 */
function sourceConditions(o: ResolvedExportBucketPolicyOptions, extraEquals: Record<string, string> = {}, compact = false): Conditions {
    const anyAccount = logGroupSourceArns(o.partition, o.region, "*", o.logGroupNames);
    if (o.sourceOrgId !== undefined) {
        return { StringEquals: { ...extraEquals, "aws:SourceOrgID": o.sourceOrgId }, ArnLike: { "aws:SourceArn": anyAccount } };
    }
    return {
        StringEquals: { ...extraEquals, "aws:SourceAccount": o.sourceAccounts },
        ArnLike: {
            "aws:SourceArn": compact
                ? anyAccount
                : o.sourceAccounts.flatMap(a => logGroupSourceArns(o.partition, o.region, a, o.logGroupNames)),
        },
    };
}

/** The statements of the export bucket policy, for merging into a policy the bucket already has. */
export function exportBucketStatements(options: ExportBucketPolicyOptions): PolicyStatement[] {
    return statementsOf(resolveExportBucketPolicyOptions(options), false);
}

function statementsOf(o: ResolvedExportBucketPolicyOptions, compact: boolean): PolicyStatement[] {
    const service = logsServicePrincipal(o.region, o.partition);
    const bucket = bucketArn(o.partition, o.bucket);
    const objects = one(objectArns(o.partition, o.bucket, o.prefixes));
    const acl = { "s3:x-amz-acl": "bucket-owner-full-control" };

    const statements: PolicyStatement[] = [
        {
            Sid: EXPORT_BUCKET_SIDS.getBucketAcl,
            Effect: "Allow",
            Principal: { Service: service },
            Action: "s3:GetBucketAcl",
            Resource: bucket,
            Condition: sourceConditions(o, {}, compact),
        },
        {
            Sid: EXPORT_BUCKET_SIDS.putObject,
            Effect: "Allow",
            Principal: { Service: service },
            Action: "s3:PutObject",
            Resource: objects,
            Condition: sourceConditions(o, acl, compact),
        },
    ];
    if (o.callerArns.length > 0) {
        statements.push({
            Sid: EXPORT_BUCKET_SIDS.callerPutObject,
            Effect: "Allow",
            Principal: { AWS: one(o.callerArns) },
            Action: "s3:PutObject",
            Resource: objects,
            Condition: { StringEquals: acl },
        });
    }
    if (o.denyInsecureTransport) {
        statements.push(denyInsecureTransportStatement(o.partition, o.bucket));
    }
    return statements;
}

/**
 * Denies any S3 request to the bucket or its objects made without TLS (the documented S3
 * hardening, `aws:SecureTransport = false`). Services, including CloudWatch Logs, use TLS.
 */
export function denyInsecureTransportStatement(partition: Partition, bucket: string): PolicyStatement {
    const arn = bucketArn(partition, bucket);
    return {
        Sid: EXPORT_BUCKET_SIDS.denyInsecureTransport,
        Effect: "Deny",
        Principal: "*",
        Action: "s3:*",
        Resource: [arn, `${arn}/*`],
        Condition: { Bool: { "aws:SecureTransport": "false" } },
    };
}

/**
 * The whole export bucket policy document (seed 003), as it is sent: the seed's per-account form
 * when it fits S3's 20 KB limit, else the compact form (see {@link fitExportBucketPolicy}).
 */
export function exportBucketPolicy(options: ExportBucketPolicyOptions): PolicyDocument {
    return fitExportBucketPolicy(options).document;
}

/**
 * The export bucket policy plus `extra` statements (e.g. `additionalPolicyStatements`), checked
 * against S3's 20 KB bucket policy limit on the exact text that is sent. Seed 003's form lists one
 * `aws:SourceArn` per source account; when that is over the limit, the ARNs take any account while
 * `aws:SourceAccount` keeps the list (no wider access, see `sourceConditions`). Still over: throws a
 * ValidationError saying how many source accounts fit and pointing at `sourceOrgId`.
 */
export function fitExportBucketPolicy(options: ExportBucketPolicyOptions, extra: readonly PolicyStatement[] = []): FittedPolicy {
    const o = resolveExportBucketPolicyOptions(options);
    const build = (r: ResolvedExportBucketPolicyOptions, compact: boolean) => mergeStatements(policyDocument(statementsOf(r, compact)), extra);
    for (const compact of [false, true]) {
        const document = build(o, compact);
        const text = policyText(document);
        if (fitsPolicyLimit("s3-bucket-policy", text)) {
            return { document, text, compacted: compact };
        }
    }
    const text = policyText(build(o, true));
    const n = o.sourceAccounts.length;
    const fitting = n === 0 ? 0 : largestFitting(n, k =>
        k > 0 && fitsPolicyLimit("s3-bucket-policy", policyText(build({ ...o, sourceAccounts: o.sourceAccounts.slice(0, k) }, true))));
    if (fitting > 0) {
        throw policyTooLarge("s3-bucket-policy", text, "sourceAccounts",
            `with the other arguments as given, at most ${fitting} of these ${n} source accounts fit. ` +
            `Name the organization instead with [sourceOrgId] (aws:SourceOrgID lets every account of the organization export), ` +
            `or split the accounts across buckets.`);
    }
    // Not the accounts: the largest of the other lists, or the user's own statements.
    const sizes: [string, number][] = [
        ["logGroupNames", JSON.stringify(o.logGroupNames).length],
        ["prefixes", JSON.stringify(o.prefixes).length],
        ["callerArns", JSON.stringify(o.callerArns).length],
        ["additionalPolicyStatements", JSON.stringify(extra).length],
    ];
    const [argument] = sizes.reduce((a, b) => (b[1] > a[1] ? b : a));
    throw policyTooLarge("s3-bucket-policy", text, argument,
        `shorten [${argument}]: the policy is over the limit even with one source account.`);
}

/** {@link fitExportBucketPolicy}'s text: the exact JSON to send as the bucket policy. */
export function exportBucketPolicyText(options: ExportBucketPolicyOptions, extra: readonly PolicyStatement[] = []): string {
    return fitExportBucketPolicy(options, extra).text;
}
