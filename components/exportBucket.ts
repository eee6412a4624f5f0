import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { exportBucketStatements } from "../policies/exportBucket";
import { exportKeyStatements, EXPORT_KEY_SIDS } from "../policies/exportKey";
import { bucketArn as bucketArnOf, partitionOfRegion } from "../policies/partition";
import { mergeStatements, policyDocument, PolicyStatement } from "../policies/types";
import { ValidationError, withArgumentNames } from "../policies/validate";
import { ExportBucketArgs } from "./exportBucketArgs";
import { validateExportBucketArgs } from "./exportBucketValidation";
import { asResourceError } from "./inputs";

/** Builder option names -> this component's argument names, for error messages. */
const ARGUMENT_NAMES = {
    sourceAccounts: "sourceAccounts",
    sourceOrgId: "sourceOrgId",
    prefixes: "destinationPrefixes",
    callerArns: "crossAccountCallerArns",
    callerArn: "crossAccountCallerArns",
    account: "sourceAccounts",
} as const;

/**
 * An S3 bucket that CloudWatch Logs can export log data into (seeds 000-003): encrypted (SSE-KMS
 * with its own key by default), private, TLS-only, with the bucket policy for
 * `logs.<region>.amazonaws.com` and its confused-deputy conditions, and the key policy that lets
 * CloudWatch Logs use the key.
 *
 * ```ts
 * const exports = new ExportBucket("exports", { destinationPrefixes: ["exports-7f3a9c"] });
 * ```
 */
export class ExportBucket extends pulumi.ComponentResource {
    /** Name of the bucket. */
    public readonly bucketName: pulumi.Output<string>;
    /** ARN of the bucket. */
    public readonly bucketArn: pulumi.Output<string>;
    /** ARN of the SSE-KMS key (created or given); `undefined` with SSE-S3 or an existing bucket without `kmsKeyArn`. */
    public readonly kmsKeyArn: pulumi.Output<string | undefined>;
    /** Region of the bucket: export tasks must run in this region (seed 003). */
    public readonly region: pulumi.Output<string>;
    /** Account that owns the bucket (the provider's account). */
    public readonly accountId: pulumi.Output<string>;
    /** The bucket policy document, as JSON: written to the bucket, or to merge into an existing bucket's policy. */
    public readonly policyJson: pulumi.Output<string>;
    /**
     * The key policy as JSON: the created key's whole policy; with `kmsKeyArn`, the statements to merge
     * into that key's policy; `undefined` with SSE-S3.
     */
    public readonly keyPolicyJson: pulumi.Output<string | undefined>;
    /** Prefixes exports may write under (empty: the whole bucket). */
    public readonly destinationPrefixes: pulumi.Output<string[]>;
    /** The created bucket; `undefined` with `existingBucketName`. */
    public readonly bucket?: aws.s3.Bucket;
    /** The created key; `undefined` with `kmsKeyArn`, SSE-S3 or an existing bucket. */
    public readonly key?: aws.kms.Key;
    /** The bucket policy; `undefined` for an existing bucket unless `manageBucketPolicy` is set. */
    public readonly bucketPolicy?: aws.s3.BucketPolicy;

