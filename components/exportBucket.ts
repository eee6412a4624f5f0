import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { EXPORT_BUCKET_SIDS, ExportBucketPolicyOptions, fitExportBucketPolicy } from "../policies/exportBucket";
import { EXPORT_KEY_SIDS, fitExportKeyPolicy } from "../policies/exportKey";
import { bucketArn as bucketArnOf, Partition, partitionOfRegion } from "../policies/partition";
import { ValidationError, withArgumentNames } from "../policies/validate";
import { ExportBucketArgs } from "./exportBucketArgs";
import { checkStatementSids, validateExportBucketArgs } from "./exportBucketValidation";
import { asResourceError, known, plain, plainList, providerAnswered, UNKNOWN } from "./inputs";

/** Builder option names -> this component's argument names, for error messages. */
const ARGUMENT_NAMES = {
    sourceAccounts: "sourceAccounts",
    sourceOrgId: "sourceOrgId",
    prefixes: "destinationPrefixes",
    callerArns: "crossAccountCallerArns",
    callerArn: "crossAccountCallerArns",
    account: "sourceAccounts",
} as const;

/** What the policies need, resolved and validated. */
interface Resolved {
    region: string;
    account: string;
    partition: Partition;
    kmsKeyArn?: string;
    sourceAccounts?: string[];
    sourceOrgId?: string;
    logGroupNames: string[];
    prefixes: string[];
    callerArns: string[];
}

function bucketPolicyOptions(r: Resolved, bucket: string, denyInsecureTransport: boolean | undefined): ExportBucketPolicyOptions {
    return {
        bucket, region: r.region, partition: r.partition,
        sourceAccounts: r.sourceAccounts, sourceOrgId: r.sourceOrgId, logGroupNames: r.logGroupNames,
        prefixes: r.prefixes, callerArns: r.callerArns, denyInsecureTransport: denyInsecureTransport ?? true,
    };
}

/**
 * A name as long as the one Pulumi will give the bucket (the child's name, "-" and 7 random hex
 * characters), so the bucket policy can be measured before the bucket exists.
 */
function autoNameStandIn(name: string): string {
    return `${name}-bucket-0000000`;
}

/**
 * The bucket policy's size check, in the constructor when every value it needs is plain (the region
 * and the source accounts given, not left to the provider): a policy over S3's limit then fails like
 * any other bad argument, before the component registers anything. Otherwise the preflight output
 * checks it when the values resolve, still before the bucket and key are registered.
 */
