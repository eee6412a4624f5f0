/**
 * Delivery policies against AWS-logs-and-resource-policy ("Enable logging from AWS services", CloudWatch Logs user
 * guide): the documents equal the seed's for its example values, and evaluation with
 * @cloud-copilot/iam-simulate proves what they allow and deny.
 *
 * The AWS-logs-and-resource-policy page's example account, "0123456789", has 10 digits; the builders only take real 12-digit
 * account IDs, so the seed's documents are compared after replacing it (and the placeholders
 * "account-ID", "account-id" and "region") with SEED_ACCOUNT and us-east-1.
 */
import * as assert from "assert";
import {
    deliveryBucketPolicy, deliveryBucketStatements, deliveryCallerPolicy, deliveryDestinationPolicy, deliveryKeyStatement,
    deliveryLogGroupPolicy,
} from "../../policies/delivery";
import { PolicyDocument } from "../../policies/types";
import { decide } from "../support/simulate";

const SEED_ACCOUNT = "012345678901";
const SERVICE = "delivery.logs.amazonaws.com";

/** The AWS-logs-and-resource-policy page's JSON with its placeholders replaced by valid values. */
function seed(json: string): PolicyDocument {
    return JSON.parse(json
        .replace(/0123456789(?!\d)/g, SEED_ACCOUNT)
        .replace(/account-ID|account-id/g, SEED_ACCOUNT)
        .replace(/:region:/g, ":us-east-1:"));
}

