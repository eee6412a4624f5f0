/**
 * What one workload account needs to export its log groups into the archive account's bucket
 * (seed 003, "Exportation intercomptes", steps 2 and 5): the caller role, and one ExportTask per
 * log group that assumes it. Used once by `cross-account-export/workload` and once per account,
 * each with its own `aws.Provider`, by `multi-account`.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import {
    ExportCallerRole, ExportTask, requireStackOutput, validateAccountId, validateBucketName, validateKmsKeyArn, validatePrefix,
    validateRegion,
} from "../../../index";

/** The archive stack's outputs a workload uses. */
export interface ArchiveDestination {
    bucketName: pulumi.Input<string>;
    prefix: pulumi.Input<string>;
    kmsKeyArn: pulumi.Input<string>;
    region: pulumi.Input<string>;
    accountId: pulumi.Input<string>;
}

/** Reads and checks the archive stack's outputs (`cross-account-export/archive`). */
export function archiveDestination(ref: pulumi.StackReference): ArchiveDestination {
    return {
        bucketName: requireStackOutput(ref, "bucketName", validateBucketName),
        prefix: requireStackOutput(ref, "prefix", validatePrefix),
        kmsKeyArn: requireStackOutput(ref, "kmsKeyArn", validateKmsKeyArn),
        region: requireStackOutput(ref, "region", (v, arg) => { validateRegion(v, arg); return v; }),
        accountId: requireStackOutput(ref, "accountId", validateAccountId),
    };
}

/** Arguments of {@link WorkloadExports}. */
export interface WorkloadExportsArgs {
    /** Who may assume the caller role: the identity that runs `pulumi up` (the ExportTask provider assumes the role as it). */
    trustedPrincipals: pulumi.Input<pulumi.Input<string>[]>;
    /** The log groups to export. */
    logGroupNames: string[];
    /** Name of the caller role. Defaults to a unique name. */
    roleName?: string;
    /**
     * The archive bucket. Without it only the caller role is created, for the archive's bucket and
     * key policies to name (the first step of the "source role first" order).
     */
    archive?: ArchiveDestination;
    /** Export each log group for this window (ms since the epoch or ISO-8601). Needs `archive`. No export when unset. */
    exportWindow?: { from: pulumi.Input<string | number>; to: pulumi.Input<string | number> };
}

/** The workload side of a cross-account export, in the account of its provider. */
export class WorkloadExports extends pulumi.ComponentResource {
    /** ARN of the caller role: the archive's bucket and key policies name it. */
    public readonly callerRoleArn: pulumi.Output<string>;
    /** Account of the workload (the provider's). */
    public readonly accountId: pulumi.Output<string>;
    /** The caller role's policy (seed 003's caller statements) as JSON, for review. */
    public readonly callerPolicyJson: pulumi.Output<string>;
    /** Export task ID by log group. */
    public readonly exportTaskIds: pulumi.Output<Record<string, string>>;

    constructor(name: string, args: WorkloadExportsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("cwlogs:examples:WorkloadExports", name, {}, opts);
        const archive = args.archive;
        if (args.exportWindow !== undefined && archive === undefined) {
            throw new pulumi.ResourceError("[exportWindow] needs [archive]: name the bucket to export into.", this);
        }
        const region = aws.getRegionOutput({}, { parent: this }).region;
        const caller = new ExportCallerRole(`${name}-caller`, {
            trustedPrincipals: args.trustedPrincipals,
            logGroupNames: args.logGroupNames,
            roleName: args.roleName,
            destinationBucket: archive?.bucketName,
            destinationPrefixes: archive !== undefined ? [archive.prefix] : undefined,
            destinationKmsKeyArn: archive?.kmsKeyArn,
            // Checked against the provider's region: exports only go to a bucket in the log group's region.
            destinationRegion: archive?.region,
        }, { parent: this });

        const tasks: Record<string, pulumi.Output<string>> = {};
        if (archive !== undefined && args.exportWindow !== undefined) {
            for (const logGroupName of args.logGroupNames) {
                tasks[logGroupName] = new ExportTask(`${name}-export-${logGroupName.replace(/[^A-Za-z0-9-]+/g, "-").replace(/^-+|-+$/g, "")}`, {
                    logGroupName,
                    from: args.exportWindow.from,
                    to: args.exportWindow.to,
                    destination: archive.bucketName,
                    destinationPrefix: archive.prefix,
                    region,
                    roleArn: caller.roleArn,
                }, {
                    parent: this,
                    // Waits for the role's policy, not only the role.
                    dependsOn: [caller],
                }).taskId;
            }
        }

        this.callerRoleArn = caller.roleArn;
        this.accountId = caller.accountId;
        this.callerPolicyJson = caller.policyJson;
        this.exportTaskIds = pulumi.all(tasks);
        this.registerOutputs({
            callerRoleArn: this.callerRoleArn, accountId: this.accountId, callerPolicyJson: this.callerPolicyJson, exportTaskIds: this.exportTaskIds,
        });
    }
}
