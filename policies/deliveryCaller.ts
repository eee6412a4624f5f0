/**
 * The identity policy of whoever sets up log delivery (AWS-logs-and-resource-policy, "User permissions" of each V1 and V2
 * destination section).
 */
import { bucketArn, Partition } from "./partition";
import { policyDocument, PolicyDocument, PolicyStatement } from "./types";
import { resolvePartition, validateAccountId, validateBucketName, ValidationError } from "./validate";
import { DELIVERY_SERVICE_PRINCIPAL, DeliveryPermissions, validatePermissions } from "./deliveryCommon";
import { parseDeliveryDestinationArn } from "./deliveryDestination";

/** Destination kinds: the AWS-logs-and-resource-policy page's table, plus X-Ray (AWS, "Traces sent to X-Ray"). */
export type DeliveryDestinationKind = "s3" | "cloudwatch-logs" | "firehose" | "xray";

/** Every destination kind, in the order of AWS's sections. */
export const DELIVERY_DESTINATION_KINDS: readonly DeliveryDestinationKind[] = ["cloudwatch-logs", "s3", "firehose", "xray"];

/** Sids of the caller policy; all but `createLogDelivery` are the AWS-logs-and-resource-policy page's own. */
export const DELIVERY_CALLER_SIDS = {
    readWrite: "ReadWriteAccessForLogDeliveryActions",
    list: "ListAccessForLogDeliveryActions",
    cwl: "AllowUpdatesToResourcePolicyCWL",
    s3: "AllowUpdatesToResourcePolicyS3",
    firehose: "AllowUpdatesToResourcePolicyFH",
    serviceLinkedRole: "CreateServiceLinkedRole",
    createLogDelivery: "AllowCreateLogDelivery",
    crossAccount: "AllowCreateDeliveryToCrossAccountDestinations",
    tagging: "TagAccessForLogDeliveryResources",
    xray: "AllowUpdatesToResourcePolicyXRay",
} as const;

/**
 * `ReadWriteAccessForLogDeliveryActions`, in AWS's order: the AWS-logs-and-resource-policy page's twelve actions, and
 * `logs:UpdateDeliveryConfiguration`, which the current pages add (AWS, "Traces sent to X-Ray",
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/AWS-logs-infrastructure-V2-XRayTraces.html)
 * and which an in-place change of record fields, delimiter or S3 suffix path calls.
 */
export const DELIVERY_READ_WRITE_ACTIONS = [
    "logs:GetDelivery", "logs:GetDeliverySource", "logs:PutDeliveryDestination", "logs:GetDeliveryDestinationPolicy",
    "logs:DeleteDeliverySource", "logs:PutDeliveryDestinationPolicy", "logs:CreateDelivery", "logs:GetDeliveryDestination",
    "logs:PutDeliverySource", "logs:DeleteDeliveryDestination", "logs:DeleteDeliveryDestinationPolicy", "logs:DeleteDelivery",
    "logs:UpdateDeliveryConfiguration",
] as const;

/** `ListAccessForLogDeliveryActions`: the AWS-logs-and-resource-policy page's three, and `logs:DescribeConfigurationTemplates` (same current AWS page). */
export const DELIVERY_LIST_ACTIONS = [
    "logs:DescribeDeliveryDestinations", "logs:DescribeDeliverySources", "logs:DescribeDeliveries", "logs:DescribeConfigurationTemplates",
] as const;

/**
 * Tagging of delivery sources, destinations and deliveries: the components send `tags` on create
 * (PutDeliverySource, PutDeliveryDestination and CreateDelivery take `tags`, which needs
 * `logs:TagResource`), change them in place (`logs:TagResource`/`logs:UntagResource`) and read them
 * back (`logs:ListTagsForResource`) (CloudWatch Logs API reference: TagResource, UntagResource,
 * ListTagsForResource; resource types delivery, delivery-source, delivery-destination).
 */
