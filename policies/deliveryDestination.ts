/**
 * The delivery destination policy (PutDeliveryDestinationPolicy) that lets other accounts create a
 * delivery to a destination in this account (AWS-logs-and-resource-policy, V2: "If you are delivering logs cross-account,
 * you must use PutDeliveryDestinationPolicy in the destination account").
 */
import { accountRootArn } from "./partition";
import { policyDocument, PolicyDocument, PolicyStatement } from "./types";
import { validateAccountIds, validateOrgId, ValidationError } from "./validate";

/** Sid of the destination policy statement. */
export const DELIVERY_DESTINATION_SID = "AllowCreateDeliveryFromSourceAccounts";

const DESTINATION_ARN = /^arn:(aws|aws-cn|aws-us-gov):logs:([a-z0-9-]+):(\d{12}):delivery-destination:([\w-]{1,60})$/;

/** The parts of a delivery destination ARN. */
export interface DeliveryDestinationArnParts {
    partition: "aws" | "aws-cn" | "aws-us-gov";
    region: string;
    account: string;
    name: string;
}

/**
 * Throws unless `arn` is a CloudWatch Logs delivery destination ARN
 * (`arn:<p>:logs:<region>:<account>:delivery-destination:<name>`), naming the service it got instead.
 */
export function parseDeliveryDestinationArn(arn: string, argument: string): DeliveryDestinationArnParts {
    const m = typeof arn === "string" ? DESTINATION_ARN.exec(arn) : null;
    if (m === null) {
        const service = typeof arn === "string" ? arn.split(":")[2] : undefined;
        const what = service !== undefined && service !== "" && service !== "logs" ? `an ARN of service "${service}"` : "not a delivery destination ARN";
        throw new ValidationError(argument,
            `${JSON.stringify(arn)} is ${what}: give the ARN of a CloudWatch Logs delivery destination, ` +
            `"arn:aws:logs:<region>:<account>:delivery-destination:<name>" (the destination stack's destinationArn output), not the bucket, log group or stream itself.`);
    }
    return { partition: m[1] as DeliveryDestinationArnParts["partition"], region: m[2], account: m[3], name: m[4] };
}

/** Options of {@link deliveryDestinationPolicy}. */
export interface DeliveryDestinationPolicyOptions {
    /** ARN of the delivery destination the policy is attached to. */
    destinationArn: string;
    /** Accounts that may create deliveries to this destination. Conflicts with `sourceOrgId`. */
    sourceAccounts?: readonly string[];
    /** An organization whose accounts may create deliveries here (`aws:PrincipalOrgID`). */
    sourceOrgId?: string;
}

/**
 * One statement allowing `logs:CreateDelivery` on this destination to the root of each source account
 * (`Principal.AWS`), or, for an organization, to any principal whose `aws:PrincipalOrgID` matches.
 * AWS-logs-and-resource-policy prescribes the API but prints no document. The PutDeliveryDestinationPolicy API
 * reference's example grants the same principal and action on `delivery-source:*`, `delivery:*` and
 * `delivery-destination:*`; a destination policy only governs requests on its own destination, so this
 * names that one destination: the same decision for it, none for the account's other destinations.
 */
export function deliveryDestinationStatement(o: DeliveryDestinationPolicyOptions): PolicyStatement {
    const dest = parseDeliveryDestinationArn(o.destinationArn, "destinationArn");
    const accounts = o.sourceAccounts ?? [];
    if (o.sourceOrgId !== undefined && accounts.length > 0) {
        throw new ValidationError("sourceAccounts",
            "Only one of [sourceAccounts] and [sourceOrgId] can be given: list the accounts that create deliveries to this destination, or name their organization.");
    }
    if (o.sourceOrgId !== undefined) {
        return {
            Sid: DELIVERY_DESTINATION_SID,
            Effect: "Allow",
            Principal: "*",
            Action: "logs:CreateDelivery",
            Resource: o.destinationArn,
            Condition: { StringEquals: { "aws:PrincipalOrgID": validateOrgId(o.sourceOrgId, "sourceOrgId") } },
        };
    }
    if (accounts.length === 0) {
        throw new ValidationError("sourceAccounts",
            "at least one source account is required: give the 12-digit IDs of the accounts whose delivery sources deliver to this destination, or [sourceOrgId].");
    }
    const roots = validateAccountIds(accounts, "sourceAccounts").map(a => accountRootArn(dest.partition, a));
    return {
        Sid: DELIVERY_DESTINATION_SID,
        Effect: "Allow",
        Principal: { AWS: roots.length === 1 ? roots[0] : roots },
        Action: "logs:CreateDelivery",
        Resource: o.destinationArn,
    };
}

/** The whole destination policy document. */
export function deliveryDestinationPolicy(o: DeliveryDestinationPolicyOptions): PolicyDocument {
    return policyDocument([deliveryDestinationStatement(o)]);
}
