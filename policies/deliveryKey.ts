/**
 * The KMS key policy statement for an SSE-KMS bucket that receives vended logs (AWS-logs-and-resource-policy, "Amazon S3
 * bucket server-side encryption", V1 and V2 sections).
 */
import { accountRootArn } from "./partition";
import { policyDocument, PolicyDocument, PolicyStatement } from "./types";
import { validateAccountId } from "./validate";
import {
    DELIVERY_SERVICE_PRINCIPAL, deliveryConditions, DeliverySourcesOptions, deliverySourceArns, resolveDeliverySources,
} from "./deliveryCommon";

/** Sids of the delivery key policy; the second is the AWS-logs-and-resource-policy page's own. */
export const DELIVERY_KEY_SIDS = {
    admin: "Enable IAM User Permissions",
    delivery: "Allow Logs Delivery to use the key",
} as const;

/** The KMS actions AWS-logs-and-resource-policy grants the delivery service. */
export const DELIVERY_KEY_ACTIONS = ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"] as const;

/**
 * The AWS-logs-and-resource-policy page's "Allow Logs Delivery to use the key": the five KMS actions for
 * `delivery.logs.amazonaws.com` on `"*"` (this key), with `aws:SourceAccount` and `aws:SourceArn`
 * (V1 `...:*`, V2 `...:delivery-source:*`, as the two sections write it). Add it to the key policy of a
 * customer managed key, not to the bucket policy.
 */
export function deliveryKeyStatement(o: DeliverySourcesOptions): PolicyStatement {
    const s = resolveDeliverySources(o);
    return {
        Sid: DELIVERY_KEY_SIDS.delivery,
        Effect: "Allow",
        Principal: { Service: [DELIVERY_SERVICE_PRINCIPAL] },
        Action: [...DELIVERY_KEY_ACTIONS],
        Resource: "*",
        Condition: deliveryConditions(s, deliverySourceArns(s)),
    };
}

/** Options of {@link deliveryKeyPolicy}. */
export interface DeliveryKeyPolicyOptions extends DeliverySourcesOptions {
    /** The account that owns the key (its root keeps `kms:*`, AWS's default key policy statement). */
    account: string;
}

/**
 * A whole key policy: AWS's default account-root `kms:*` statement (without it the key is
 * unmanageable, DESIGN.md) and the AWS-logs-and-resource-policy page's delivery statement.
 */
export function deliveryKeyPolicy(o: DeliveryKeyPolicyOptions): PolicyDocument {
    const account = validateAccountId(o.account, "account");
    const delivery = deliveryKeyStatement(o);
    const { partition } = resolveDeliverySources(o);
    return policyDocument([
        {
            Sid: DELIVERY_KEY_SIDS.admin,
            Effect: "Allow",
            Principal: { AWS: accountRootArn(partition, account) },
            Action: "kms:*",
            Resource: "*",
        },
        delivery,
    ]);
}