describe("delivery policies: documents equal AWS-logs-and-resource-policy's", () => {
    it("V2 S3 bucket policy (AWS-logs-and-resource-policy, V2 'Logs sent to Amazon S3'), without the optional s3:ListBucket", () => {
        const expected = seed(`{ "Version": "2012-10-17", "Id": "AWSLogDeliveryWrite20150319", "Statement": [ { "Sid": "AWSLogDeliveryAclCheck", "Effect": "Allow", "Principal": { "Service": "delivery.logs.amazonaws.com" }, "Action": "s3:GetBucketAcl", "Resource": "arn:aws:s3:::my-bucket", "Condition": { "StringEquals": { "aws:SourceAccount": ["0123456789"] }, "ArnLike": { "aws:SourceArn": ["arn:aws:logs:us-east-1:0123456789:delivery-source*"] } } }, { "Sid": "AWSLogDeliveryWrite", "Effect": "Allow", "Principal": { "Service": "delivery.logs.amazonaws.com" }, "Action": "s3:PutObject", "Resource": "arn:aws:s3:::my-bucket/AWSLogs/account-ID/*", "Condition": { "StringEquals": { "s3:x-amz-acl": "bucket-owner-full-control", "aws:SourceAccount": ["0123456789"] }, "ArnLike": { "aws:SourceArn": ["arn:aws:logs:us-east-1:0123456789:delivery-source:*"] } } } ] }`);
        // AWS-logs-and-resource-policy writes the AclCheck source ARN as "...:delivery-source*" (no colon) but the Write one,
        // and the issue, as "...:delivery-source:*"; the builder uses the latter in both statements.
        (expected.Statement[0].Condition!.ArnLike["aws:SourceArn"] as string[])[0] = `arn:aws:logs:us-east-1:${SEED_ACCOUNT}:delivery-source:*`;
        const actual = deliveryBucketPolicy({ bucket: "my-bucket", region: "us-east-1", sourceAccounts: [SEED_ACCOUNT], listBucket: false });
        assert.deepStrictEqual(actual, expected);
    });

    it("V2 S3 AclCheck grants s3:ListBucket by default (the AWS-logs-and-resource-policy page's note)", () => {
        const [acl] = deliveryBucketStatements({ bucket: "my-bucket", region: "us-east-1", sourceAccounts: [SEED_ACCOUNT] });
        assert.deepStrictEqual(acl.Action, ["s3:GetBucketAcl", "s3:ListBucket"]);
    });

    it("V1 S3 bucket policy (AWS-logs-and-resource-policy, V1 'S3 bucket resource policy')", () => {
        const expected = seed(`{ "Version": "2012-10-17", "Id": "AWSLogDeliveryWrite20150319", "Statement": [ { "Sid": "AWSLogDeliveryAclCheck", "Effect": "Allow", "Principal": { "Service": "delivery.logs.amazonaws.com" }, "Action": "s3:GetBucketAcl", "Resource": "arn:aws:s3:::my-bucket", "Condition": { "StringEquals": { "aws:SourceAccount": ["0123456789"] }, "ArnLike": { "aws:SourceArn": ["arn:aws:logs:us-east-1:0123456789:*"] } } }, { "Sid": "AWSLogDeliveryWrite", "Effect": "Allow", "Principal": { "Service": "delivery.logs.amazonaws.com" }, "Action": "s3:PutObject", "Resource": "arn:aws:s3:::my-bucket/AWSLogs/account-ID/*", "Condition": { "StringEquals": { "s3:x-amz-acl": "bucket-owner-full-control", "aws:SourceAccount": ["0123456789"] }, "ArnLike": { "aws:SourceArn": ["arn:aws:logs:us-east-1:0123456789:*"] } } } ] }`);
        const actual = deliveryBucketPolicy({ bucket: "my-bucket", region: "us-east-1", sourceAccounts: [SEED_ACCOUNT], listBucket: false, permissions: "v1" });
        assert.deepStrictEqual(actual, expected);
    });

    it("V2 KMS statement 'Allow Logs Delivery to use the key' (AWS-logs-and-resource-policy, V2 'Amazon S3 bucket server-side encryption')", () => {
        const expected = seed(`{ "Version": "2012-10-17", "Statement": [{ "Sid": "Allow Logs Delivery to use the key", "Effect": "Allow", "Principal": { "Service": [ "delivery.logs.amazonaws.com" ] }, "Action": [ "kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey" ], "Resource": "*", "Condition": { "StringEquals": { "aws:SourceAccount": ["0123456789"] }, "ArnLike": { "aws:SourceArn": ["arn:aws:logs:us-east-1:0123456789:delivery-source:*"] } } }] }`).Statement[0];
        assert.deepStrictEqual(deliveryKeyStatement({ region: "us-east-1", sourceAccounts: [SEED_ACCOUNT] }), expected);
    });

    it("V1 KMS statement (AWS-logs-and-resource-policy, V1 section)", () => {
        const expected = seed(`{ "Version": "2012-10-17", "Statement": [{ "Sid": "Allow Logs Delivery to use the key", "Effect": "Allow", "Principal": { "Service": [ "delivery.logs.amazonaws.com" ] }, "Action": [ "kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey" ], "Resource": "*", "Condition": { "StringEquals": { "aws:SourceAccount": ["0123456789"] }, "ArnLike": { "aws:SourceArn": ["arn:aws:logs:us-east-1:0123456789:*"] } } }] }`).Statement[0];
        assert.deepStrictEqual(deliveryKeyStatement({ region: "us-east-1", sourceAccounts: [SEED_ACCOUNT], permissions: "v1" }), expected);
    });

    for (const permissions of ["v1", "v2"] as const) {
        it(`${permissions} log group resource policy (AWS-logs-and-resource-policy, '${permissions.toUpperCase()}' 'Log group resource policy': the same document in both)`, () => {
            const expected = seed(`{ "Version": "2012-10-17", "Statement": [ { "Sid": "AWSLogDeliveryWrite20150319", "Effect": "Allow", "Principal": { "Service": [ "delivery.logs.amazonaws.com" ] }, "Action": [ "logs:CreateLogStream", "logs:PutLogEvents" ], "Resource": [ "arn:aws:logs:us-east-1:0123456789:log-group:my-log-group:log-stream:*" ], "Condition": { "StringEquals": { "aws:SourceAccount": ["0123456789"] }, "ArnLike": { "aws:SourceArn": ["arn:aws:logs:us-east-1:0123456789:*"] } } } ] }`);
            const actual = deliveryLogGroupPolicy({
                region: "us-east-1", account: SEED_ACCOUNT, sourceAccounts: [SEED_ACCOUNT], logGroupNames: ["my-log-group"], permissions,
            });
            assert.deepStrictEqual(actual, expected);
        });
    }

    // The AWS-logs-and-resource-policy page's two statements as the current AWS pages print them: "logs:UpdateDeliveryConfiguration"
    // and "logs:DescribeConfigurationTemplates" added (AWS, "Traces sent to X-Ray", User permissions,
    // https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/AWS-logs-infrastructure-V2-XRayTraces.html).
    // Tagging is compared separately (tagging: false here).
    const readWrite = `{ "Sid": "ReadWriteAccessForLogDeliveryActions", "Effect": "Allow", "Action": [ "logs:GetDelivery", "logs:GetDeliverySource", "logs:PutDeliveryDestination", "logs:GetDeliveryDestinationPolicy", "logs:DeleteDeliverySource", "logs:PutDeliveryDestinationPolicy", "logs:CreateDelivery", "logs:GetDeliveryDestination", "logs:PutDeliverySource", "logs:DeleteDeliveryDestination", "logs:DeleteDeliveryDestinationPolicy", "logs:DeleteDelivery", "logs:UpdateDeliveryConfiguration" ], "Resource": [ "arn:aws:logs:region:account-id:delivery:*", "arn:aws:logs:region:account-id:delivery-source:*", "arn:aws:logs:region:account-id:delivery-destination:*" ] }, { "Sid": "ListAccessForLogDeliveryActions", "Effect": "Allow", "Action": [ "logs:DescribeDeliveryDestinations", "logs:DescribeDeliverySources", "logs:DescribeDeliveries", "logs:DescribeConfigurationTemplates" ], "Resource": "*" }`;

    it("V2 caller policy for X-Ray (AWS, 'Traces sent to X-Ray', User permissions)", () => {
        const expected = seed(`{ "Version": "2012-10-17", "Statement": [ ${readWrite}, { "Sid": "AllowUpdatesToResourcePolicyXRay", "Effect": "Allow", "Action": [ "xray:PutResourcePolicy", "xray:ListResourcePolicies", "xray:GetTraceSegmentDestination" ], "Resource": "*" } ] }`);
        assert.deepStrictEqual(deliveryCallerPolicy({ region: "us-east-1", account: SEED_ACCOUNT, destinations: ["xray"], tagging: false }), expected);
    });

    it("V2 caller policy for CloudWatch Logs (AWS-logs-and-resource-policy, V2 'Logs sent to CloudWatch Logs', User permissions)", () => {
        const expected = seed(`{ "Version": "2012-10-17", "Statement": [ ${readWrite}, { "Sid": "AllowUpdatesToResourcePolicyCWL", "Effect": "Allow", "Action": [ "logs:PutResourcePolicy", "logs:DescribeResourcePolicies", "logs:DescribeLogGroups" ], "Resource": [ "arn:aws:logs:region:account-id:*" ] } ] }`);
        assert.deepStrictEqual(deliveryCallerPolicy({ region: "us-east-1", account: SEED_ACCOUNT, destinations: ["cloudwatch-logs"], tagging: false }), expected);
    });

    it("V2 caller policy for S3 (AWS-logs-and-resource-policy, V2 'Logs sent to Amazon S3', User permissions)", () => {
        const expected = seed(`{ "Version": "2012-10-17", "Statement": [ ${readWrite}, { "Sid": "AllowUpdatesToResourcePolicyS3", "Effect": "Allow", "Action": [ "s3:PutBucketPolicy", "s3:GetBucketPolicy" ], "Resource": "arn:aws:s3:::bucket-name" } ] }`);
        assert.deepStrictEqual(deliveryCallerPolicy({ region: "us-east-1", account: SEED_ACCOUNT, destinations: ["s3"], bucket: "bucket-name", tagging: false }), expected);
    });

    it("V2 caller policy for Firehose (AWS-logs-and-resource-policy, 'Logs sent to Firehose', User permissions)", () => {
        const expected = seed(`{ "Version": "2012-10-17", "Statement": [ ${readWrite}, { "Sid": "AllowUpdatesToResourcePolicyFH", "Effect": "Allow", "Action": [ "firehose:TagDeliveryStream" ], "Resource": [ "arn:aws:firehose:region:account-id:deliverystream/*" ] }, { "Sid": "CreateServiceLinkedRole", "Effect": "Allow", "Action": [ "iam:CreateServiceLinkedRole" ], "Resource": "arn:aws:iam::account-id:role/aws-service-role/delivery.logs.amazonaws.com/AWSServiceRoleForLogDelivery" } ] }`);
        assert.deepStrictEqual(deliveryCallerPolicy({ region: "us-east-1", account: SEED_ACCOUNT, destinations: ["firehose"], tagging: false }), expected);
    });

    it("V1 caller policy lists the AWS-logs-and-resource-policy page's V1 user permissions", () => {
        const doc = deliveryCallerPolicy({ region: "us-east-1", account: SEED_ACCOUNT, destinations: ["cloudwatch-logs", "s3", "firehose"], bucket: "my-bucket", permissions: "v1" });
        const actions = doc.Statement.flatMap(s => [s.Action].flat());
        assert.deepStrictEqual(actions.sort(), [
            "firehose:TagDeliveryStream", "iam:CreateServiceLinkedRole", "logs:CreateLogDelivery", "logs:DescribeLogGroups",
            "logs:DescribeResourcePolicies", "logs:PutResourcePolicy", "s3:GetBucketPolicy", "s3:PutBucketPolicy",
        ]);
        // The AWS-logs-and-resource-policy page's note: "set the ARN of its Resource line to use a * wildcard ... log-group:*".
        assert.deepStrictEqual(doc.Statement.find(s => s.Sid === "AllowUpdatesToResourcePolicyCWL")!.Resource, [`arn:aws:logs:us-east-1:${SEED_ACCOUNT}:log-group:*`]);
    });
});

