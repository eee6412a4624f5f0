/**
 * The S3 bucket policy statements that let vended logs be delivered into a bucket (AWS-logs-and-resource-policy,
 * "Logs sent to Amazon S3", V1 and V2 sections, and its note on `s3:ListBucket`).
 */
import { bucketArn } from "./partition";
import { PolicyDocument, PolicyStatement } from "./types";
import { validateBucketName } from "./validate";
import { checkPolicySize, policyText } from "./limits";
import {
    DELIVERY_SERVICE_PRINCIPAL, deliveryConditions, DeliverySourcesOptions, deliverySourceArns, resolveDeliverySources,
} from "./deliveryCommon";

/** Sids and `Id` of the AWS-logs-and-resource-policy page's S3 bucket policy. */
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
     * Also grant `s3:ListBucket` in `AWSLogDeliveryAclCheck` (the AWS-logs-and-resource-policy page's note: without it CloudTrail
     * shows AccessDenied errors; "update the AWSLogDeliveryAclCheck to be Action: [s3:GetBucketAcl,
     * s3:ListBucket]"). Defaults to `true`.
     */
    listBucket?: boolean;
    /**
     * Strict isolation between source accounts: one write statement per account, each letting that
     * account's delivery sources write only under its own `AWSLogs/<account>/` (and its Hive form),
     * instead of the AWS-logs-and-resource-policy page's single statement in which every listed account may write under every
     * listed account's folder. With `sourceOrgId`, the folder is the policy variable
     * `${aws:SourceAccount}`. Defaults to `false` (the AWS-logs-and-resource-policy page's form).
     */
    isolateSourceAccounts?: boolean;
    /**
     * Also allow the keys AWS writes when a delivery turns on Hive-compatible paths:
     * `AWSLogs/aws-account-id=<account>/...` (CreateDelivery `s3DeliveryConfiguration.enableHiveCompatiblePath`;
     * CloudWatch Logs User Guide, "Logs sent to Amazon S3", section "Amazon S3 object key format": "the
     * default account segment AWSLogs/{source-account-id}/ becomes AWSLogs/aws-account-id={source-account-id}/").
     * Defaults to `false` (the AWS-logs-and-resource-policy page's form); the
     * DeliveryDestination component turns it on for its buckets.
     */
    hiveCompatiblePaths?: boolean;
}

/**
 * The start of the key of every object a V2 delivery from `account` writes into a bucket named without
 * a destination prefix: `AWSLogs/<account>/`, or `AWSLogs/aws-account-id=<account>/` with Hive-compatible
 * paths; AWS then adds the service's own segment and the suffix path (CloudWatch Logs User Guide, "Logs
 * sent to Amazon S3", "Amazon S3 object key format").
 */
export function deliveredKeyPrefix(account: string, hive: boolean): string {
    return hive ? `AWSLogs/aws-account-id=${account}/` : `AWSLogs/${account}/`;
}

/** The object prefixes AWS writes for one account: `AWSLogs/<id>/` and, with Hive paths, `AWSLogs/aws-account-id=<id>/`. */
export function deliveryObjectPrefixes(account: string, hive: boolean): string[] {
    return hive ? [`AWSLogs/${account}/`, `AWSLogs/aws-account-id=${account}/`] : [`AWSLogs/${account}/`];
}

/**
 * The AWS-logs-and-resource-policy page's two statements, for the V1 or V2 permission model:
 *
 * - `AWSLogDeliveryAclCheck`: `s3:GetBucketAcl` (and `s3:ListBucket`, see `listBucket`) on the bucket;
 * - `AWSLogDeliveryWrite`: `s3:PutObject` on `AWSLogs/<account>/*` for each source account, with
 *   `s3:x-amz-acl = bucket-owner-full-control`.
 *
 * Both carry `aws:SourceAccount` and `aws:SourceArn`. The AWS-logs-and-resource-policy page's V2 example spells the AclCheck
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
    const hive = o.hiveCompatiblePaths ?? false;
    const objectsOf = (accounts: readonly string[]) => {
        const list = accounts.flatMap(a => deliveryObjectPrefixes(a, hive).map(p => `${base}/${p}*`));
        return list.length === 1 ? list[0] : list;
    };
    const accounts = s.sourceOrgId !== undefined ? ["*"] : s.sourceAccounts;
    const acl = { "s3:x-amz-acl": "bucket-owner-full-control" };
    const writes: PolicyStatement[] = !(o.isolateSourceAccounts ?? false)
        ? [{
            Sid: DELIVERY_BUCKET_SIDS.write,
            Effect: "Allow",
            Principal: { Service: DELIVERY_SERVICE_PRINCIPAL },
            Action: "s3:PutObject",
            Resource: objectsOf(accounts),
            Condition: deliveryConditions(s, arns, acl),
        }]
        : s.sourceOrgId !== undefined
            ? [{
                Sid: DELIVERY_BUCKET_SIDS.write,
                Effect: "Allow",
                Principal: { Service: DELIVERY_SERVICE_PRINCIPAL },
                Action: "s3:PutObject",
                // IAM policy variable: each member account only under its own folder.
                Resource: objectsOf(["${aws:SourceAccount}"]),
                Condition: deliveryConditions(s, arns, acl),
            }]
            : s.sourceAccounts.map(a => {
                const one = { ...s, sourceAccounts: [a] };
                return {
                    Sid: `${DELIVERY_BUCKET_SIDS.write}${a}`,
                    Effect: "Allow" as const,
                    Principal: { Service: DELIVERY_SERVICE_PRINCIPAL },
                    Action: "s3:PutObject",
                    Resource: objectsOf([a]),
                    Condition: deliveryConditions(one, deliverySourceArns(one), acl),
                };
            });
    return [
        {
            Sid: DELIVERY_BUCKET_SIDS.aclCheck,
            Effect: "Allow",
            Principal: { Service: DELIVERY_SERVICE_PRINCIPAL },
            Action: (o.listBucket ?? true) ? ["s3:GetBucketAcl", "s3:ListBucket"] : "s3:GetBucketAcl",
            Resource: base,
            Condition: deliveryConditions(s, arns),
        },
        ...writes,
    ];
}

/** The whole bucket policy as AWS-logs-and-resource-policy writes it (`Id` `AWSLogDeliveryWrite20150319`). */
export function deliveryBucketPolicy(o: DeliveryBucketPolicyOptions): PolicyDocument {
    const doc: PolicyDocument = { Version: "2012-10-17", Id: DELIVERY_BUCKET_SIDS.id, Statement: deliveryBucketStatements(o) };
    checkPolicySize("s3-bucket-policy", policyText(doc), o.sourceOrgId !== undefined ? "sourceOrgId" : "sourceAccounts",
        "give [sourceOrgId] instead of listing each account, or spread the accounts over several buckets.");
    return doc;
}
