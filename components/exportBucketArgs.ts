import * as pulumi from "@pulumi/pulumi";
import { PolicyStatement } from "../policies/types";

/** Default encryption of exported objects. DSSE-KMS is not supported by CloudWatch Logs export (seed 003). */
export type ExportBucketEncryption = "aws:kms" | "AES256";

/** S3 storage classes an export lifecycle rule can transition to. */
export type ArchiveStorageClass =
    "STANDARD_IA" | "ONEZONE_IA" | "INTELLIGENT_TIERING" | "GLACIER_IR" | "GLACIER" | "DEEP_ARCHIVE";

/** Lifecycle of exported objects (seed 001: "define Amazon S3 lifecycle rules to archive or delete exported files"). */
export interface ExportBucketLifecycle {
    /** Days after creation at which objects move to {@link transitionStorageClass}. No transition when unset. */
    transitionAfterDays?: number;
    /** Storage class of the transition. Defaults to `"GLACIER"`. */
    transitionStorageClass?: ArchiveStorageClass;
    /**
     * Days after creation at which objects are deleted. Must be greater than `transitionAfterDays`.
     * No expiration when unset: exported logs are kept.
     */
    expireAfterDays?: number;
}

/**
 * Arguments of {@link ExportBucket}.
 *
 * Secure by default: SSE-KMS with a key the component creates (rotation on), all public access
 * blocked, ACLs disabled (`BucketOwnerEnforced`), a TLS-only deny, `forceDestroy` off.
 */
export interface ExportBucketArgs {
    /**
     * Name of the bucket to create. Defaults to a unique name derived from the component's name.
     * Conflicts with `existingBucketName`.
     */
    bucketName?: string;
    /**
     * Bring your own bucket: its name. The component then creates no bucket, no encryption and no
     * key, and outputs the policy document to merge into the bucket's policy (`policyJson`). A
     * bucket has one policy and a `BucketPolicy` replaces all of it, so the component writes one only
     * when `manageBucketPolicy` is `true`. Conflicts with `bucketName`, `versioning`, `lifecycle`,
     * `encryption` and `forceDestroy`.
     */
    existingBucketName?: string;
    /**
     * With `existingBucketName`: write the bucket's whole policy (the export statements plus
     * `additionalPolicyStatements`), replacing any policy it has. Defaults to `false`. A created
     * bucket always gets its policy.
     */
    manageBucketPolicy?: boolean;
    /**
     * Default encryption: `"aws:kms"` (SSE-KMS, seed 003) or `"AES256"` (SSE-S3, seed 001).
     * Defaults to `"aws:kms"` with a key the component creates, or `kmsKeyArn` when given.
     * DSSE-KMS (`"aws:kms:dsse"`) is refused: CloudWatch Logs cannot export to it (seed 003).
     */
    encryption?: ExportBucketEncryption;
    /**
     * A customer managed KMS key (its ARN) to encrypt with instead of creating one. Its key policy is
     * not changed: merge the statements in the `keyPolicyJson` output into it. AWS managed keys
     * (`alias/aws/s3`) are refused (seed 003). Conflicts with `encryption: "AES256"`.
     */
    kmsKeyArn?: pulumi.Input<string>;
    /**
     * Accounts whose log groups may export into the bucket (`aws:SourceAccount`, seed 003). Defaults
     * to the account of the component's provider. Seed 003 recommends listing the bucket's own account
     * too when other accounts are listed. Conflicts with `sourceOrgId`. The bucket policy must stay
     * within S3's 20 KB: past about 150 accounts the per-account `aws:SourceArn` list is collapsed to
     * one account-wildcard ARN (access unchanged, `aws:SourceAccount` keeps the list), and past about
     * 650 the component fails before creating anything, saying how many fit: use `sourceOrgId` then.
     */
    sourceAccounts?: pulumi.Input<pulumi.Input<string>[]>;
    /** An AWS Organizations ID (`o-...`) whose accounts may export (`aws:SourceOrgID`). Conflicts with `sourceAccounts`. */
    sourceOrgId?: pulumi.Input<string>;
    /** Log groups allowed to export (`aws:SourceArn`). Defaults to all log groups of the source accounts. */
    logGroupNames?: pulumi.Input<pulumi.Input<string>[]>;
    /**
     * Key prefixes exports may write under: the `destinationPrefix` of each export task (seed 000
     * advises a random string). Defaults to the whole bucket. No leading `/`, no `//`.
     */
    destinationPrefixes?: pulumi.Input<pulumi.Input<string>[]>;
    /**
     * IAM role or user ARNs in other accounts that call CreateExportTask into this bucket (seed 003,
     * cross-account). They get `s3:PutObject` with the `bucket-owner-full-control` ACL condition, and
     * `kms:GenerateDataKey`/`kms:Decrypt` on the created key. S3 and KMS refuse a principal that does
     * not exist yet, so a role named here is deployed first (its stack's `roleArn` output); an account
     * root ARN (`arn:aws:iam::<id>:root`) can be named before, and leaves it to that account's own IAM
     * policies which of its principals may write (README, "Across accounts").
     */
    crossAccountCallerArns?: pulumi.Input<pulumi.Input<string>[]>;
    /** Region of the bucket and key (v7 per-resource region). Defaults to the provider's region. */
    region?: pulumi.Input<string>;
    /** Deny every request made without TLS (`aws:SecureTransport = false`). Defaults to `true`. */
    denyInsecureTransport?: boolean;
    /** Enable S3 versioning. Defaults to `false`. */
    versioning?: boolean;
    /** Archive or expire exported objects. No lifecycle rule by default. */
    lifecycle?: ExportBucketLifecycle;
    /**
     * Let `pulumi destroy` delete the bucket with every exported object in it. Defaults to `false`:
     * a destroy never deletes exported data unless you opt in.
     */
    forceDestroy?: boolean;
    /** Waiting period before the created key is deleted, 7-30 days. Defaults to `30`. */
    keyDeletionWindowInDays?: number;
    /** Alias of the created key. Defaults to `alias/cwlogs-export/<name>`. */
    keyAlias?: string;
    /**
     * Statements appended to the bucket policy (e.g. V2 log delivery's, seed 004). Sids must be unique
     * and differ from the component's own. They count toward S3's 20 KB bucket policy limit.
     */
    additionalPolicyStatements?: pulumi.Input<PolicyStatement[]>;
    /**
     * Statements appended to the created key's policy (e.g. "Allow Logs Delivery to use the key", seed 004).
     * Sids must be unique and differ from the component's own; they count toward KMS's 32 KB key policy limit.
     */
    additionalKeyPolicyStatements?: pulumi.Input<PolicyStatement[]>;
    /** Tags for the bucket and the key. */
    tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}
