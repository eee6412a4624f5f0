/**
 * The CloudWatch Logs resource policy that lets vended logs be delivered into log groups (seed 004,
 * "Logs sent to CloudWatch Logs", V1 and V2 sections), and its 5,120-character limit.
 */
import { policyDocument, PolicyDocument, PolicyStatement } from "./types";
import { validateAccountId, validateLogGroupName, ValidationError } from "./validate";
import {
    DELIVERY_SERVICE_PRINCIPAL, deliveryConditions, DeliverySourcesOptions, deliverySourceArns, resolveDeliverySources,
} from "./deliveryCommon";

/** Sid of seed 004's log group resource policy statement. */
export const DELIVERY_LOG_GROUP_SID = "AWSLogDeliveryWrite20150319";

/** CloudWatch Logs resource policies are limited to 5,120 characters (seed 004). */
export const RESOURCE_POLICY_MAX_CHARS = 5120;

/** Options of {@link deliveryLogGroupStatement}. */
export interface DeliveryLogGroupPolicyOptions extends DeliverySourcesOptions {
    /** The account that owns the log groups. */
    account: string;
    /**
     * Log groups that receive logs. A name may end in `*` to cover a prefix, e.g. `/aws/vendedlogs/*`
     * (seed 004's advice for many log groups).
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
 * Seed 004's `AWSLogDeliveryWrite20150319`: `logs:CreateLogStream` and `logs:PutLogEvents` for
 * `delivery.logs.amazonaws.com` on `log-group:<name>:log-stream:*` of each log group, with
 * `aws:SourceAccount` and `aws:SourceArn` `arn:<p>:logs:<region>:<account>:*`. Seed 004 writes the
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

/** The whole resource policy, checked against the 5,120-character limit. */
export function deliveryLogGroupPolicy(o: DeliveryLogGroupPolicyOptions): PolicyDocument {
    return checkResourcePolicySize(policyDocument([deliveryLogGroupStatement(o)]), "logGroupNames");
}

/**
 * Throws when the document, serialized as it is sent to PutResourcePolicy (compact JSON), is longer
 * than 5,120 characters, with seed 004's advice: use log groups named `/aws/vendedlogs/...` and one
 * `/aws/vendedlogs/*` pattern instead of listing each log group.
 */
export function checkResourcePolicySize(doc: PolicyDocument, argument: string): PolicyDocument {
    const size = JSON.stringify(doc).length;
    if (size > RESOURCE_POLICY_MAX_CHARS) {
        throw new ValidationError(argument,
            `the log group resource policy is ${size} characters, over CloudWatch Logs' limit of ${RESOURCE_POLICY_MAX_CHARS} (seed 004): ` +
            `deliver to log groups whose names start with /aws/vendedlogs/ and give the single pattern "/aws/vendedlogs/*" instead of listing each log group.`);
    }
    return doc;
}
