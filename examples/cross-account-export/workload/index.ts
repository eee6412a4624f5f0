/**
 * Account A, the workload, of a cross-account export (seed 003, "Exportation intercomptes",
 * steps 2 and 5): the CreateExportTask caller role (export actions on the log groups, `s3:PutObject`
 * under the archive's prefix, `kms:GenerateDataKey`/`kms:Decrypt` on the archive's key) and one
 * ExportTask per log group that assumes it. The archive's bucket, prefix, key and region come from
 * account B's stack through `pulumi.StackReference`, checked: a missing or malformed output, or an
 * archive in another region than this stack's, fails before anything is created.
 *
 *   pulumi stack init acme/cwlogs-export-workload/dev
 *   pulumi config set aws:region us-east-1
 *   pulumi config set --path 'logGroupNames[0]' my-log-group
 *   pulumi config set phase role                        # source role first: only the role
 *   pulumi up
 *   # ... then `pulumi up` the archive stack (callerPrincipal=role), and:
 *   pulumi config set phase export
 *   pulumi config set archiveStack acme/cwlogs-export-archive/dev
 *   pulumi config set exportFrom 2025-01-01T00:00:00Z
 *   pulumi config set exportTo 2025-01-02T00:00:00Z
 *   pulumi up
 *
 * Optionally (`pulumi config set scheduledExport true`, export phase only: it needs the archive's
 * bucket) a ScheduledExport keeps exporting the same log groups day by day into the archive. Its
 * function's role is a second export caller: it joins `callerRoleArns`, so `pulumi up` the archive
 * stack once more for its bucket and key policies to name it (until then its exports are denied
 * and retried, backing off up to 6 hours; no day is skipped, each waits in the state table).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ScheduledExport, ValidationError } from "../../../index";
import { archiveDestination, WorkloadExports } from "./workloadExports";

const config = new pulumi.Config();
const phase = config.get("phase") ?? "export";
if (phase !== "role" && phase !== "export") {
    throw new ValidationError("phase",
        `${JSON.stringify(phase)} is not a phase: use "role" (only the caller role, for the archive to name) or "export" (permissions on the archive and the exports).`);
}
const scheduledExport = config.getBoolean("scheduledExport") ?? false;
if (scheduledExport && phase !== "export") {
    throw new ValidationError("scheduledExport",
        "the scheduled export writes into the archive's bucket, which the \"role\" phase does not read yet: " +
        "set it after the archive stack is up, with phase \"export\" (`pulumi config set phase export`).");
}
const identity = aws.getCallerIdentityOutput();

const logGroupNames = config.getObject<string[]>("logGroupNames") ?? ["my-log-group"];
const archive = phase === "export" ? archiveDestination(new pulumi.StackReference(config.require("archiveStack"))) : undefined;
const workload = new WorkloadExports("workload", {
    trustedPrincipals: config.getObject<string[]>("trustedPrincipals") ?? [identity.accountId],
    logGroupNames,
    roleName: config.get("callerRoleName"),
    archive,
    exportWindow: phase === "export" ? { from: config.require("exportFrom"), to: config.require("exportTo") } : undefined,
});
const scheduled = scheduledExport && archive !== undefined
    ? new ScheduledExport("scheduled", {
        logGroupNames, bucketName: archive.bucketName, prefix: archive.prefix, kmsKeyArn: archive.kmsKeyArn, start: config.get("scheduledStart"),
    })
    : undefined;

export const accountId = workload.accountId;
export const callerRoleArn = workload.callerRoleArn;
/** What the archive stack reads (callerPrincipal=role): the caller roles of this stack, the scheduled export's included. */
export const callerRoleArns = pulumi.all([workload.callerRoleArn, ...(scheduled === undefined ? [] : [scheduled.roleArn])]);
export const callerPolicyJson = workload.callerPolicyJson;
export const exportTaskIds = workload.exportTaskIds;
