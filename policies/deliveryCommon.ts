/**
 * Shared pieces of the vended-log delivery policies (AWS-logs-and-resource-policy, "Enable logging from AWS services"):
 * the service principal, the V1/V2 permission models, the confused-deputy conditions and the
 * delivery-specific validators. Pure: no Pulumi, no SDK.
 */
import { Partition } from "./partition";
import { Conditions } from "./types";
import { resolvePartition, validateAccountIds, validateOrgId, ValidationError } from "./validate";

/** The service principal that delivers vended logs (AWS-logs-and-resource-policy, every V1 and V2 resource policy). */
export const DELIVERY_SERVICE_PRINCIPAL = "delivery.logs.amazonaws.com";

/**
 * The AWS-logs-and-resource-policy page's two permission models: `v1` ("Logging that requires additional permissions [V1]",
 * `aws:SourceArn` = `arn:<p>:logs:<region>:<account>:*`) and `v2` (the delivery-source / delivery-
 * destination / delivery APIs, `aws:SourceArn` = `arn:<p>:logs:<region>:<account>:delivery-source:*`).
 */
export type DeliveryPermissions = "v1" | "v2";

/** Who may deliver: source accounts and the region of their delivery sources. */
export interface DeliverySourcesOptions {
    /** Region of the delivery sources (a delivery never crosses regions, so also the destination's). */
    region: string;
    /** Partition; defaults to the region's. */
    partition?: Partition;
    /**
     * Accounts whose resources deliver logs here (`aws:SourceAccount`, AWS-logs-and-resource-policy: "specify the list of
     * account IDs for which logs are being delivered"). Conflicts with `sourceOrgId`.
     */
    sourceAccounts?: readonly string[];
    /**
     * An organization whose accounts may deliver here (`aws:SourceOrgID`, the AWS-logs-and-resource-policy page's confused-deputy
     * section), instead of `sourceAccounts`.
     */
    sourceOrgId?: string;
    /** Permission model. Defaults to `"v2"`. */
    permissions?: DeliveryPermissions;
}

/** {@link DeliverySourcesOptions}, validated. */
export interface ResolvedDeliverySources {
    region: string;
    partition: Partition;
    sourceAccounts: string[];
    sourceOrgId?: string;
    permissions: DeliveryPermissions;
}

/** Throws unless `p` is `v1` or `v2`. */
export function validatePermissions(p: string, argument: string): DeliveryPermissions {
    if (p !== "v1" && p !== "v2") {
        throw new ValidationError(argument,
            `${JSON.stringify(p)} is not a permission model: use "v2" for services listed as Supported [V2 Permissions] in the table of the CloudWatch Logs User Guide page AWS-logs-and-resource-policy.html ` +
            `(delivery sources, destinations and deliveries) or "v1" for those listed as Supported [V1 Permissions].`);
    }
    return p;
}

/** Validates the source options; exactly one of `sourceAccounts` and `sourceOrgId`. */
export function resolveDeliverySources(o: DeliverySourcesOptions): ResolvedDeliverySources {
    const partition = resolvePartition(o.region, o.partition);
    const permissions = validatePermissions(o.permissions ?? "v2", "permissions");
    const accounts = o.sourceAccounts ?? [];
    if (o.sourceOrgId !== undefined && accounts.length > 0) {
        throw new ValidationError("sourceAccounts",
            "Only one of [sourceAccounts] and [sourceOrgId] can be given: list the accounts whose resources deliver logs here, or name their organization.");
    }
    if (o.sourceOrgId !== undefined) {
        return { region: o.region, partition, sourceAccounts: [], sourceOrgId: validateOrgId(o.sourceOrgId, "sourceOrgId"), permissions };
    }
    if (accounts.length === 0) {
        throw new ValidationError("sourceAccounts",
            "at least one source account is required (CloudWatch Logs User Guide, AWS-logs-and-resource-policy.html: aws:SourceAccount lists the accounts for which logs are delivered): " +
            "give the 12-digit IDs of the accounts whose delivery sources send logs here, or [sourceOrgId].");
    }
    return { region: o.region, partition, sourceAccounts: validateAccountIds(accounts, "sourceAccounts"), permissions };
}

/**
 * The `aws:SourceArn` patterns of AWS-logs-and-resource-policy: V1 `arn:<p>:logs:<region>:<account>:*`, V2
 * `arn:<p>:logs:<region>:<account>:delivery-source:*`; with an organization the account is `*`.
 */
export function deliverySourceArns(s: ResolvedDeliverySources): string[] {
    const accounts = s.sourceOrgId !== undefined ? ["*"] : s.sourceAccounts;
    const tail = s.permissions === "v2" ? "delivery-source:*" : "*";
    return accounts.map(a => `arn:${s.partition}:logs:${s.region}:${a}:${tail}`);
}

/**
 * The AWS-logs-and-resource-policy page's confused-deputy condition block: `StringEquals aws:SourceAccount` (or `aws:SourceOrgID`
 * for an organization) and `ArnLike aws:SourceArn`. `extraStringEquals` come first, as in AWS-logs-and-resource-policy's
 * `AWSLogDeliveryWrite` (`s3:x-amz-acl` before `aws:SourceAccount`).
 */
export function deliveryConditions(s: ResolvedDeliverySources, arns: string[], extraStringEquals: Record<string, string> = {}): Conditions {
    const who: Record<string, string | string[]> = s.sourceOrgId !== undefined
        ? { "aws:SourceOrgID": s.sourceOrgId }
        : { "aws:SourceAccount": [...s.sourceAccounts] };
    return {
        StringEquals: { ...extraStringEquals, ...who },
        ArnLike: { "aws:SourceArn": arns },
    };
}