    constructor(name: string, args: ExportBucketArgs = {}, opts?: pulumi.ComponentResourceOptions) {
        super("cwlogs:export:ExportBucket", name, {}, opts);
        asResourceError(this, () => {
            validateExportBucketArgs(args);
            if (args.bucketName === undefined && args.existingBucketName === undefined && !/^[a-z0-9][a-z0-9.-]{0,40}$/.test(name)) {
                throw new ValidationError("bucketName",
                    `the bucket would be auto-named from the component name ${JSON.stringify(name)}, which is not a valid start of an S3 bucket name: ` +
                    `give [bucketName], or use a lowercase component name of at most 41 letters, digits, dots and hyphens.`);
            }
        });

        const parent = { parent: this };
        const region = args.region !== undefined
            ? pulumi.output(args.region)
            : aws.getRegionOutput({}, parent).region;
        const accountId = aws.getCallerIdentityOutput({}, parent).accountId;
        const existing = args.existingBucketName;
        const useKms = existing === undefined && (args.encryption ?? "aws:kms") === "aws:kms";

        // Everything a policy needs, resolved and validated again: arguments given as outputs
        // (a StackReference, another resource) could only be checked now.
        const resolved = pulumi.all([
            region, accountId, args.sourceAccounts, args.sourceOrgId, args.logGroupNames,
            args.destinationPrefixes, args.crossAccountCallerArns, args.kmsKeyArn,
        ]).apply(([rgn, account, sourceAccounts, sourceOrgId, logGroupNames, prefixes, callers, kmsKeyArn]) =>
            asResourceError(this, () => {
                validateExportBucketArgs({
                    ...args, region: rgn, sourceAccounts, sourceOrgId, logGroupNames,
                    destinationPrefixes: prefixes, crossAccountCallerArns: callers, kmsKeyArn,
                });
                const partition = partitionOfRegion(rgn) ?? "aws";
                return {
                    region: rgn, account, partition, kmsKeyArn,
                    sourceAccounts: sourceOrgId === undefined ? (sourceAccounts ?? [account]) : undefined,
                    sourceOrgId,
                    logGroupNames: logGroupNames ?? [],
                    prefixes: (prefixes ?? []).map(p => p.replace(/\/+$/, "")),
                    callerArns: callers ?? [],
                };
            }));

        let key: aws.kms.Key | undefined;
        let keyArn: pulumi.Output<string | undefined>;
        let keyPolicyJson: pulumi.Output<string | undefined>;
        if (useKms && args.kmsKeyArn === undefined) {
            keyPolicyJson = pulumi.all([resolved, args.additionalKeyPolicyStatements ?? []]).apply(([r, extra]) =>
                asResourceError(this, () => withArgumentNames(ARGUMENT_NAMES, () => JSON.stringify(mergeStatements(
                    policyDocument(exportKeyStatements({ region: r.region, account: r.account, partition: r.partition, callerArns: r.callerArns })),
                    extra)))));
            key = new aws.kms.Key(`${name}-key`, {
                description: `CloudWatch Logs export bucket key (${name})`,
                enableKeyRotation: true,
                deletionWindowInDays: args.keyDeletionWindowInDays ?? 30,
                policy: keyPolicyJson as pulumi.Output<string>,
                region: args.region,
                tags: args.tags,
            }, parent);
            new aws.kms.Alias(`${name}-key-alias`, {
                name: args.keyAlias ?? `alias/cwlogs-export/${name}`,
                targetKeyId: key.keyId,
                region: args.region,
            }, parent);
            keyArn = key.arn;
        } else if (args.kmsKeyArn !== undefined) {
            // A key we do not own: output what its policy must contain, without the admin statement.
            keyArn = pulumi.output(args.kmsKeyArn);
            keyPolicyJson = resolved.apply(r => asResourceError(this, () => withArgumentNames(ARGUMENT_NAMES, () =>
                JSON.stringify(policyDocument(
                    exportKeyStatements({ region: r.region, account: r.account, partition: r.partition, callerArns: r.callerArns })
                        .filter(s => s.Sid !== EXPORT_KEY_SIDS.admin))))));
        } else {
            keyArn = pulumi.output(undefined);
            keyPolicyJson = pulumi.output(undefined);
        }

        let bucket: aws.s3.Bucket | undefined;
        let bucketName: pulumi.Output<string>;
        let bucketDeps: pulumi.Resource[] = [];
        if (existing === undefined) {
            bucket = new aws.s3.Bucket(`${name}-bucket`, {
                bucket: args.bucketName,
                forceDestroy: args.forceDestroy ?? false,
                region: args.region,
                tags: args.tags,
            }, {
                parent: this,
                // Destroy deletes the bucket before its key: while objects remain the bucket delete
                // fails and the key is never scheduled for deletion, so no object becomes unreadable.
                dependsOn: key !== undefined ? [key] : [],
            });
            bucketName = bucket.bucket;
            bucketDeps = this.secureBucket(name, args, bucket, keyArn, useKms);
        } else {
            bucketName = pulumi.output(existing);
        }

        const policyJson = pulumi.all([resolved, bucketName, args.additionalPolicyStatements ?? []]).apply(([r, b, extra]) =>
            asResourceError(this, () => withArgumentNames(ARGUMENT_NAMES, () => {
                const statements: PolicyStatement[] = exportBucketStatements({
                    bucket: b, region: r.region, partition: r.partition,
                    sourceAccounts: r.sourceAccounts, sourceOrgId: r.sourceOrgId, logGroupNames: r.logGroupNames,
                    prefixes: r.prefixes, callerArns: r.callerArns,
                    denyInsecureTransport: args.denyInsecureTransport ?? true,
                });
                return JSON.stringify(mergeStatements(policyDocument(statements), extra));
            })));

        let bucketPolicy: aws.s3.BucketPolicy | undefined;
        if (existing === undefined || args.manageBucketPolicy === true) {
            bucketPolicy = new aws.s3.BucketPolicy(`${name}-policy`, {
                bucket: bucketName,
                policy: policyJson,
                region: args.region,
            }, { parent: this, dependsOn: bucketDeps });
        }

        this.bucket = bucket;
        this.key = key;
        this.bucketPolicy = bucketPolicy;
        this.bucketName = bucketName;
        this.bucketArn = bucket !== undefined
            ? bucket.arn
            : pulumi.all([resolved, bucketName]).apply(([r, b]) => bucketArnOf(r.partition, b));
        this.kmsKeyArn = keyArn;
        this.region = region;
        this.accountId = accountId;
        this.policyJson = policyJson;
        this.keyPolicyJson = keyPolicyJson;
        this.destinationPrefixes = resolved.apply(r => r.prefixes);
        this.registerOutputs({
            bucketName: this.bucketName,
            bucketArn: this.bucketArn,
            kmsKeyArn: this.kmsKeyArn,
            region: this.region,
            accountId: this.accountId,
            policyJson: this.policyJson,
            keyPolicyJson: this.keyPolicyJson,
            destinationPrefixes: this.destinationPrefixes,
        });
    }