const SRC = "111122223333";
const OTHER = "444455556666";
const DEST = "999999999999";
const ACL = { "s3:x-amz-acl": "bucket-owner-full-control" };

function sourceContext(account: string, arn = `arn:aws:logs:us-east-1:${account}:delivery-source:kb-logs`) {
    return { "aws:SourceAccount": account, "aws:SourceArn": arn };
}

describe("delivery policies: evaluation (iam-simulate)", () => {
    const bucketPolicy = deliveryBucketPolicy({ bucket: "central-logs", region: "us-east-1", sourceAccounts: [SRC] });
    const put = (key: string, context: Record<string, string>) => decide({
        principal: SERVICE, action: "s3:PutObject", resource: `arn:aws:s3:::central-logs/${key}`, resourceAccount: DEST,
        context, resourcePolicy: bucketPolicy,
    });

    it("the delivery service may write AWSLogs/<listed account>/ for a listed account's delivery source", async () => {
        assert.strictEqual(await put(`AWSLogs/${SRC}/bedrock/x.log.gz`, { ...ACL, ...sourceContext(SRC) }), "Allowed");
    });
    it("not for another account, even into that account's own AWSLogs/ folder", async () => {
        assert.strictEqual(await put(`AWSLogs/${OTHER}/bedrock/x.log.gz`, { ...ACL, ...sourceContext(OTHER) }), "ImplicitlyDenied");
    });
    it("not into another account's folder for a listed source", async () => {
        assert.strictEqual(await put(`AWSLogs/${OTHER}/x.log.gz`, { ...ACL, ...sourceContext(SRC) }), "ImplicitlyDenied");
    });
    it("not to keys outside AWSLogs/", async () => {
        assert.strictEqual(await put("exports/x.gz", { ...ACL, ...sourceContext(SRC) }), "ImplicitlyDenied");
    });
    it("not without the bucket-owner-full-control ACL", async () => {
        assert.strictEqual(await put(`AWSLogs/${SRC}/x.log.gz`, sourceContext(SRC)), "ImplicitlyDenied");
    });
    it("not for a source ARN that is not a delivery source (V2)", async () => {
        assert.strictEqual(await put(`AWSLogs/${SRC}/x.log.gz`, { ...ACL, ...sourceContext(SRC, `arn:aws:logs:us-east-1:${SRC}:log-group:x`) }), "ImplicitlyDenied");
    });
    it("not for a listed account's delivery source in another region", async () => {
        assert.strictEqual(await put(`AWSLogs/${SRC}/x.log.gz`, { ...ACL, ...sourceContext(SRC, `arn:aws:logs:eu-west-1:${SRC}:delivery-source:kb`) }), "ImplicitlyDenied");
    });
    it("GetBucketAcl and ListBucket for listed sources only", async () => {
        for (const action of ["s3:GetBucketAcl", "s3:ListBucket"]) {
            const ok = await decide({ principal: SERVICE, action, resource: "arn:aws:s3:::central-logs", resourceAccount: DEST, context: sourceContext(SRC), resourcePolicy: bucketPolicy });
            const no = await decide({ principal: SERVICE, action, resource: "arn:aws:s3:::central-logs", resourceAccount: DEST, context: sourceContext(OTHER), resourcePolicy: bucketPolicy });
            assert.deepStrictEqual([action, ok, no], [action, "Allowed", "ImplicitlyDenied"]);
        }
    });

    it("an organization: any member account's delivery source, not a source outside it", async () => {
        const org = deliveryBucketPolicy({ bucket: "central-logs", region: "us-east-1", sourceOrgId: "o-abcdefghij" });
        const req = (orgId: string) => decide({
            principal: SERVICE, action: "s3:PutObject", resource: `arn:aws:s3:::central-logs/AWSLogs/${OTHER}/x.gz`, resourceAccount: DEST,
            context: { ...ACL, ...sourceContext(OTHER), "aws:SourceOrgID": orgId }, resourcePolicy: org,
        });
        assert.strictEqual(await req("o-abcdefghij"), "Allowed");
        assert.strictEqual(await req("o-zzzzzzzzzz"), "ImplicitlyDenied");
    });

    it("the key: GenerateDataKey for a listed source, not another account", async () => {
        const keyPolicy: PolicyDocument = { Version: "2012-10-17", Statement: [deliveryKeyStatement({ region: "us-east-1", sourceAccounts: [SRC] })] };
        const req = (account: string) => decide({
            principal: SERVICE, action: "kms:GenerateDataKey", resource: `arn:aws:kms:us-east-1:${DEST}:key/1234abcd-12ab-34cd-56ef-1234567890ab`,
            resourceAccount: DEST, context: sourceContext(account), resourcePolicy: keyPolicy,
        });
        assert.strictEqual(await req(SRC), "Allowed");
        assert.strictEqual(await req(OTHER), "ImplicitlyDenied");
    });

    it("the log group policy: PutLogEvents into the listed log group for a listed account only", async () => {
        const policy = deliveryLogGroupPolicy({ region: "us-east-1", account: DEST, sourceAccounts: [SRC], logGroupNames: ["/aws/vendedlogs/kb"] });
        const req = (account: string, group: string) => decide({
            principal: SERVICE, action: "logs:PutLogEvents", resource: `arn:aws:logs:us-east-1:${DEST}:log-group:${group}:log-stream:s1`,
            resourceAccount: DEST, context: { "aws:SourceAccount": account, "aws:SourceArn": `arn:aws:logs:us-east-1:${account}:delivery-source:kb` },
            resourcePolicy: policy,
        });
        assert.strictEqual(await req(SRC, "/aws/vendedlogs/kb"), "Allowed");
        assert.strictEqual(await req(OTHER, "/aws/vendedlogs/kb"), "ImplicitlyDenied");
        assert.strictEqual(await req(SRC, "/other"), "ImplicitlyDenied");
    });

    it("the destination policy lets a listed source account CreateDelivery, not another", async () => {
        const destinationArn = `arn:aws:logs:us-east-1:${DEST}:delivery-destination:central`;
        const policy = deliveryDestinationPolicy({ destinationArn, sourceAccounts: [SRC] });
        const identity: PolicyDocument = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "logs:CreateDelivery", Resource: "*" }] };
        const req = (account: string) => decide({
            principal: `arn:aws:iam::${account}:role/deployer`, action: "logs:CreateDelivery", resource: destinationArn,
            resourceAccount: DEST, resourcePolicy: policy, identityPolicies: [identity],
        });
        assert.strictEqual(await req(SRC), "Allowed");
        assert.strictEqual(await req(OTHER), "ImplicitlyDenied");
    });

    it("the destination policy against the current PutDeliveryDestinationPolicy reference: same decisions as its example for CreateDelivery to this destination, narrower elsewhere", async () => {
        // The API reference's example ("Policy to use with PutDeliveryDestination",
        // https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutDeliveryDestinationPolicy.html):
        // logs:CreateDelivery for the source account's root, on delivery-source:*, delivery:* and
        // delivery-destination:* ARNs. A destination policy is evaluated for requests on its own
        // destination, so only the delivery-destination resource can match; ours names this destination.
        const destinationArn = `arn:aws:logs:us-east-1:${DEST}:delivery-destination:central`;
        const reference: PolicyDocument = {
            Version: "2012-10-17",
            Statement: [{
                Sid: "AllowLogDeliveryActions", Effect: "Allow", Principal: { AWS: `arn:aws:iam::${SRC}:root` }, Action: "logs:CreateDelivery",
                Resource: [`arn:aws:logs:us-east-1:${DEST}:delivery-source:*`, `arn:aws:logs:us-east-1:${DEST}:delivery:*`, `arn:aws:logs:us-east-1:${DEST}:delivery-destination:*`],
            }],
        };
        const ours = deliveryDestinationPolicy({ destinationArn, sourceAccounts: [SRC] });
        assert.deepStrictEqual(ours.Statement.map(st => [st.Principal, st.Action]), reference.Statement.map(st => [st.Principal, st.Action]));
        const identity: PolicyDocument = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "logs:CreateDelivery", Resource: "*" }] };
        const req = (policy: PolicyDocument, account: string, resource = destinationArn) => decide({
            principal: `arn:aws:iam::${account}:role/deployer`, action: "logs:CreateDelivery", resource,
            resourceAccount: DEST, resourcePolicy: policy, identityPolicies: [identity],
        });
        for (const account of [SRC, OTHER]) {
            assert.strictEqual(await req(ours, account), await req(reference, account), account);
        }
        assert.strictEqual(await req(ours, SRC), "Allowed");
        // Another destination of the same account: the reference's wildcard allows it, ours does not.
        const other = `arn:aws:logs:us-east-1:${DEST}:delivery-destination:other`;
        assert.strictEqual(await req(reference, SRC, other), "Allowed");
        assert.strictEqual(await req(ours, SRC, other), "ImplicitlyDenied");
    });

    it("cross-account: the source account's caller may CreateDelivery to the remote destination only with both policies", async () => {
        const destinationArn = `arn:aws:logs:us-east-1:${DEST}:delivery-destination:central`;
        const destinationPolicy = deliveryDestinationPolicy({ destinationArn, sourceAccounts: [SRC] });
        const caller = deliveryCallerPolicy({ region: "us-east-1", account: SRC, destinationArns: [destinationArn] });
        const req = (identityPolicies: PolicyDocument[], resourcePolicy?: PolicyDocument) => decide({
            principal: `arn:aws:iam::${SRC}:role/deployer`, action: "logs:CreateDelivery", resource: destinationArn,
            resourceAccount: DEST, identityPolicies, resourcePolicy,
        });
        assert.strictEqual(await req([caller], destinationPolicy), "Allowed");
        // The AWS-logs-and-resource-policy page's own statements scope CreateDelivery to the caller's account: not enough across accounts.
        assert.strictEqual(await req([deliveryCallerPolicy({ region: "us-east-1", account: SRC })], destinationPolicy), "ImplicitlyDenied");
        // Without PutDeliveryDestinationPolicy in the destination account, the identity policy alone is not enough.
        assert.strictEqual(await req([caller]), "ImplicitlyDenied");
    });

    it("the caller policy allows the components' whole lifecycle (create, in-place update, tag, delete); the AWS-logs-and-resource-policy page's statements deny update and tagging", async () => {
        const caller = deliveryCallerPolicy({ region: "us-east-1", account: SRC, destinations: ["s3"], bucket: "central-logs" });
        const seedOnly = deliveryCallerPolicy({ region: "us-east-1", account: SRC, destinations: ["s3"], bucket: "central-logs", tagging: false });
        for (const st of seedOnly.Statement) {
            st.Action = [st.Action].flat().filter((a): a is string => a !== undefined).filter(a => a !== "logs:UpdateDeliveryConfiguration" && a !== "logs:DescribeConfigurationTemplates");
        }
        const arn = (kind: string) => `arn:aws:logs:us-east-1:${SRC}:${kind}`;
        const steps: [string, string][] = [
            ["logs:PutDeliveryDestination", arn("delivery-destination:archive")], ["logs:PutDeliverySource", arn("delivery-source:kb")],
            ["logs:CreateDelivery", arn("delivery:abc123")], ["logs:GetDelivery", arn("delivery:abc123")],
            ["logs:UpdateDeliveryConfiguration", arn("delivery:abc123")], ["logs:TagResource", arn("delivery:abc123")],
            ["logs:UntagResource", arn("delivery-source:kb")], ["logs:ListTagsForResource", arn("delivery-destination:archive")],
            ["logs:DescribeConfigurationTemplates", "*"],
            // (DeleteDeliverySource is left out: iam-simulate's action data has no resource type for it.)
            ["logs:DeleteDelivery", arn("delivery:abc123")], ["logs:DeleteDeliveryDestination", arn("delivery-destination:archive")],
        ];
        const req = (policy: typeof caller, action: string, resource: string) => decide({
            principal: `arn:aws:iam::${SRC}:role/deployer`, action, resource, resourceAccount: SRC, identityPolicies: [policy],
        });
        for (const [action, resource] of steps) {
            assert.strictEqual(await req(caller, action, resource), "Allowed", action);
        }
        for (const action of ["logs:UpdateDeliveryConfiguration", "logs:TagResource", "logs:UntagResource", "logs:ListTagsForResource", "logs:DescribeConfigurationTemplates"]) {
            const resource = steps.find(s => s[0] === action)![1];
            assert.strictEqual(await req(seedOnly, action, resource), "ImplicitlyDenied", `${action} without the added statements`);
        }
        // Tagging stays in the account and region of the caller.
        assert.strictEqual(await req(caller, "logs:TagResource", `arn:aws:logs:eu-west-1:${SRC}:delivery:abc123`), "ImplicitlyDenied");
    });

    it("the caller policy allows the delivery APIs in its account and region only", async () => {
        const caller = deliveryCallerPolicy({ region: "us-east-1", account: SRC, destinations: ["s3"], bucket: "central-logs" });
        const req = (action: string, resource: string, account = SRC) => decide({
            principal: `arn:aws:iam::${SRC}:role/deployer`, action, resource, resourceAccount: account, identityPolicies: [caller],
        });
        assert.strictEqual(await req("logs:PutDeliverySource", `arn:aws:logs:us-east-1:${SRC}:delivery-source:kb`), "Allowed");
        assert.strictEqual(await req("logs:PutDeliverySource", `arn:aws:logs:eu-west-1:${SRC}:delivery-source:kb`), "ImplicitlyDenied");
        assert.strictEqual(await req("s3:PutBucketPolicy", "arn:aws:s3:::central-logs"), "Allowed");
        assert.strictEqual(await req("s3:PutBucketPolicy", "arn:aws:s3:::other-bucket"), "ImplicitlyDenied");
    });
});
