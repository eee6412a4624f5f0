import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { exportCallerStatements } from "../policies/exportCaller";
import { accountRootArn, partitionOfRegion } from "../policies/partition";
import { policyDocument } from "../policies/types";
import {
    regionOfKmsKeyArn, validateAccountId, validateBucketName, validateKmsKeyArn, validateLogGroupName, validatePrefixes, validatePrincipalArn,
    validateRegion, validateSameExportRegion, ValidationError, withArgumentNames,
} from "../policies/validate";
import { asResourceError, checkBoolean, checkList, checkNumber, known, plain, plainList, providerAnswered, requireList } from "./inputs";

/** Arguments of {@link ExportCallerRole}. */
export interface ExportCallerRoleArgs {
    /**
     * Who may assume the role: IAM role or user ARNs, or 12-digit account IDs (meaning that account's
     * root, i.e. any principal there whose own policy allows `sts:AssumeRole` on this role). Required.
     */
    trustedPrincipals: pulumi.Input<pulumi.Input<string>[]>;
    /**
     * Log groups the role may export (`logs:CreateExportTask` and `logs:DescribeLogStreams` on their
     * ARNs). Without it those actions are on `Resource: "*"`, as in seed 003: any log group the
     * account has, in any region.
     */
    logGroupNames?: pulumi.Input<pulumi.Input<string>[]>;
    /**
     * The destination bucket (in the other account): the role gets `s3:PutObject` on it (seed 003,
     * cross-account "Étape 2"). Typically `stackRef.getOutput("bucketName")`.
     */
    destinationBucket?: pulumi.Input<string>;
    /** Prefixes under the destination bucket the role may write. Defaults to the whole bucket. */
    destinationPrefixes?: pulumi.Input<pulumi.Input<string>[]>;
    /** The destination bucket's KMS key: the role gets `kms:GenerateDataKey` and `kms:Decrypt` on it (seed 003). */
    destinationKmsKeyArn?: pulumi.Input<string>;
    /**
     * Region of the destination bucket, e.g. the destination stack's `region` output. When given it
     * must equal `region`: CloudWatch Logs only exports to a bucket in the log group's region (seed
     * 003), so a mismatch fails before the role is written instead of at the export. Not checked when
     * absent.
     */
    destinationRegion?: pulumi.Input<string>;
    /** Region of the log groups. Defaults to the provider's region. */
    region?: pulumi.Input<string>;
    /** Name of the role. Defaults to a unique name derived from the component name. */
    roleName?: string;
    /** Maximum session duration in seconds (3600-43200). Defaults to `3600`; long exports re-assume as needed. */
    maxSessionDuration?: number;
    /**
     * Attach the `AmazonS3ReadOnlyAccess` managed policy, which seed 003 lists for the export caller.
     * Defaults to `false`: the role's own policy already has what CreateExportTask needs.
     */
    attachS3ReadOnlyAccess?: boolean;
    /** Tags for the role. */
    tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

/** Builder option names -> this component's argument names. */
const ARGUMENT_NAMES = {
    bucket: "destinationBucket",
    prefixes: "destinationPrefixes",
    kmsKeyArn: "destinationKmsKeyArn",
    logGroupNames: "logGroupNames",
    region: "region",
} as const;

function trustedPrincipalArn(p: string, partition: "aws" | "aws-cn" | "aws-us-gov"): string {
    return /^\d{12}$/.test(p) ? accountRootArn(partition, p) : validatePrincipalArn(p, "trustedPrincipals");
}

function validate(args: ExportCallerRoleArgs): void {
    requireList(args.trustedPrincipals, "trustedPrincipals", '["arn:aws:iam::111122223333:role/Exporter"]',
        "name who may assume the role, IAM role or user ARNs or 12-digit account IDs");
    checkList(args.logGroupNames, "logGroupNames", '["/app/web"]');
    checkList(args.destinationPrefixes, "destinationPrefixes", '["exports-7f3a9c"]');
    checkBoolean(args.attachS3ReadOnlyAccess, "attachS3ReadOnlyAccess");
    checkNumber(args.maxSessionDuration, "maxSessionDuration");
    const trusted = plainList(args.trustedPrincipals);
    if (known(trusted)) {
        if (trusted.length === 0) {
            throw new ValidationError("trustedPrincipals",
                "the list is empty, so nobody could assume the role: name the IAM roles or users (ARNs) or the accounts (12-digit IDs) that run exports.");
        }
        trusted.forEach(p => /^\d+$/.test(p) ? validateAccountId(p, "trustedPrincipals") : validatePrincipalArn(p, "trustedPrincipals"));
    }
    const groups = plainList(args.logGroupNames);
    if (known(groups)) {
        groups.forEach(g => validateLogGroupName(g, "logGroupNames"));
    }
    const bucket = plain(args.destinationBucket);
    if (known(bucket)) {
        validateBucketName(bucket, "destinationBucket");
    }
    const prefixes = plainList(args.destinationPrefixes);
    if (known(prefixes)) {
        if (args.destinationBucket === undefined && prefixes.length > 0) {
            throw new ValidationError("destinationPrefixes", "[destinationPrefixes] needs [destinationBucket]: name the bucket the prefixes are in.");
        }
        validatePrefixes(prefixes, "destinationPrefixes");
    }
    const key = plain(args.destinationKmsKeyArn);
    if (known(key)) {
        validateKmsKeyArn(key, "destinationKmsKeyArn");
    }
    const region = plain(args.region);
    if (known(region)) {
        validateRegion(region, "region");
    }
    const destinationRegion = plain(args.destinationRegion);
    if (known(destinationRegion)) {
        validateRegion(destinationRegion, "destinationRegion");
        if (known(region)) {
            validateSameExportRegion(region, destinationRegion, "destinationRegion");
        }
    }
    const keyRegion = known(key) ? regionOfKmsKeyArn(key) : undefined;
    if (keyRegion !== undefined && known(region) && keyRegion !== region) {
        throw new ValidationError("destinationKmsKeyArn",
            `the key is in "${keyRegion}" but the log groups are in "${region}": an SSE-KMS bucket's key is in the bucket's region, ` +
            `which must be the log group's region (CloudWatch Logs User Guide, S3ExportTasks.html). Use the key of a bucket in "${region}".`);
    }
    const d = args.maxSessionDuration;
    if (d !== undefined && (!Number.isInteger(d) || d < 3600 || d > 43200)) {
        throw new ValidationError("maxSessionDuration", `${JSON.stringify(d)} is out of range: IAM allows 3600 to 43200 seconds.`);
    }
}

/**
 * The IAM role that calls CreateExportTask in the account that owns the log groups, when the
 * destination bucket is in another account (seed 003, "Exportation intercomptes"): the export
 * actions on the log groups, `s3:PutObject` on the destination prefix and the destination key's
 * `kms:GenerateDataKey`/`kms:Decrypt`. Its `roleArn` is what the destination's ExportBucket takes
 * in `crossAccountCallerArns`, and what `ExportTask.roleArn` assumes.
 */
export class ExportCallerRole extends pulumi.ComponentResource {
    /** ARN of the role. */
    public readonly roleArn: pulumi.Output<string>;
    /** Name of the role. */
    public readonly roleName: pulumi.Output<string>;
    /** The role's inline policy (seed 003's caller statements), as JSON. */
    public readonly policyJson: pulumi.Output<string>;
    /** Account that owns the role. */
    public readonly accountId: pulumi.Output<string>;
    public readonly role: aws.iam.Role;

