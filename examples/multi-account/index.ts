/**
 * The same workload as `cross-account-export/workload` (the WorkloadExports component: caller role
 * and ExportTasks), stamped over every account in config from one stack. Each account gets its own
 * `aws.Provider` that assumes that account's deployment role, passed to the component as
 * `opts.provider`: every child resource and every lookup (caller identity, region) goes through it,
 * so each caller role and its policy are in, and name, their own account.
 *
 * The archive stack lists every account in `workloadAccountIds`; with `callerPrincipal=role` it
 * reads this stack in `workloadStacks` (`callerRoleArns` holds one role per account).
 *
 *   pulumi stack init acme/cwlogs-export-multi-account/dev
 *   pulumi config set aws:region us-east-1
 *   pulumi config set --path 'accounts[0].id' 111111111111 --type string
 *   pulumi config set --path 'accounts[0].deployRoleArn' arn:aws:iam::111111111111:role/pulumi-deploy
 *   pulumi config set --path 'accounts[0].logGroupNames[0]' my-log-group
 *   pulumi config set archiveStack acme/cwlogs-export-archive/dev
 *   pulumi config set exportFrom 2025-01-01T00:00:00Z
 *   pulumi config set exportTo 2025-01-02T00:00:00Z
 *   pulumi up
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { accountOfPrincipalArn, validateLogGroupName, validateRoleArn, ValidationError } from "../../index";
import { archiveDestination, WorkloadExports } from "../cross-account-export/workload/workloadExports";
import { accountIdOf } from "../shared/config";

/** One workload account in config. */
interface WorkloadAccount {
    /** 12-digit account ID. */
    id: string;
    /** Role in that account that Pulumi assumes to deploy there. */
    deployRoleArn: string;
    /** Log groups to export. Defaults to `["my-log-group"]`. */
    logGroupNames?: string[];
}

const config = new pulumi.Config();
const region = new pulumi.Config("aws").require("region");
const phase = config.get("phase") ?? "export";
if (phase !== "role" && phase !== "export") {
    throw new ValidationError("phase",
        `${JSON.stringify(phase)} is not a phase: use "role" (only the caller roles, for the archive to name) or "export" (permissions on the archive and the exports).`);
}

/** The accounts, checked before any provider exists: a typo would deploy into the wrong account or none. */
function workloadAccounts(value: unknown): WorkloadAccount[] {
    if (!Array.isArray(value) || value.length === 0) {
        throw new ValidationError("accounts",
            "give at least one account: `pulumi config set --path 'accounts[0].id' <12-digit ID> --type string` and `--path 'accounts[0].deployRoleArn' <role ARN>`.");
    }
    const seen = new Set<string>();
    return value.map((a: Partial<WorkloadAccount>, i) => {
        const id = accountIdOf(a?.id, `accounts[${i}].id`);
        const role = validateRoleArn(a?.deployRoleArn as string, `accounts[${i}].deployRoleArn`);
        if (accountOfPrincipalArn(role) !== id) {
            throw new ValidationError(`accounts[${i}].deployRoleArn`,
                `the role is in account ${accountOfPrincipalArn(role)} but [accounts[${i}].id] is ${id}: give a role of account ${id}, ` +
                `so the provider deploys into the account the entry names.`);
        }
        if (seen.has(id)) {
            throw new ValidationError(`accounts[${i}].id`, `account ${id} is listed twice: give each account once.`);
        }
        seen.add(id);
        const logGroupNames = (a.logGroupNames ?? ["my-log-group"]).map(g => validateLogGroupName(g, `accounts[${i}].logGroupNames`));
        return { id, deployRoleArn: role, logGroupNames };
    });
}

const accounts = workloadAccounts(config.requireObject<unknown>("accounts"));
// The identity running `pulumi up` (and the ExportTask provider, which assumes each caller role).
const deployer = aws.getCallerIdentityOutput();
const archive = phase === "export" ? archiveDestination(new pulumi.StackReference(config.require("archiveStack"))) : undefined;
const exportWindow = phase === "export" ? { from: config.require("exportFrom"), to: config.require("exportTo") } : undefined;

const workloads = accounts.map(a => {
    const provider = new aws.Provider(`account-${a.id}`, {
        region,
        assumeRoles: [{ roleArn: a.deployRoleArn, sessionName: "cwlogs-export" }],
        // Refuse to act if the role lands in another account.
        allowedAccountIds: [a.id],
    });
    return new WorkloadExports(`workload-${a.id}`, {
        trustedPrincipals: [deployer.accountId],
        logGroupNames: a.logGroupNames ?? [],
        archive,
        exportWindow,
    }, { provider });
});

/** One caller role per account: what the archive stack reads with callerPrincipal=role. */
export const callerRoleArns = pulumi.all(workloads.map(w => w.callerRoleArn));
export const callerRoleArnByAccount = pulumi.all(Object.fromEntries(accounts.map((a, i) => [a.id, workloads[i].callerRoleArn])));
export const exportTaskIdsByAccount = pulumi.all(Object.fromEntries(accounts.map((a, i) => [a.id, workloads[i].exportTaskIds])));
