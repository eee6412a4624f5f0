/**
 * Account B, the log archive, of a cross-account export (seed 003, "Exportation intercomptes",
 * steps 1, 3 and 4): an SSE-KMS bucket and key whose policies let
 *   - `logs.<region>.amazonaws.com` write exports of the workload accounts' log groups
 *     (`aws:SourceAccount` / `aws:SourceArn`) under one random-string prefix, and
 *   - the workload accounts' CreateExportTask caller `s3:PutObject` there with the
 *     `bucket-owner-full-control` ACL and `kms:GenerateDataKey`/`kms:Decrypt` on the key.
 *
 * Its outputs are what the workload stack reads through a StackReference: bucketName, bucketArn,
 * kmsKeyArn, region, prefix and accountId.
 *
 * A principal ARN in a bucket or key policy must exist when the policy is written, so the caller is
 * named one of two ways (`callerPrincipal`):
 *   - `role` (default): each workload stack's caller role, read from its `callerRoleArns` output.
 *     Order: workload (`phase: role`), then this stack, then the workload again (`phase: export`).
 *   - `account`: each workload account (`arn:aws:iam::<id>:root`), with seed 003's ACL condition.
 *     The workload account's own IAM policies then decide which of its principals may write (only
 *     the caller role has them). Order: this stack, then the workload. Switching to `role` later
 *     narrows the policies to the role.
 *
 *   pulumi stack init acme/cwlogs-export-archive/dev
 *   pulumi config set aws:region us-east-1
 *   pulumi config set --path 'workloadAccountIds[0]' 111111111111 --type string
 *   pulumi config set callerPrincipal role
 *   pulumi config set --path 'workloadStacks[0]' acme/cwlogs-export-workload/dev
 *   pulumi up
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import {
    accountOfPrincipalArn, accountRootArn, ExportBucket, partitionOfRegion, requireStackOutputList, validatePrefix, validateRoleArn,
    ValidationError,
} from "../../../index";
import { requireAccountIds, requireStringList } from "../../shared/config";

const config = new pulumi.Config();

const workloadAccountIds = requireAccountIds(config, "workloadAccountIds");
const prefix = validatePrefix(config.get("prefix") ?? "exports-7f3a9c", "prefix");
const callerPrincipal = config.get("callerPrincipal") ?? "role";
const logGroupNames = config.getObject<string[]>("logGroupNames");

/** A workload stack's caller role, checked to be a role of one of the workload accounts. */
function workloadRole(arn: string, argument: string): string {
    validateRoleArn(arn, argument);
    const account = accountOfPrincipalArn(arn);
    if (!workloadAccountIds.includes(account)) {
        throw new ValidationError(argument,
            `the role ${JSON.stringify(arn)} is in account ${account}, which is not in [workloadAccountIds] (${workloadAccountIds.join(", ")}): ` +
            `add ${account} to workloadAccountIds, or point [workloadStacks] at that account's workload stack.`);
    }
    return arn;
}

let callerArns: pulumi.Output<string[]>;
if (callerPrincipal === "role") {
    const stacks = requireStringList(config, "workloadStacks");
    callerArns = pulumi.all(stacks.map(s => requireStackOutputList(new pulumi.StackReference(s), "callerRoleArns", workloadRole)))
        .apply(lists => [...new Set(lists.flat())]);
} else if (callerPrincipal === "account") {
    callerArns = aws.getRegionOutput().region.apply(r => workloadAccountIds.map(id => accountRootArn(partitionOfRegion(r) ?? "aws", id)));
} else {
    throw new ValidationError("callerPrincipal",
        `${JSON.stringify(callerPrincipal)} is not a caller principal: use "role" (the workload stacks' caller roles, deployed first) ` +
        `or "account" (the workload accounts, this stack first).`);
}

const archive = new ExportBucket("archive", {
    bucketName: config.get("bucketName"),
    // Only the workload accounts: seed 003 recommends adding the bucket's own account when its log
    // groups export here too, which an archive account's do not.
    sourceAccounts: workloadAccountIds,
    logGroupNames,
    destinationPrefixes: [prefix],
    crossAccountCallerArns: callerArns,
});

export const bucketName = archive.bucketName;
export const bucketArn = archive.bucketArn;
export const kmsKeyArn = archive.kmsKeyArn;
export const region = archive.region;
export const accountId = archive.accountId;
export { prefix };
/** The principals the bucket and key policies name as the export caller. */
export const callerPrincipalArns = callerArns;