    constructor(name: string, args: ExportCallerRoleArgs, opts?: pulumi.ComponentResourceOptions) {
        super("cwlogs:export:ExportCallerRole", name, {}, opts);
        asResourceError(this, () => validate(args));

        const parent = { parent: this };
        const region = args.region !== undefined
            ? pulumi.output(args.region)
            : aws.getRegionOutput({}, parent).region.apply(r => asResourceError(this, () =>
                providerAnswered(r, "region", "aws:index/getRegion:getRegion", "region")));
        const accountId = aws.getCallerIdentityOutput({}, parent).accountId.apply(a => asResourceError(this, () =>
            providerAnswered(a, "account ID", "aws:index/getCallerIdentity:getCallerIdentity")));

        const trustJson = pulumi.all([region, args.trustedPrincipals]).apply(([r, trusted]) => asResourceError(this, () => {
            validate({ ...args, trustedPrincipals: trusted, region: r });
            const partition = partitionOfRegion(r) ?? "aws";
            const principals = [...new Set(trusted.map(p => trustedPrincipalArn(p, partition)))];
            return JSON.stringify(policyDocument([{
                Sid: "AllowExportCallersToAssume",
                Effect: "Allow",
                Principal: { AWS: principals.length === 1 ? principals[0] : principals },
                Action: "sts:AssumeRole",
            }]));
        }));

        // Arguments given as outputs (a StackReference to the destination stack) are checked here,
        // when they resolve, before the policy exists.
        const policyJson = pulumi.all([
            region, accountId, args.logGroupNames, args.destinationBucket, args.destinationPrefixes, args.destinationKmsKeyArn, args.destinationRegion,
        ]).apply(([r, account, groups, bucket, prefixes, key, destinationRegion]) => asResourceError(this, () => {
            validate({
                ...args, region: r, logGroupNames: groups, destinationBucket: bucket, destinationPrefixes: prefixes, destinationKmsKeyArn: key,
                destinationRegion,
            });
            return withArgumentNames(ARGUMENT_NAMES, () => JSON.stringify(policyDocument(exportCallerStatements({
                region: r, account, logGroupNames: groups, bucket, prefixes, kmsKeyArn: key,
            }))));
        }));

        this.role = new aws.iam.Role(`${name}-role`, {
            name: args.roleName,
            description: `Calls CloudWatch Logs CreateExportTask into a cross-account bucket (${name})`,
            assumeRolePolicy: trustJson,
            maxSessionDuration: args.maxSessionDuration ?? 3600,
            tags: args.tags,
        }, parent);
        new aws.iam.RolePolicy(`${name}-export-policy`, {
            role: this.role.id,
            policy: policyJson,
        }, parent);
        if (args.attachS3ReadOnlyAccess === true) {
            const partition = region.apply(r => partitionOfRegion(r) ?? "aws");
            new aws.iam.RolePolicyAttachment(`${name}-s3-read-only`, {
                role: this.role.name,
                policyArn: pulumi.interpolate`arn:${partition}:iam::aws:policy/AmazonS3ReadOnlyAccess`,
            }, parent);
        }

        this.roleArn = this.role.arn;
        this.roleName = this.role.name;
        this.policyJson = policyJson;
        this.accountId = accountId;
        this.registerOutputs({ roleArn: this.roleArn, roleName: this.roleName, policyJson: this.policyJson, accountId: this.accountId });
    }
}