    /**
     * Public access block, ACLs off, default encryption, and the optional versioning and lifecycle.
     * Returns the resources the bucket policy waits for: S3 answers OperationAborted to concurrent
     * changes of one bucket's configuration, and a policy written before the public access block
     * would briefly stand alone.
     */
    private secureBucket(
        name: string, args: ExportBucketArgs, bucket: aws.s3.Bucket, keyArn: pulumi.Output<string | undefined>, useKms: boolean,
    ): pulumi.Resource[] {
        const parent = { parent: this };
        const publicAccessBlock = new aws.s3.BucketPublicAccessBlock(`${name}-public-access-block`, {
            bucket: bucket.id,
            blockPublicAcls: true,
            blockPublicPolicy: true,
            ignorePublicAcls: true,
            restrictPublicBuckets: true,
            region: args.region,
        }, parent);
        // BucketOwnerEnforced disables ACLs; S3 still accepts the bucket-owner-full-control header
        // that CloudWatch Logs sends with every export object.
        const ownership = new aws.s3.BucketOwnershipControls(`${name}-ownership`, {
            bucket: bucket.id,
            rule: { objectOwnership: "BucketOwnerEnforced" },
            region: args.region,
        }, { parent: this, dependsOn: [publicAccessBlock] });
        const encryption = new aws.s3.BucketServerSideEncryptionConfiguration(`${name}-encryption`, {
            bucket: bucket.id,
            rules: [useKms
                ? { applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: keyArn as pulumi.Output<string> }, bucketKeyEnabled: true }
                : { applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }],
            region: args.region,
        }, { parent: this, dependsOn: [ownership] });
        const deps: pulumi.Resource[] = [publicAccessBlock, ownership, encryption];
        if (args.versioning === true) {
            deps.push(new aws.s3.BucketVersioning(`${name}-versioning`, {
                bucket: bucket.id,
                versioningConfiguration: { status: "Enabled" },
                region: args.region,
            }, { parent: this, dependsOn: [encryption] }));
        }
        const lc = args.lifecycle;
        if (lc !== undefined) {
            deps.push(new aws.s3.BucketLifecycleConfiguration(`${name}-lifecycle`, {
                bucket: bucket.id,
                rules: [{
                    id: "cwlogs-export-archive",
                    status: "Enabled",
                    filter: { prefix: "" },
                    transitions: lc.transitionAfterDays !== undefined
                        ? [{ days: lc.transitionAfterDays, storageClass: lc.transitionStorageClass ?? "GLACIER" }]
                        : undefined,
                    expiration: lc.expireAfterDays !== undefined ? { days: lc.expireAfterDays } : undefined,
                }],
                region: args.region,
            }, { parent: this, dependsOn: deps.slice() }));
        }
        return deps;
    }
}
