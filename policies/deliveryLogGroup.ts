/**
 * The CloudWatch Logs resource policy that lets vended logs be delivered into log groups (AWS-logs-and-resource-policy,
 * "Logs sent to CloudWatch Logs", V1 and V2 sections), and its 5,120-character limit.
 */
import { policyDocument, PolicyDocument, PolicyStatement } from "./types";
import { validateAccountId, validateLogGroupName, ValidationError } from "./validate";
import { checkPolicySize, POLICY_LIMITS, policySize, policyText } from "./limits";
import {
    DELIVERY_SERVICE_PRINCIPAL, deliveryConditions, DeliverySourcesOptions, deliverySourceArns, resolveDeliverySources,
} from "./deliveryCommon";

/** Sid of the AWS-logs-and-resource-policy page's log group resource policy statement. */
export const DELIVERY_LOG_GROUP_SID = "AWSLogDeliveryWrite20150319";

/** CloudWatch Logs resource policies are limited to 5,120 characters (AWS-logs-and-resource-policy; PutResourcePolicy). */
export const RESOURCE_POLICY_MAX_CHARS = POLICY_LIMITS["logs-resource-policy"].max;

/** Options of {@link deliveryLogGroupStatement}. */
export interface DeliveryLogGroupPolicyOptions extends DeliverySourcesOptions {
    /** The account that owns the log groups. */
    account: string;
    /**
     * Log groups that receive logs. A name may end in `*` to cover a prefix, e.g. `/aws/vendedlogs/*`
     * (the AWS-logs-and-resource-policy page's advice for many log groups).
     */
    logGroupNames: readonly string[];
}

function validateLogGroupPattern(name: string, argument: string): string {
    if (typeof name === "string" && name.endsWith("*") && name.length > 1) {
        validateLogGroupName(name.slice(0, -1), argument);
        return name;
    }
    return validateLogGroupName(name, argument);
}

/**
 * The AWS-logs-and-resource-policy page's `AWSLogDeliveryWrite20150319`: `logs:CreateLogStream` and `logs:PutLogEvents` for
 * `delivery.logs.amazonaws.com` on `log-group:<name>:log-stream:*` of each log group, with
 * `aws:SourceAccount` and `aws:SourceArn` `arn:<p>:logs:<region>:<account>:*`. AWS-logs-and-resource-policy writes the
 * same statement, with that `:*` source ARN, in its V1 and its V2 section, so `permissions` does not
 * change it. A name pattern ending in `*` becomes `log-group:<prefix>*` (covers its streams too).
 */
export function deliveryLogGroupStatement(o: DeliveryLogGroupPolicyOptions): PolicyStatement {
    const account = validateAccountId(o.account, "account");
    const s = resolveDeliverySources(o);
    if (!Array.isArray(o.logGroupNames) || o.logGroupNames.length === 0) {
        throw new ValidationError("logGroupNames", "at least one log group name is required: give the log groups that receive the logs.");
    }
    const names = [...new Set(o.logGroupNames.map(n => validateLogGroupPattern(n, "logGroupNames")))];
    const base = `arn:${s.partition}:logs:${s.region}:${account}:log-group:`;
    return {
        Sid: DELIVERY_LOG_GROUP_SID,
        Effect: "Allow",
        Principal: { Service: [DELIVERY_SERVICE_PRINCIPAL] },
        Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
        Resource: names.map(n => n.endsWith("*") ? `${base}${n}` : `${base}${n}:log-stream:*`),
        Condition: deliveryConditions(s, deliverySourceArns({ ...s, permissions: "v1" })),
    };
}

/**
 * The prefix pattern AWS-logs-and-resource-policy gives for many log groups: CloudWatch Logs itself falls back to
 * `/aws/vendedlogs/*` in its resource policy when the listed log groups approach 5,120 characters
 * ("You can then start using log groups with names that start with /aws/vendedlogs/").
 */
export const VENDED_LOGS_PATTERN = "/aws/vendedlogs/*";

function sizeOf(o: DeliveryLogGroupPolicyOptions): number {
    return policySize("logs-resource-policy", policyText(policyDocument([deliveryLogGroupStatement(o)])));
}

/**
 * The whole resource policy, checked against the 5,120-character limit on the exact text sent
 * (PutResourcePolicy `policyDocument`). When it is over, the message names what makes it long, the
 * listed log groups or the listed source accounts, and the fix for that cause.
 */
export function deliveryLogGroupPolicy(o: DeliveryLogGroupPolicyOptions): PolicyDocument {
    const doc = policyDocument([deliveryLogGroupStatement(o)]);
    const text = policyText(doc);
    const limit = POLICY_LIMITS["logs-resource-policy"].max;
    if (policySize("logs-resource-policy", text) <= limit) {
        return doc;
    }
    const groups = new Set(o.logGroupNames).size;
    const accounts = o.sourceOrgId !== undefined ? 0 : new Set(o.sourceAccounts ?? []).size;
    // Which list alone keeps it over the limit: the log groups (with one account) or the accounts (with one log group).
    const groupsCause = groups > 1 && sizeOf({ ...o, ...(accounts > 1 ? { sourceAccounts: [o.sourceAccounts![0]] } : {}) }) > limit;
    const accountsCause = accounts > 1 && sizeOf({ ...o, logGroupNames: [o.logGroupNames[0]] }) > limit;
    const groupFix = `deliver to log groups whose names start with /aws/vendedlogs/ and give the single pattern "${VENDED_LOGS_PATTERN}" instead of listing each log group`;
    const accountFix = "give [sourceOrgId] (aws:SourceOrgID) instead of listing each account, or split the accounts across resource policies";
    const listed = `it lists ${groups} log group${groups === 1 ? "" : "s"} and ${o.sourceOrgId !== undefined ? "an organization" : `${accounts} source account${accounts === 1 ? "" : "s"}`}`;
    if (accountsCause && !groupsCause) {
        checkPolicySize("logs-resource-policy", text, "sourceAccounts", `${listed}; ${accountFix}.`);
    }
    // Both lists together (each alone would fit, or each alone is over): both fixes.
    const both = accounts > 1 && groups > 1 && groupsCause === accountsCause;
    checkPolicySize("logs-resource-policy", text, "logGroupNames", both ? `${listed}; ${groupFix}, and ${accountFix}.` : `${listed}; ${groupFix}.`);
    return doc;
}
