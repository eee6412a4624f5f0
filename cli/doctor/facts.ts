/**
 * What `doctor` knows about a destination bucket, as read from AWS by `read.ts`. Plain data, so the
 * checks over it are pure functions.
 */
import { PolicyDocument } from "../../policies/types";

/** The bucket's default encryption (GetBucketEncryption). */
export type Encryption =
    | { kind: "none" }
    | { kind: "AES256" }
    | { kind: "aws:kms:dsse"; keyId?: string }
    | {
        kind: "aws:kms";
        /** `KMSMasterKeyID` as configured; absent means the AWS managed key `aws/s3`. */
        keyId?: string;
        /** The key as DescribeKey resolved it, when readable. */
        key?: KeyFacts;
    };

/** A KMS key (DescribeKey, ListAliases, GetKeyPolicy). */
export interface KeyFacts {
    arn: string;
    /** `AWS` for AWS managed keys, `CUSTOMER` otherwise. */
    keyManager?: string;
    /** The key's alias names (`alias/...`). */
    aliases: string[];
    /** The `default` key policy; undefined when it could not be read. */
    policy?: PolicyDocument;
    /** Why the key policy could not be read. */
    policyError?: string;
}

/** Everything the checks look at. */
export interface DoctorFacts {
    bucket: string;
    /** Region the bucket is in (GetBucketLocation; empty means us-east-1). */
    bucketRegion: string;
    /** Region of the log groups that would export (the client region). */
    logsRegion: string;
    /** Account whose log groups export (STS GetCallerIdentity, or the --caller-arn's account). */
    sourceAccount: string;
    /** The log group, when --log-group was given. */
    logGroupName?: string;
    /** Set when --log-group was given and DescribeLogGroups did not find it. */
    logGroupMissing?: boolean;
    /** Destination prefix exports use; any key when absent. */
    prefix?: string;
    /** Cross-account CreateExportTask caller (--caller-arn). */
    callerArn?: string;
    /** The account that owns the bucket (the account doctor runs as). */
    bucketAccount: string;
    encryption: Encryption;
    /** The bucket policy; undefined when the bucket has none (NoSuchBucketPolicy). */
    bucketPolicy?: PolicyDocument;
    /** Why the bucket policy could not be read (access denied...). */
    bucketPolicyError?: string;
}
