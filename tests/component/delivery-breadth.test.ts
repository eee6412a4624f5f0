/**
 * Every V2 service and destination (issue 12), under pulumi.runtime.setMocks: the X-Ray destination
 * (@pulumi/aws 7.48 `LogDeliveryDestination` with `deliveryDestinationType: "XRAY"` and no
 * configuration), and the rules checked before anything is created, with exact messages:
 * - CloudFront sources only in us-east-1 and only ACCESS_LOGS (PutDeliverySource logType list);
 * - `parquet` only to S3 (PutDeliveryDestination outputFormat);
 * - suffix paths only with documented variables and, with Hive-compatible paths, without `key=`
 *   segments (S3DeliveryConfiguration; CloudFront "Configure standard logging (v2)");
 * - X-Ray destinations take no S3 configuration.
 */
import * as assert from "assert";
import { deliveryState, throwsExactly } from "../support/deliveryState";
import { InstalledMocks, installMocks, valueOf } from "../support/mocks";
import type * as Delivery from "../../components/delivery";
import { validateSuffixPath } from "../../policies/deliveryValidate";
import type { PolicyDocument } from "../../policies/types";
import { decide } from "../support/simulate";

const ACCOUNT = "123456789012";
const REGION = "us-east-1";
const CF = `arn:aws:cloudfront::${ACCOUNT}:distribution/E1ABCDEF2GHIJK`;
const AGENT = `arn:aws:bedrock-agentcore:${REGION}:${ACCOUNT}:runtime/agent-1234567890`;
const DEST = `arn:aws:logs:${REGION}:${ACCOUNT}:delivery-destination:central`;

const state = deliveryState(ACCOUNT, REGION);


