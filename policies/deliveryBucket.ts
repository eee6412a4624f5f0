/**
 * The S3 bucket policy statements that let vended logs be delivered into a bucket (seed 004,
 * "Logs sent to Amazon S3", V1 and V2 sections, and its note on `s3:ListBucket`).
 */
import { bucketArn } from "./partition";
import { PolicyDocument, PolicyStatement } from "./types";
import { validateBucketName } from "./validate";
import {
    DELIVERY_SERVICE_PRINCIPAL, deliveryConditions, DeliverySourcesOptions, deliverySourceArns, resolveDeliverySources,
} from "./deliveryCommon";

/** Sids and `Id` of seed 004's S3 bucket policy. */
export const DELIVERY_BUCKET_SIDS = {
    id: "AWSLogDeliveryWrite20150319",
    aclCheck: "AWSLogDeliveryAclCheck",
    write: "AWSLogDeliveryWrite",
} as const;

/** Options of {@link deliveryBucketStatements}. */
export interface DeliveryBucketPolicyOptions extends DeliverySourcesOptions {
    /** Name of the bucket that receives the logs. */
    bucket: string;
    /**
     * Also grant `s3:ListBucket` in `AWSLogDeliveryAclCheck` (seed 004's note: without it CloudTrail
     * shows AccessDenied errors; "update the AWSLogDeliveryAclCheck to be Action: [s3:GetBucketAcl,
     * s3:ListBucket]"). Defaults to `true`.
     */
    listBucket?: boolean;
}

/**
 * Seed 004's two statements, for the V1 or V2 permission model:
 *
 * - `AWSLogDeliveryAclCheck`: `s3:GetBucketAcl` (and `s3:ListBucket`, see `listBucket`) on the bucket;
 * - `AWSLogDeliveryWrite`: `s3:PutObject` on `AWSLogs/<account>/*` for each source account, with
 *   `s3:x-amz-acl = bucket-owner-full-control`.
 *
 * Both carry `aws:SourceAccount` and `aws:SourceArn`. Seed 004's V2 example spells the AclCheck
 * source ARN `...:delivery-source*` but the Write one `...:delivery-source:*` and its text says
 * `arn:aws:logs:source-region:source-account-id:*`; both statements use `...:delivery-source:*` here.
 * For an organization, objects may land under any `AWSLogs/<account>/` and `aws:SourceOrgID` limits
 * the writers.
 */
export function deliveryBucketStatements(o: DeliveryBucketPolicyOptions): PolicyStatement[] {
    const bucket = validateBucketName(o.bucket, "bucket");
    const s = resolveDeliverySources(o);
    const arns = deliverySourceArns(s);
    const base = bucketArn(s.partition, bucket);
    const accounts = s.sourceOrgId !== undefined ? ["*"] : s.sourceAccounts;
    const objects = accounts.map(a => `${base}/AWSLogs/${a}/*`);
    return [
        {
            Sid: DELIVERY_BUCKET_SIDS.aclCheck,
            Effect: "Allow",
            Principal: { Service: DELIVERY_SERVICE_PRINCIPAL },
            Action: (o.listBucket ?? true) ? ["s3:GetBucketAcl", "s3:ListBucket"] : "s3:GetBucketAcl",
            Resource: base,
            Condition: deliveryConditions(s, arns),
        },
        {
            Sid: DELIVERY_BUCKET_SIDS.write,
            Effect: "Allow",
            Principal: { Service: DELIVERY_SERVICE_PRINCIPAL },
            Action: "s3:PutObject",
            Resource: objects.length === 1 ? objects[0] : objects,
            Condition: deliveryConditions(s, arns, { "s3:x-amz-acl": "bucket-owner-full-control" }),
        },
    ];
}

/** The whole bucket policy as seed 004 writes it (`Id` `AWSLogDeliveryWrite20150319`). */
export function deliveryBucketPolicy(o: DeliveryBucketPolicyOptions): PolicyDocument {
    return { Version: "2012-10-17", Id: DELIVERY_BUCKET_SIDS.id, Statement: deliveryBucketStatements(o) };
}