function checkSizesNow(name: string, args: ExportBucketArgs): void {
    const region = plain(args.region);
    const accounts = plainList(args.sourceAccounts);
    const org = plain(args.sourceOrgId);
    const lists = [plainList(args.logGroupNames), plainList(args.destinationPrefixes), plainList(args.crossAccountCallerArns)];
    const extra = plain(args.additionalPolicyStatements);
    if (!known(region) || !(known(accounts) || known(org)) || lists.includes(UNKNOWN) || extra === UNKNOWN) {
        return;
    }
    const partition = partitionOfRegion(region) ?? "aws";
    withArgumentNames(ARGUMENT_NAMES, () => fitExportBucketPolicy(bucketPolicyOptions({
        region, account: "", partition,
        sourceAccounts: known(accounts) ? accounts : undefined,
        sourceOrgId: known(org) ? org : undefined,
        logGroupNames: (lists[0] as string[] | undefined) ?? [],
        prefixes: ((lists[1] as string[] | undefined) ?? []).map(p => p.replace(/\/+$/, "")),
        callerArns: (lists[2] as string[] | undefined) ?? [],
    }, args.bucketName ?? args.existingBucketName ?? autoNameStandIn(name), args.denyInsecureTransport), extra ?? []));
}

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
            checkSizesNow(name, args);
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
        const resolved: pulumi.Output<Resolved> = pulumi.all([
            region, accountId, args.sourceAccounts, args.sourceOrgId, args.logGroupNames,
            args.destinationPrefixes, args.crossAccountCallerArns, args.kmsKeyArn,
        ]).apply(([regionAnswer, accountAnswer, sourceAccounts, sourceOrgId, logGroupNames, prefixes, callers, kmsKeyArn]) =>
            asResourceError(this, () => {
                const rgn = providerAnswered(regionAnswer, "region", "aws:index/getRegion:getRegion", "region");
                // The account is needed for the default source account and for any key policy.
                const needsAccount = (sourceOrgId === undefined && sourceAccounts === undefined) || useKms || args.kmsKeyArn !== undefined;
                const account = needsAccount
                    ? providerAnswered(accountAnswer, "account ID", "aws:index/getCallerIdentity:getCallerIdentity")
                    : String(accountAnswer ?? "");
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

        // Both policies measured on the text that will be sent, before the key or the bucket is
        // registered (they wait for this): an S3 or KMS size error after the bucket exists would leave
        // a half-built stack. With an auto-named bucket the name is a stand-in of the same length.
        // Extra statements count when they are plain values; given as outputs they may name the
        // bucket itself (DeliveryDestination's do), so waiting for them here would wait forever:
        // those are measured with the policy, once the bucket exists.
        const policyBucketName = args.bucketName ?? existing ?? autoNameStandIn(name);
        const extraNow = plain(args.additionalPolicyStatements);
        const extraKeyNow = plain(args.additionalKeyPolicyStatements);
        const preflight = resolved.apply(r => asResourceError(this, () => withArgumentNames(ARGUMENT_NAMES, () => {
            fitExportBucketPolicy(bucketPolicyOptions(r, policyBucketName, args.denyInsecureTransport), known(extraNow) ? extraNow : []);
            if (useKms && args.kmsKeyArn === undefined) {
                fitExportKeyPolicy({ region: r.region, account: r.account, partition: r.partition, callerArns: r.callerArns },
                    known(extraKeyNow) ? extraKeyNow : []);
            }
            return [] as pulumi.Resource[];
        })));

        let key: aws.kms.Key | undefined;
        let keyArn: pulumi.Output<string | undefined>;
        let keyPolicyJson: pulumi.Output<string | undefined>;
        if (useKms && args.kmsKeyArn === undefined) {
            keyPolicyJson = pulumi.all([resolved, args.additionalKeyPolicyStatements ?? []]).apply(([r, extra]) =>
                asResourceError(this, () => withArgumentNames(ARGUMENT_NAMES, () => {
                    checkStatementSids(extra, Object.values(EXPORT_KEY_SIDS), "additionalKeyPolicyStatements", "key");
                    return fitExportKeyPolicy({ region: r.region, account: r.account, partition: r.partition, callerArns: r.callerArns }, extra).text;
                })));
            key = new aws.kms.Key(`${name}-key`, {
                description: `CloudWatch Logs export bucket key (${name})`,
                enableKeyRotation: true,
                deletionWindowInDays: args.keyDeletionWindowInDays ?? 30,
                policy: keyPolicyJson as pulumi.Output<string>,
                region: args.region,
                tags: args.tags,
            }, { parent: this, dependsOn: preflight });
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
                fitExportKeyPolicy({ region: r.region, account: r.account, partition: r.partition, callerArns: r.callerArns }, [], false).text)));
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
                dependsOn: key === undefined ? preflight : preflight.apply(p => [...p, key as aws.kms.Key]),
            });
            bucketName = bucket.bucket;
            bucketDeps = this.secureBucket(name, args, bucket, keyArn, useKms);
        } else {
            bucketName = pulumi.output(existing);
        }

        // A created bucket's name comes from the provider; a unit-test mock that returns its inputs as
        // state (Pulumi's documented mock) has no auto-naming, so the name it reports is unset.
        // It also waits for the preflight, so a size error reaches this output, not only the bucket's registration.
        const policyJson = pulumi.all([resolved, bucketName, args.additionalPolicyStatements ?? [], preflight]).apply(([r, b, extra]) =>
            asResourceError(this, () => withArgumentNames(ARGUMENT_NAMES, () => {
                checkStatementSids(extra, Object.values(EXPORT_BUCKET_SIDS), "additionalPolicyStatements", "bucket");
                const bucket = typeof b === "string" && b !== "" ? b : (args.bucketName ?? `${name}-bucket`);
                return fitExportBucketPolicy(bucketPolicyOptions(r, bucket, args.denyInsecureTransport), extra).text;
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