export const DELIVERY_TAGGING_ACTIONS = ["logs:TagResource", "logs:UntagResource", "logs:ListTagsForResource"] as const;

/** X-Ray: AWS creates the X-Ray resource policy for the delivery when the caller may (AWS, "Traces sent to X-Ray"). */
export const DELIVERY_XRAY_ACTIONS = ["xray:PutResourcePolicy", "xray:ListResourcePolicies", "xray:GetTraceSegmentDestination"] as const;

/** Options of {@link deliveryCallerStatements}. */
export interface DeliveryCallerPolicyOptions {
    /** Region where deliveries are set up. */
    region: string;
    /** The account of the caller (and of its delivery resources). */
    account: string;
    /** Partition; defaults to the region's. */
    partition?: Partition;
    /**
     * Destination kinds the caller sets up; each adds the AWS-logs-and-resource-policy page's statement(s) for it. Defaults to none:
     * a caller that only creates sources and deliveries (the source account of a cross-account delivery).
     */
    destinations?: readonly DeliveryDestinationKind[];
    /**
     * V2, cross-account: delivery destinations in other accounts the caller creates deliveries to.
     * Adds `logs:CreateDelivery` on them (the identity side of what the destination's
     * PutDeliveryDestinationPolicy allows; AWS-logs-and-resource-policy prints no document for it).
     */
    destinationArns?: readonly string[];
    /** The bucket, required with destination `s3`. */
    bucket?: string;
    /** Permission model. Defaults to `"v2"`. */
    permissions?: DeliveryPermissions;
    /** V2: allow tagging the delivery resources (`tags` on the components). Defaults to `true`. */
    tagging?: boolean;
}

/** Throws unless `kind` is a destination kind. */
export function validateDestinationKind(kind: string, argument: string): DeliveryDestinationKind {
    if (!(DELIVERY_DESTINATION_KINDS as readonly string[]).includes(kind)) {
        throw new ValidationError(argument,
            `${JSON.stringify(kind)} is not a destination kind: use one of ${DELIVERY_DESTINATION_KINDS.map(k => `"${k}"`).join(", ")}.`);
    }
    return kind as DeliveryDestinationKind;
}

/**
 * V2: `ReadWriteAccessForLogDeliveryActions` (delivery, delivery-source and delivery-destination ARNs
 * of the account), `ListAccessForLogDeliveryActions` (`*`), then per destination
 * `AllowUpdatesToResourcePolicyCWL` (`arn:<p>:logs:<region>:<account>:*`), `AllowUpdatesToResourcePolicyS3`
 * (the bucket), `AllowUpdatesToResourcePolicyFH` and `CreateServiceLinkedRole`, exactly as AWS-logs-and-resource-policy.
 *
 * V1: AWS-logs-and-resource-policy lists actions, not documents: `logs:CreateLogDelivery`, then per destination
 * `logs:PutResourcePolicy`/`DescribeResourcePolicies`/`DescribeLogGroups` on `log-group:*` (its note),
 * `s3:GetBucketPolicy`/`s3:PutBucketPolicy`, `firehose:TagDeliveryStream` and
 * `iam:CreateServiceLinkedRole`. `logs:CreateLogDelivery` has no resource type, hence `"*"`.
 *
 * With `destinationArns` (V2 cross-account), `AllowCreateDeliveryToCrossAccountDestinations` adds
 * `logs:CreateDelivery` on those destinations, which the seed's statements scope to the caller's own account.
 */
