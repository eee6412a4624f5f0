import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { resolveDeliverySources } from "../../policies/deliveryCommon";
import { deliveryLogGroupPolicy, VENDED_LOGS_PATTERN } from "../../policies/deliveryLogGroup";
import { partitionOfRegion } from "../../policies/partition";
import { validateAccountIds, validateOrgId, ValidationError, withArgumentNames } from "../../policies/validate";
import { asResourceError, known, plain, plainList, UNKNOWN } from "../inputs";

/** Arguments of {@link DeliveryLogGroupsPolicy}. */
export interface DeliveryLogGroupsPolicyArgs {
    /**
     * Log group name patterns the delivery service may write to; a pattern ends in `*` to cover a
     * prefix. Defaults to `["/aws/vendedlogs/*"]`, the prefix AWS-logs-and-resource-policy prescribes for many log groups
     * (AWS, "Enable logging from AWS services", Logs sent to CloudWatch Logs).
     */
    logGroupNamePatterns?: pulumi.Input<pulumi.Input<string>[]>;
    /** Accounts whose delivery sources deliver into these log groups (`aws:SourceAccount`). Defaults to this account. Conflicts with `sourceOrgId`. */
    sourceAccounts?: pulumi.Input<pulumi.Input<string>[]>;
    /** An organization whose accounts deliver here (`aws:SourceOrgID`). Conflicts with `sourceAccounts`. */
    sourceOrgId?: pulumi.Input<string>;
    /** Name of the account-level resource policy. Defaults to `<component name>`. */
    policyName?: pulumi.Input<string>;
    /** Region of the policy (one per account and region). Defaults to the provider's region. */
    region?: pulumi.Input<string>;
}

/**
 * One account-level CloudWatch Logs resource policy (PutResourcePolicy) that lets
 * `delivery.logs.amazonaws.com` write into every log group under `/aws/vendedlogs/` (AWS-logs-and-resource-policy's
 * pattern), for any number of CloudWatch Logs delivery destinations in one account and region.
 *
 * Why one shared policy: an account has at most 10 resource policies without `resourceArn` per
 * region (PutResourcePolicy, "Policy limits"), so one policy per destination fails at the eleventh.
 * PutResourcePolicy also takes a log-group `resourceArn` (one policy per log group), but AWS's vended
 * logs pages document only the account-level policy for delivery, so that is what this writes. Give
 * it to each destination as `cloudWatchLogs.sharedResourcePolicy`.
 *
 * ```ts
 * const shared = new DeliveryLogGroupsPolicy("vendedlogs", {});
 * new DeliveryDestination("kb", { cloudWatchLogs: { logGroupName: "/aws/vendedlogs/kb", sharedResourcePolicy: shared } });
 * ```
 */
export class DeliveryLogGroupsPolicy extends pulumi.ComponentResource {
    /** The policy document as sent. */
    public readonly policyJson: pulumi.Output<string>;
    /** Name of the resource policy. */
    public readonly policyName: pulumi.Output<string>;
    /** The patterns, when they were plain values (used to check destinations before deploy). */
    public readonly knownPatterns?: readonly string[];
    /** The resource policy. */
    public readonly policy: aws.cloudwatch.LogResourcePolicy;

    constructor(name: string, args: DeliveryLogGroupsPolicyArgs = {}, opts?: pulumi.ComponentResourceOptions) {
        super("cwlogs:delivery:DeliveryLogGroupsPolicy", name, {}, opts);
        const patterns = plainList(args.logGroupNamePatterns);
        asResourceError(this, () => {
            if (args.sourceAccounts !== undefined && args.sourceOrgId !== undefined) {
                throw new ValidationError("sourceAccounts",
                    "Only one of [sourceAccounts] and [sourceOrgId] can be given: list the accounts whose resources deliver logs here, or name their organization.");
            }
            const accounts = plainList(args.sourceAccounts);
            if (known(accounts)) {
                validateAccountIds(accounts, "sourceAccounts");
            }
            const org = plain(args.sourceOrgId);
            if (known(org)) {
                validateOrgId(org, "sourceOrgId");
            }
            if (known(patterns) && patterns.length === 0) {
                throw new ValidationError("logGroupNamePatterns", `the list is empty: leave it out for "${VENDED_LOGS_PATTERN}", or give the log group names or prefixes ending in "*".`);
            }
        });
        const parent = { parent: this };
        const region = args.region !== undefined ? pulumi.output(args.region) : aws.getRegionOutput({}, parent).region;
        const accountId = aws.getCallerIdentityOutput({}, parent).accountId;
        const names = { logGroupNames: "logGroupNamePatterns" };
        this.policyJson = pulumi.all([region, accountId, args.sourceAccounts, args.sourceOrgId, args.logGroupNamePatterns])
            .apply(([rgn, account, accounts, org, pats]) => asResourceError(this, () => withArgumentNames(names, () => {
                const partition = partitionOfRegion(rgn) ?? "aws";
                const s = resolveDeliverySources(org !== undefined
                    ? { region: rgn, partition, sourceOrgId: org }
                    : { region: rgn, partition, sourceAccounts: accounts ?? [account] });
                return JSON.stringify(deliveryLogGroupPolicy({ ...s, account, logGroupNames: pats ?? [VENDED_LOGS_PATTERN] }));
            })));
        this.policy = new aws.cloudwatch.LogResourcePolicy(`${name}-policy`, {
            policyName: args.policyName ?? name,
            policyDocument: this.policyJson,
            region: args.region,
        }, parent);
        this.policyName = this.policy.policyName.apply(n => n ?? "");
        this.knownPatterns = patterns === UNKNOWN ? undefined : (patterns ?? [VENDED_LOGS_PATTERN]);
        this.registerOutputs({ policyJson: this.policyJson, policyName: this.policyName });
    }
}

/** True when `logGroupName` is one of the patterns or under one ending in `*`. */
export function coveredBy(patterns: readonly string[], logGroupName: string): boolean {
    return patterns.some(p => p.endsWith("*") ? logGroupName.startsWith(p.slice(0, -1)) : p === logGroupName);
}
