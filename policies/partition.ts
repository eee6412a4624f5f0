/**
 * Partitions, regions and the ARNs and service principals they imply.
 *
 * Pure data and functions: no Pulumi, no SDK.
 */

/** The AWS partitions this library supports. */
export type Partition = "aws" | "aws-cn" | "aws-us-gov";

/** Every partition this library supports, in a stable order. */
export const PARTITIONS: readonly Partition[] = ["aws", "aws-cn", "aws-us-gov"];

/**
 * Regions known to this library, by partition. A region outside this list is refused: a typo in a
 * region silently produces a service principal (`logs.<region>.amazonaws.com`) that never matches,
 * and the export then fails hours later with an opaque error.
 */
export const REGIONS: Readonly<Record<Partition, readonly string[]>> = {
    "aws": [
        "us-east-1", "us-east-2", "us-west-1", "us-west-2",
        "af-south-1",
        "ap-east-1", "ap-east-2", "ap-south-1", "ap-south-2",
        "ap-southeast-1", "ap-southeast-2", "ap-southeast-3", "ap-southeast-4", "ap-southeast-5",
        "ap-southeast-6", "ap-southeast-7",
        "ap-northeast-1", "ap-northeast-2", "ap-northeast-3",
        "ca-central-1", "ca-west-1",
        "eu-central-1", "eu-central-2", "eu-west-1", "eu-west-2", "eu-west-3",
        "eu-south-1", "eu-south-2", "eu-north-1",
        "il-central-1", "me-south-1", "me-central-1", "mx-central-1", "sa-east-1",
    ],
    "aws-cn": ["cn-north-1", "cn-northwest-1"],
    "aws-us-gov": ["us-gov-west-1", "us-gov-east-1"],
};

/** The partition a known region belongs to, or `undefined` for a region this library does not know. */
export function partitionOfRegion(region: string): Partition | undefined {
    for (const p of PARTITIONS) {
        if (REGIONS[p].includes(region)) {
            return p;
        }
    }
    return undefined;
}

/** The DNS suffix of a partition's service endpoints and regional service principals. */
export function dnsSuffix(partition: Partition): string {
    return partition === "aws-cn" ? "amazonaws.com.cn" : "amazonaws.com";
}

/**
 * The regional CloudWatch Logs service principal that performs exports,
 * `logs.<region>.amazonaws.com` (seeds 000, 002, 003: "Be sure to specify the correct Region
 * endpoint for Principal"). In the China partition regional principals end in `.amazonaws.com.cn`.
 */
export function logsServicePrincipal(region: string, partition: Partition = partitionOfRegion(region) ?? "aws"): string {
    return `logs.${region}.${dnsSuffix(partition)}`;
}

/** `arn:<partition>:s3:::<bucket>`. */
export function bucketArn(partition: Partition, bucket: string): string {
    return `arn:${partition}:s3:::${bucket}`;
}

/**
 * The object ARN patterns of a bucket for a list of key prefixes: `arn:...:s3:::<bucket>/<prefix>/*`
 * for each prefix, or `arn:...:s3:::<bucket>/*` when the list is empty.
 */
export function objectArns(partition: Partition, bucket: string, prefixes: readonly string[]): string[] {
    const base = bucketArn(partition, bucket);
    if (prefixes.length === 0) {
        return [`${base}/*`];
    }
    return prefixes.map(p => `${base}/${p.replace(/\/+$/, "")}/*`);
}

/**
 * `aws:SourceArn` patterns CloudWatch Logs presents when it exports a log group of `account`
 * (seed 003: `arn:aws:logs:Region:AccountId:log-group:*`). For named log groups both the bare
 * log-group ARN and its `:*` form are listed, because AWS uses both spellings of a log group ARN
 * (`logGroupArn` and `arn` in DescribeLogGroups); a prefix wildcard would admit other log groups.
 */
export function logGroupSourceArns(
    partition: Partition, region: string, account: string, logGroupNames: readonly string[],
): string[] {
    const base = `arn:${partition}:logs:${region}:${account}:log-group:`;
    if (logGroupNames.length === 0) {
        return [`${base}*`];
    }
    return logGroupNames.flatMap(n => [`${base}${n}`, `${base}${n}:*`]);
}

/** `arn:<partition>:iam::<account>:root`, the account principal a KMS key policy's admin statement names. */
export function accountRootArn(partition: Partition, account: string): string {
    return `arn:${partition}:iam::${account}:root`;
}