export function deliveryCallerStatements(o: DeliveryCallerPolicyOptions): PolicyStatement[] {
    const partition = resolvePartition(o.region, o.partition);
    const account = validateAccountId(o.account, "account");
    const permissions = validatePermissions(o.permissions ?? "v2", "permissions");
    const kinds = new Set((o.destinations ?? []).map(k => validateDestinationKind(k, "destinations")));
    const remote = [...new Set((o.destinationArns ?? []).map(a => { parseDeliveryDestinationArn(a, "destinationArn"); return a; }))];
    if (remote.length > 0 && permissions === "v1") {
        throw new ValidationError("destinationArn", "delivery destinations belong to the V2 permission model: use [permissions] \"v2\" with [destinationArn].");
    }
    const logs = `arn:${partition}:logs:${o.region}:${account}`;
    const out: PolicyStatement[] = permissions === "v2"
        ? [
            {
                Sid: DELIVERY_CALLER_SIDS.readWrite,
                Effect: "Allow",
                Action: [...DELIVERY_READ_WRITE_ACTIONS],
                Resource: [`${logs}:delivery:*`, `${logs}:delivery-source:*`, `${logs}:delivery-destination:*`],
            },
            { Sid: DELIVERY_CALLER_SIDS.list, Effect: "Allow", Action: [...DELIVERY_LIST_ACTIONS], Resource: "*" },
            ...((o.tagging ?? true) ? [{
                Sid: DELIVERY_CALLER_SIDS.tagging,
                Effect: "Allow" as const,
                Action: [...DELIVERY_TAGGING_ACTIONS],
                Resource: [`${logs}:delivery:*`, `${logs}:delivery-source:*`, `${logs}:delivery-destination:*`],
            }] : []),
        ]
        : [{ Sid: DELIVERY_CALLER_SIDS.createLogDelivery, Effect: "Allow", Action: "logs:CreateLogDelivery", Resource: "*" }];
    if (remote.length > 0) {
        out.push({ Sid: DELIVERY_CALLER_SIDS.crossAccount, Effect: "Allow", Action: "logs:CreateDelivery", Resource: remote });
    }
    if (kinds.has("cloudwatch-logs")) {
        out.push({
            Sid: DELIVERY_CALLER_SIDS.cwl,
            Effect: "Allow",
            Action: ["logs:PutResourcePolicy", "logs:DescribeResourcePolicies", "logs:DescribeLogGroups"],
            Resource: [permissions === "v2" ? `${logs}:*` : `${logs}:log-group:*`],
        });
    }
    if (kinds.has("s3")) {
        if (o.bucket === undefined) {
            throw new ValidationError("bucket", `the bucket is required with destination "s3": give the name of the bucket that receives the logs.`);
        }
        out.push({
            Sid: DELIVERY_CALLER_SIDS.s3,
            Effect: "Allow",
            Action: ["s3:PutBucketPolicy", "s3:GetBucketPolicy"],
            Resource: bucketArn(partition, validateBucketName(o.bucket, "bucket")),
        });
    }
    if (kinds.has("firehose")) {
        out.push(
            {
                Sid: DELIVERY_CALLER_SIDS.firehose,
                Effect: "Allow",
                Action: ["firehose:TagDeliveryStream"],
                Resource: [`arn:${partition}:firehose:${o.region}:${account}:deliverystream/*`],
            },
            {
                Sid: DELIVERY_CALLER_SIDS.serviceLinkedRole,
                Effect: "Allow",
                Action: ["iam:CreateServiceLinkedRole"],
                Resource: `arn:${partition}:iam::${account}:role/aws-service-role/${DELIVERY_SERVICE_PRINCIPAL}/AWSServiceRoleForLogDelivery`,
            },
        );
    }
    if (kinds.has("xray")) {
        if (permissions === "v1") {
            throw new ValidationError("destinations", `X-Ray destinations belong to the V2 permission model: use [permissions] "v2" with destination "xray".`);
        }
        out.push({ Sid: DELIVERY_CALLER_SIDS.xray, Effect: "Allow", Action: [...DELIVERY_XRAY_ACTIONS], Resource: "*" });
    }
    return out;
}

/** The whole caller policy document. */
export function deliveryCallerPolicy(o: DeliveryCallerPolicyOptions): PolicyDocument {
    return policyDocument(deliveryCallerStatements(o));
}