describe("delivery breadth: X-Ray, CloudFront, Parquet and suffix paths (mocks)", function () {
    let m: InstalledMocks;
    let D: typeof Delivery;
    before(() => {
        m = installMocks({ accountId: ACCOUNT, region: REGION, state });
        D = require("../../components/delivery") as typeof Delivery;
    });
    beforeEach(() => m.clear());

    it("an X-Ray destination: deliveryDestinationType XRAY, no configuration, and a chain delivers an agent's TRACES to it", async () => {
        const chain = new D.DeliveryChain("agent", {
            resourceArn: AGENT, logType: "TRACES",
            destinations: { traces: { xray: {} } },
        });
        await valueOf(chain.deliveryArns);
        await m.settled();
        const dest = m.named("agent-traces-destination").inputs;
        assert.strictEqual(dest.deliveryDestinationType, "XRAY");
        assert.strictEqual(dest.deliveryDestinationConfiguration, undefined);
        assert.strictEqual(await valueOf(chain.destinations.traces.destinationType), "XRAY");
        assert.strictEqual(m.named("agent-source-delivery-traces").inputs.s3DeliveryConfigurations, undefined);
    });

    it("a CloudFront source in us-east-1 with suffix path variables and Hive paths is accepted", async () => {
        const src = new D.DeliverySource("cf", {
            resourceArn: CF, logType: "ACCESS_LOGS", region: REGION,
            deliveries: { s3: { destinationArn: DEST, destinationType: "S3", suffixPath: "{DistributionId}/{yyyy}/{MM}/{dd}/{HH}", enableHiveCompatiblePath: true } },
        });
        await valueOf(src.deliveryArns);
        await m.settled();
        assert.deepStrictEqual(m.named("cf-delivery-s3").inputs.s3DeliveryConfigurations,
            [{ suffixPath: "{DistributionId}/{yyyy}/{MM}/{dd}/{HH}", enableHiveCompatiblePath: true }]);
    });

    it("the S3 destination's bucket policy, as registered, lets the delivery service write the Hive keys AWS writes (evaluation)", async () => {
        // CloudWatch Logs User Guide, "Logs sent to Amazon S3", "Amazon S3 object key format": with
        // enableHiveCompatiblePath "AWSLogs/{source-account-id}/ becomes AWSLogs/aws-account-id={source-account-id}/";
        // the key below is the page's example row "Hive-compatible path enabled, suffix myFolder/{yyyy}/{MM}/{dd}".
        const d = new D.DeliveryDestination("hive", { s3: {} });
        await valueOf(d.bucketPolicyJson);
        await m.settled();
        const policy = JSON.parse(m.named("hive-bucket-policy").inputs.policy as string) as PolicyDocument;
        const bucket = (await valueOf(d.destinationResourceArn))!.replace("arn:aws:s3:::", "");
        const put = (key: string) => decide({
            principal: "delivery.logs.amazonaws.com", action: "s3:PutObject", resource: `arn:aws:s3:::${bucket}/${key}`, resourceAccount: ACCOUNT,
            resourcePolicy: policy,
            context: { "s3:x-amz-acl": "bucket-owner-full-control", "aws:SourceAccount": ACCOUNT, "aws:SourceArn": `arn:aws:logs:${REGION}:${ACCOUNT}:delivery-source:kb` },
        });
        assert.strictEqual(await put(`AWSLogs/aws-account-id=${ACCOUNT}/elasticloadbalancing/myFolder/year=2026/month=09/day=10/x.log.gz`), "Allowed");
        assert.strictEqual(await put(`AWSLogs/${ACCOUNT}/elasticloadbalancing/us-east-1/2026/09/10/x.log.gz`), "Allowed");
        assert.strictEqual(await put(`AWSLogs/aws-account-id=210987654321/elasticloadbalancing/x.log.gz`), "ImplicitlyDenied");
    });

    it("s3KeyPrefixes says where each S3 delivery's objects land, and the chain's bucket policy lets the service write there (evaluation)", async () => {
        const kb = `arn:aws:bedrock:${REGION}:${ACCOUNT}:knowledge-base/KB12345678`;
        const chain = new D.DeliveryChain("keys", {
            resourceArn: kb, logType: "APPLICATION_LOGS",
            destinations: {
                archive: { s3: {}, suffixPath: "kb/{yyyy}/{MM}/{dd}", enableHiveCompatiblePath: true },
                search: { cloudWatchLogs: { logGroupName: "/aws/vendedlogs/keys" } },
            },
        });
        const plainChain = new D.DeliveryChain("keys-plain", { resourceArn: `${kb}2`, logType: "APPLICATION_LOGS", destinations: { archive: { s3: {} } } });
        assert.deepStrictEqual(await valueOf(chain.s3KeyPrefixes), { archive: `AWSLogs/aws-account-id=${ACCOUNT}/` });
        assert.deepStrictEqual(await valueOf(plainChain.s3KeyPrefixes), { archive: `AWSLogs/${ACCOUNT}/` });
        await valueOf(chain.destinations.archive.bucketPolicyJson);
        await m.settled();
        const policy = JSON.parse(m.named("keys-archive-bucket-policy").inputs.policy as string) as PolicyDocument;
        const bucket = (await valueOf(chain.destinations.archive.destinationResourceArn))!.replace("arn:aws:s3:::", "");
        const sourceArn = await valueOf(chain.sourceArn);
        const put = (key: string) => decide({
            principal: "delivery.logs.amazonaws.com", action: "s3:PutObject", resource: `arn:aws:s3:::${bucket}/${key}`, resourceAccount: ACCOUNT,
            resourcePolicy: policy, context: { "s3:x-amz-acl": "bucket-owner-full-control", "aws:SourceAccount": ACCOUNT, "aws:SourceArn": sourceArn },
        });
        // The prefix, then the service's segment and the suffix path rendered key=value (the page's rule).
        const prefixes = await valueOf(chain.s3KeyPrefixes);
        assert.strictEqual(await put(`${prefixes.archive}bedrock/kb/year=2026/month=09/day=10/x.json.gz`), "Allowed");
        assert.strictEqual(await put(`kb/year=2026/month=09/day=10/x.json.gz`), "ImplicitlyDenied");
    });

    describe("bad input (exact messages, before anything is created)", () => {
        afterEach(() => assert.deepStrictEqual(m.resources.filter(r => r.custom), []));

        it("a CloudFront source outside us-east-1; a CloudFront log type other than ACCESS_LOGS", () => {
            throwsExactly(() => new D.DeliverySource("cf-eu", {
                resourceArn: CF, logType: "ACCESS_LOGS", region: "eu-west-1",
                deliveries: { a: { destinationArn: "arn:aws:logs:eu-west-1:123456789012:delivery-destination:d" } },
            }), `[region] CloudFront delivery sources can only be created in us-east-1, and this source would be in "eu-west-1": ` +
                `set [region] to "us-east-1" (or use a provider for us-east-1); its destinations must be in us-east-1 too.`);
            throwsExactly(() => new D.DeliverySource("cf-lt", { resourceArn: CF, logType: "CONNECTION_LOGS", deliveries: { a: { destinationArn: DEST } } }),
                `[logType] "CONNECTION_LOGS" is not a log type of CloudFront (CloudWatch Logs API reference, PutDeliverySource logType): use "ACCESS_LOGS".`);
        });
        it("parquet to CloudWatch Logs, on the destination and in a chain", () => {
            throwsExactly(() => new D.DeliveryDestination("pq", { cloudWatchLogs: { logGroupName: "/aws/vendedlogs/pq" }, outputFormat: "parquet" }),
                `[outputFormat] the "parquet" output format only applies to S3 destinations, and this is a [cloudWatchLogs] destination (PutDeliveryDestination outputFormat): ` +
                `use "json", "plain", "w3c" or "raw", or deliver to an S3 destination.`);
            throwsExactly(() => new D.DeliverySource("pq-src", {
                resourceArn: AGENT, logType: "APPLICATION_LOGS",
                deliveries: { logs: { destinationArn: DEST, destinationType: "CWL", destinationOutputFormat: "parquet" } },
            }), `[deliveries.logs.destinationOutputFormat] the "parquet" output format only applies to S3 destinations, and this destination's type is "CWL" (PutDeliveryDestination outputFormat): ` +
                `use "json", "plain", "w3c" or "raw", or deliver to an S3 destination.`);
        });
        it("a suffix path with an unknown variable; a key= segment under Hive mode; an unmatched brace", () => {
            const with_ = (suffixPath: string, hive?: boolean) => () => new D.DeliverySource("sp", {
                resourceArn: CF, logType: "ACCESS_LOGS",
                deliveries: { s3: { destinationArn: DEST, destinationType: "S3", suffixPath, enableHiveCompatiblePath: hive } },
            });
            throwsExactly(with_("{distribution}/{yyyy}"),
                `[deliveries.s3.suffixPath] "{distribution}/{yyyy}" uses the variable {distribution}, which is not a suffix path variable AWS documents: ` +
                `use {yyyy}, {MM}, {dd}, {HH}, {accountid}, {DistributionId}, {distributionid}, or give the variables DescribeConfigurationTemplates lists in allowedSuffixPathFields for this log type as [deliveries.s3.suffixPathFields].`);
            throwsExactly(with_("year={yyyy}/month={MM}", true),
                `[deliveries.s3.suffixPath] "year={yyyy}/month={MM}" has the key=value segment "year={yyyy}", and Hive-compatible paths are on: AWS writes the key= part of each segment itself; ` +
                `give the plain segments (e.g. "{yyyy}/{MM}/{dd}") or turn [deliveries.s3.enableHiveCompatiblePath] off.`);
            throwsExactly(with_("{yyyy/{MM}"),
                `[deliveries.s3.suffixPath] "{yyyy/{MM}" has an unmatched "{" or "}": write each variable as {name}.`);
            // A variable DescribeConfigurationTemplates lists for the log type is accepted when named.
            assert.strictEqual(validateSuffixPath("{resourceid}/{yyyy}", false, ["resourceid"]), "{resourceid}/{yyyy}");
        });
        it("an X-Ray destination with an S3 configuration; with a bucket too", () => {
            throwsExactly(() => new D.DeliveryChain("xr", {
                resourceArn: AGENT, logType: "TRACES",
                destinations: { traces: { xray: {}, suffixPath: "{yyyy}", enableHiveCompatiblePath: true } },
            }), `[deliveries.traces.suffixPath] a suffix path only applies to S3 destinations, and this destination's type is "XRAY": leave [deliveries.traces.suffixPath] out.`);
            throwsExactly(() => new D.DeliveryDestination("xr2", { xray: {}, s3: {} }),
                "[xray] Only one of [s3], [xray] can be given: a delivery destination is one bucket, log group or stream; create one DeliveryDestination per destination.");
        });
    });
});
