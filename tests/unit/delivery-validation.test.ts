/**
 * Bad input to the delivery policies and checks: exact messages (issue 4's list; AWS-logs-and-resource-policy for the
 * 5,120-character limit, the /aws/vendedlogs/ advice, the LogDeliveryEnabled tag and the V2 services).
 */
import * as assert from "assert";
import { checkFirehoseTags } from "../../components/delivery/firehoseTag";
import {
    deliveryBucketStatements, deliveryCallerPolicy, deliveryDestinationPolicy, deliveryKeyStatement, deliveryLogGroupPolicy, deliveryLogGroupStatement,
    destinationTypeOfResourceArn, parseDeliveryDestinationArn, RESOURCE_POLICY_MAX_CHARS, validateDeliveryOptions, validateLogType,
    validateOutputFormat, validateSameRegion,
} from "../../policies/delivery";
import { POLICY_LIMITS } from "../../policies/limits";
import { policyDocument } from "../../policies/types";
import { DELIVERY_V2_SERVICES, deliveryServiceOf } from "../../policies/deliveryServices";

function throwsExactly(fn: () => unknown, message: string): void {
    assert.throws(fn, (e: Error) => {
        assert.strictEqual(e.message, message);
        return true;
    });
}

describe("delivery policies: bad input (exact messages)", () => {
    it("a destination ARN of another service", () => {
        throwsExactly(() => parseDeliveryDestinationArn("arn:aws:s3:::my-bucket", "destinationArn"),
            `[destinationArn] "arn:aws:s3:::my-bucket" is an ARN of service "s3": give the ARN of a CloudWatch Logs delivery destination, ` +
            `"arn:aws:logs:<region>:<account>:delivery-destination:<name>" (the destination stack's destinationArn output), not the bucket, log group or stream itself.`);
    });

    it("a destination resource of a service the AWS-logs-and-resource-policy page does not deliver to", () => {
        throwsExactly(() => destinationTypeOfResourceArn("arn:aws:sqs:us-east-1:111122223333:q", "destinationResourceArn"),
            `[destinationResourceArn] "arn:aws:sqs:us-east-1:111122223333:q" is an ARN of service "sqs", not a delivery destination resource: ` +
            `give an S3 bucket ARN ("arn:aws:s3:::my-bucket"), a log group ARN ("arn:aws:logs:<region>:<account>:log-group:<name>") ` +
            `or a Firehose delivery stream ARN ("arn:aws:firehose:<region>:<account>:deliverystream/<name>").`);
    });

    it("an output format AWS does not know", () => {
        throwsExactly(() => validateOutputFormat("csv", "outputFormat"),
            `[outputFormat] "csv" is not an output format CloudWatch Logs knows: use one of "json", "plain", "w3c", "raw", "parquet", or leave it out for the log type's default.`);
    });

    it("a field delimiter with parquet", () => {
        throwsExactly(() => validateDeliveryOptions({ outputFormat: "parquet", fieldDelimiter: "," }),
            `[fieldDelimiter] a field delimiter only applies to "plain", "w3c" and "raw" output, and the destination's output format is "parquet": ` +
            `leave [fieldDelimiter] out or use a destination with a text output format.`);
        assert.doesNotThrow(() => validateDeliveryOptions({ outputFormat: "w3c", fieldDelimiter: "," }));
    });

    it("Hive paths or suffix paths for a non-S3 destination", () => {
        throwsExactly(() => validateDeliveryOptions({ destinationType: "CWL", enableHiveCompatiblePath: true }),
            `[enableHiveCompatiblePath] Hive-compatible paths only apply to S3 destinations, and this destination's type is "CWL": leave [enableHiveCompatiblePath] out.`);
        throwsExactly(() => validateDeliveryOptions({ destinationType: "FH", suffixPath: "kb/{yyyy}/{MM}" }),
            `[suffixPath] a suffix path only applies to S3 destinations, and this destination's type is "FH": leave [suffixPath] out.`);
        assert.doesNotThrow(() => validateDeliveryOptions({ destinationType: "S3", suffixPath: "kb/{yyyy}/{MM}", enableHiveCompatiblePath: true }));
    });

    it("an unknown log type for a known service (PutDeliverySource logType list)", () => {
        const src = "CloudWatch Logs API reference, PutDeliverySource logType";
        throwsExactly(() => validateLogType("arn:aws:sso:::instance/ssoins-1234567890abcdef", "ACCESS_LOGS", "logType"),
            `[logType] "ACCESS_LOGS" is not a log type of IAM Identity Center (${src}): use "ERROR_LOGS".`);
        throwsExactly(() => validateLogType("arn:aws:workmail:us-east-1:111122223333:organization/m-0123456789abcdef0123456789abcdef", "ERROR_LOGS", "logType"),
            `[logType] "ERROR_LOGS" is not a log type of Amazon WorkMail (${src}): use "ACCESS_CONTROL_LOGS", "AUTHENTICATION_LOGS", ` +
            `"WORKMAIL_AVAILABILITY_PROVIDER_LOGS", "WORKMAIL_MAILBOX_ACCESS_LOGS", "WORKMAIL_PERSONAL_ACCESS_TOKEN_LOGS".`);
        // CloudFront is in the table now, with its one log type.
        assert.strictEqual(validateLogType("arn:aws:cloudfront::111122223333:distribution/E1", "ACCESS_LOGS", "logType"), "ACCESS_LOGS");
        throwsExactly(() => validateLogType("arn:aws:cloudfront::111122223333:distribution/E1", "WAF_LOGS", "logType"),
            `[logType] "WAF_LOGS" is not a log type of CloudFront (${src}): use "ACCESS_LOGS".`);
        assert.strictEqual(validateLogType("arn:aws:bedrock:us-east-1:111122223333:knowledge-base/KB1", "TRACES", "logType"), "TRACES");
        // Two rows of one service told apart by the resource: ALB and NLB.
        throwsExactly(() => validateLogType("arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/net/web/0123456789abcdef", "ALB_ACCESS_LOGS", "logType"),
            `[logType] "ALB_ACCESS_LOGS" is not a log type of Network Load Balancer (${src}): use "NLB_ACCESS_LOGS".`);
        // A service outside the table is not checked.
        assert.strictEqual(validateLogType("arn:aws:sqs:us-east-1:111122223333:q", "ANY_LOGS", "logType"), "ANY_LOGS");
    });

    it("the wildcard resource ARNs AWS requires (Security Hub findings, Logs Insights query logs)", () => {
        throwsExactly(() => validateLogType("arn:aws:securityhub:us-east-1:111122223333:hub/default", "SECURITY_FINDING_LOGS", "logType"),
            `[resourceArn] "arn:aws:securityhub:us-east-1:111122223333:hub/default" names one resource, but AWS Security Hub CSPM delivers SECURITY_FINDING_LOGS ` +
            `only from the wildcard ARN "arn:aws:securityhub:us-east-1:111122223333:hub/*" (CloudWatch Logs API reference, PutDeliverySource resourceArn): give that ARN as [resourceArn].`);
        assert.strictEqual(validateLogType("arn:aws:securityhub:us-east-1:111122223333:hubv2/*", "SECURITY_FINDING_LOGS", "logType"), "SECURITY_FINDING_LOGS");
        throwsExactly(() => validateLogType("arn:aws:logs:us-east-1:111122223333:log-group:/app", "INSIGHTS_QUERY_LOGS", "logType"),
            `[resourceArn] "arn:aws:logs:us-east-1:111122223333:log-group:/app" names one resource, but CloudWatch Logs Insights query execution logs delivers INSIGHTS_QUERY_LOGS ` +
            `only from the wildcard ARN "arn:aws:logs:us-east-1:111122223333:log-group:*" (CloudWatch Logs API reference, PutDeliverySource resourceArn): give that ARN as [resourceArn].`);
    });

    it("rows whose ARN form is documented match it; an unmatched ARN of a listed service is checked against all its log types, never refused for its form", () => {
        // RTB Fabric User Guide, "Configuring RTB Fabric logs with Amazon CloudWatch Logs": links are the sources.
        const link = "arn:aws:rtbfabric:us-east-1:111122223333:gateway/rtb-gw-m8x4n2p9/link/link-a9b7c5d3";
        assert.strictEqual(deliveryServiceOf(link)?.title, "AWS RTB Fabric");
        assert.strictEqual(validateLogType(link, "APPLICATION_LOGS", "logType"), "APPLICATION_LOGS");
        throwsExactly(() => validateLogType(link, "ACCESS_LOGS", "logType"),
            `[logType] "ACCESS_LOGS" is not a log type of AWS RTB Fabric (CloudWatch Logs API reference, PutDeliverySource logType): use "APPLICATION_LOGS".`);
        // AgentCore Control API reference: memory ARNs are memory/<name>-<10 characters>.
        const memory = "arn:aws:bedrock-agentcore:us-east-1:111122223333:memory/kbMemory-a1B2c3D4e5";
        assert.strictEqual(deliveryServiceOf(memory)?.title, "Amazon Bedrock AgentCore Memory");
        assert.strictEqual(deliveryServiceOf("arn:aws:quicksight:us-east-1:111122223333:account/111122223333")?.title, "Quick");
        // A resource form the table does not know: all of the service's log types, nothing valid refused.
        const other = deliveryServiceOf("arn:aws:bedrock-agentcore:us-east-1:111122223333:evaluator/ev-1")!;
        assert.ok(other.logTypes.includes("USAGE_LOGS") && other.logTypes.includes("TRACES"));
        // Service only (the resource form is unconfirmed): any ARN of the service.
        assert.strictEqual(deliveryServiceOf("arn:aws:aidevops:us-east-1:111122223333:agentspace/as-1")?.title, "DevOps Agent");
        assert.strictEqual(deliveryServiceOf("arn:aws:route53globalresolver:us-east-2:111122223333:global-resolver/gr-1")?.title, "Route 53 Global Resolver");
        assert.strictEqual(deliveryServiceOf("arn:aws:elemental-inference:us-west-2:111122223333:feed/f-1")?.title, "AWS Elemental Inference");
    });

    it("the service table covers every service of the SDK model's PutDeliverySource logType documentation", () => {
        // Read the model's text as shipped, so a new SDK with a new service fails here until the table has it.
        const fs = require("fs") as typeof import("fs");
        const model = fs.readFileSync(require.resolve("@aws-sdk/client-cloudwatch-logs/dist-types/models/models_0.d.ts"), "utf8");
        const doc = model.slice(model.indexOf("export interface PutDeliverySourceRequest"));
        const block = doc.slice(doc.indexOf("Defines the type of log"), doc.indexOf("logType: string | undefined"));
        const documented = new Set([...block.matchAll(/<code>([A-Z0-9_]+)<\/code>/g)].map(m => m[1]));
        const ours = new Set(DELIVERY_V2_SERVICES.flatMap(e => e.logTypes));
        assert.deepStrictEqual([...documented].filter(t => !ours.has(t)), []);
        const services = block.split("<li>").length - 1;
        assert.ok(services >= 35, `${services} services documented`);
        assert.ok(new Set(DELIVERY_V2_SERVICES.map(e => e.title)).size >= services - 1, `${new Set(DELIVERY_V2_SERVICES.map(e => e.title)).size} rows`);
    });

    it("a log group resource policy over 5,120 characters names its cause, log groups or accounts, with the fix (PutResourcePolicy limit)", () => {
        const sizeIn = (fn: () => unknown) => {
            try {
                fn();
            } catch (e) {
                return Number(/would be (\d+) characters/.exec((e as Error).message)?.[1]);
            }
            return 0;
        };
        const source = POLICY_LIMITS["logs-resource-policy"].source;
        // Many log groups, one account: the log groups are the cause.
        const many = Array.from({ length: 80 }, (_, i) => `/my/app/group-${i}`);
        const doc = { region: "us-east-1", account: "999999999999", sourceAccounts: ["111122223333"], logGroupNames: many };
        const size = sizeIn(() => deliveryLogGroupPolicy(doc));
        // The size is that of the exact text sent: compact JSON of the document the builder would return.
        const sent = JSON.stringify(policyDocument([deliveryLogGroupStatement(doc)])).length;
        assert.strictEqual(size, sent);
        assert.ok(size > RESOURCE_POLICY_MAX_CHARS, `size ${size}`);
        throwsExactly(() => deliveryLogGroupPolicy(doc),
            `[logGroupNames] the CloudWatch Logs resource policy would be ${size} characters, over AWS's limit of 5120 characters (${source}): ` +
            `it lists 80 log groups and 1 source account; deliver to log groups whose names start with /aws/vendedlogs/ and give the single pattern "/aws/vendedlogs/*" instead of listing each log group.`);
        // The advice works: one pattern covers them all.
        const one = deliveryLogGroupPolicy({ ...doc, logGroupNames: ["/aws/vendedlogs/*"] });
        assert.deepStrictEqual(one.Statement[0].Resource, ["arn:aws:logs:us-east-1:999999999999:log-group:/aws/vendedlogs/*"]);
        // Many accounts, one pattern: the accounts are the cause, and the fix is the organization.
        const accounts = Array.from({ length: 90 }, (_, i) => String(100000000000 + i));
        const byAccounts = { ...doc, sourceAccounts: accounts, logGroupNames: ["/aws/vendedlogs/*"] };
        const size2 = sizeIn(() => deliveryLogGroupPolicy(byAccounts));
        throwsExactly(() => deliveryLogGroupPolicy(byAccounts),
            `[sourceAccounts] the CloudWatch Logs resource policy would be ${size2} characters, over AWS's limit of 5120 characters (${source}): ` +
            "it lists 1 log group and 90 source accounts; give [sourceOrgId] (aws:SourceOrgID) instead of listing each account, or split the accounts across resource policies.");
        assert.ok(deliveryLogGroupPolicy({ ...byAccounts, sourceAccounts: undefined, sourceOrgId: "o-abcdefghij" }));
        // A policy just under the limit passes: 5,120 itself is allowed.
        let n = 1;
        while (JSON.stringify(policyDocument([deliveryLogGroupStatement({ ...doc, logGroupNames: many.slice(0, n + 1) })])).length <= RESOURCE_POLICY_MAX_CHARS) {
            n++;
        }
        assert.ok(deliveryLogGroupPolicy({ ...doc, logGroupNames: many.slice(0, n) }));
        assert.throws(() => deliveryLogGroupPolicy({ ...doc, logGroupNames: many.slice(0, n + 1) }));
    });

    it("a Firehose stream without the LogDeliveryEnabled tag", () => {
        throwsExactly(() => checkFirehoseTags("arn:aws:firehose:us-east-1:111122223333:deliverystream/s", { team: "x" }, "firehose.deliveryStreamTags"),
            `[firehose.deliveryStreamTags] the Firehose stream "arn:aws:firehose:us-east-1:111122223333:deliverystream/s" has no tag LogDeliveryEnabled = "true": ` +
            `the AWSServiceRoleForLogDelivery role only writes to streams with that tag (CloudWatch Logs User Guide, AWS-logs-and-resource-policy.html). Add tags: { LogDeliveryEnabled: "true" } to the stream ` +
            "(or run `aws firehose tag-delivery-stream --delivery-stream-name <name> --tags Key=LogDeliveryEnabled,Value=true`).");
        assert.doesNotThrow(() => checkFirehoseTags("arn:aws:firehose:us-east-1:111122223333:deliverystream/s", { LogDeliveryEnabled: "true" }, "x"));
    });

    it("source and destination in different regions", () => {
        throwsExactly(() => validateSameRegion("us-east-1", "arn:aws:logs:eu-west-1:999999999999:delivery-destination:central"),
            `[destinationArn] the delivery destination is in region "eu-west-1" but the delivery source is in "us-east-1": ` +
            `a delivery connects a source and a destination of the same region; create the destination in "us-east-1".`);
    });

    it("both source accounts and an organization; neither", () => {
        throwsExactly(() => deliveryBucketStatements({ bucket: "central-logs", region: "us-east-1", sourceAccounts: ["111122223333"], sourceOrgId: "o-abcdefghij" }),
            "[sourceAccounts] Only one of [sourceAccounts] and [sourceOrgId] can be given: list the accounts whose resources deliver logs here, or name their organization.");
        throwsExactly(() => deliveryKeyStatement({ region: "us-east-1" }),
            "[sourceAccounts] at least one source account is required (CloudWatch Logs User Guide, AWS-logs-and-resource-policy.html: aws:SourceAccount lists the accounts for which logs are delivered): " +
            "give the 12-digit IDs of the accounts whose delivery sources send logs here, or [sourceOrgId].");
        throwsExactly(() => deliveryDestinationPolicy({ destinationArn: "arn:aws:logs:us-east-1:999999999999:delivery-destination:d" }),
            "[sourceAccounts] at least one source account is required: give the 12-digit IDs of the accounts whose delivery sources deliver to this destination, or [sourceOrgId].");
    });

    it("a permission model other than v1/v2; the S3 caller policy without a bucket", () => {
        throwsExactly(() => deliveryKeyStatement({ region: "us-east-1", sourceAccounts: ["111122223333"], permissions: "v3" as "v1" }),
            `[permissions] "v3" is not a permission model: use "v2" for services listed as Supported [V2 Permissions] in the table of the CloudWatch Logs User Guide page AWS-logs-and-resource-policy.html ` +
            `(delivery sources, destinations and deliveries) or "v1" for those listed as Supported [V1 Permissions].`);
        throwsExactly(() => deliveryCallerPolicy({ region: "us-east-1", account: "111122223333", destinations: ["s3"] }),
            `[bucket] the bucket is required with destination "s3": give the name of the bucket that receives the logs.`);
    });
});
