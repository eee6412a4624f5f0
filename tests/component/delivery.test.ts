/**
 * The delivery components under pulumi.runtime.setMocks (issue 4, the AWS-logs-and-resource-policy page's V2 model): children,
 * names, parents, the dependencies that order create (destination -> source -> delivery) and delete
 * (the reverse, the AWS-logs-and-resource-policy page's cleanup order), the wrapped s3DeliveryConfigurations, the permissions each
 * destination writes, and exact messages for bad input.
 */
import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { deliveryState, throwsExactly } from "../support/deliveryState";
import { InstalledMocks, installMocks, valueOf } from "../support/mocks";
import type * as Delivery from "../../components/delivery";
import type { PolicyDocument } from "../../policies/types";

const ACCOUNT = "123456789012";
const REGION = "us-east-1";
const KB = `arn:aws:bedrock:${REGION}:${ACCOUNT}:knowledge-base/KB12345678`;
const STREAM = `arn:aws:firehose:${REGION}:${ACCOUNT}:deliverystream/kb-logs`;

/** Names and ARNs the real provider would compute for the delivery resources. */
const state = deliveryState(ACCOUNT, REGION);


describe("delivery components (mocks)", function () {
    let m: InstalledMocks;
    let D: typeof Delivery;

    before(() => {
        m = installMocks({ accountId: ACCOUNT, region: REGION, state });
        // Required only after setMocks, so the components see the mocked runtime.
        D = require("../../components/delivery") as typeof Delivery;
    });

    async function settle(...outputs: pulumi.Output<unknown>[]): Promise<void> {
        for (const o of outputs) {
            await valueOf(o);
        }
        await m.settled();
    }
    const urnOf = (name: string) => m.named(name).urn;
    describe("DeliveryChain: one source to S3 (KMS), a log group and Firehose in one account", () => {
        let chain: Delivery.DeliveryChain;
        before(async () => {
            m.clear();
            chain = new D.DeliveryChain("kb", {
                resourceArn: KB,
                logType: "APPLICATION_LOGS",
                destinations: {
                    archive: { s3: {}, outputFormat: "parquet", suffixPath: "kb/{yyyy}/{MM}/{dd}", enableHiveCompatiblePath: true },
                    search: { cloudWatchLogs: { logGroupName: "/aws/vendedlogs/kb", retentionInDays: 30 }, outputFormat: "json" },
                    stream: { firehose: { deliveryStreamArn: STREAM, deliveryStreamTags: { LogDeliveryEnabled: "true" } }, outputFormat: "plain", fieldDelimiter: "," },
                },
            });
            await settle(chain.deliveryArns, chain.destinationArns);
        });

        it("creates the components and resources, each named `${name}-...` and parented to its component", () => {
            const children = (name: string) => m.resources.filter(r => r.parent === urnOf(name)).map(r => `${r.type} ${r.name}`).sort();
            assert.strictEqual(m.named("kb").type, "cwlogs:delivery:DeliveryChain");
            assert.deepStrictEqual(children("kb"), [
                "cwlogs:delivery:DeliveryDestination kb-archive",
                "cwlogs:delivery:DeliveryDestination kb-search",
                "cwlogs:delivery:DeliveryDestination kb-stream",
                "cwlogs:delivery:DeliverySource kb-source",
            ]);
            assert.deepStrictEqual(children("kb-source"), [
                "aws:cloudwatch/logDelivery:LogDelivery kb-source-delivery-archive",
                "aws:cloudwatch/logDelivery:LogDelivery kb-source-delivery-search",
                "aws:cloudwatch/logDelivery:LogDelivery kb-source-delivery-stream",
                "aws:cloudwatch/logDeliverySource:LogDeliverySource kb-source-source",
            ]);
            assert.deepStrictEqual(children("kb-archive"), [
                "aws:cloudwatch/logDeliveryDestination:LogDeliveryDestination kb-archive-destination",
                "cwlogs:export:ExportBucket kb-archive-bucket",
            ]);
            assert.deepStrictEqual(children("kb-search"), [
                "aws:cloudwatch/logDeliveryDestination:LogDeliveryDestination kb-search-destination",
                "aws:cloudwatch/logGroup:LogGroup kb-search-log-group",
                "aws:cloudwatch/logResourcePolicy:LogResourcePolicy kb-search-log-group-policy",
            ]);
            assert.deepStrictEqual(children("kb-stream"), [
                "aws:cloudwatch/logDeliveryDestination:LogDeliveryDestination kb-stream-destination",
            ]);
            // Same account: no destination policy.
            assert.deepStrictEqual(m.ofType("aws:cloudwatch/logDeliveryDestinationPolicy:LogDeliveryDestinationPolicy"), []);
        });

        it("orders create destination (with every permission) -> source -> delivery, so destroy runs the reverse", () => {
            const source = m.named("kb-source-source");
            for (const key of ["archive", "search", "stream"]) {
                // The source waits for the destination resource and its permissions ...
                assert.ok(source.dependencies.includes(urnOf(`kb-${key}-destination`)), `source waits for kb-${key}-destination`);
                // ... and each delivery for the source and the destination.
                const delivery = m.named(`kb-source-delivery-${key}`);
                assert.ok(delivery.dependencies.includes(source.urn), `delivery-${key} waits for the source`);
                assert.ok(delivery.dependencies.includes(urnOf(`kb-${key}-destination`)), `delivery-${key} waits for its destination`);
            }
            for (const permission of ["kb-archive-bucket-policy", "kb-archive-bucket-key", "kb-search-log-group-policy"]) {
                assert.ok(source.dependencies.includes(urnOf(permission)), `source waits for ${permission}`);
                assert.ok(m.named("kb-source-delivery-search").dependencies.includes(urnOf(permission)), `delivery waits for ${permission}`);
            }
            // The deliveries of one source are created one after the other.
            assert.ok(m.named("kb-source-delivery-search").dependencies.includes(urnOf("kb-source-delivery-archive")));
            assert.ok(m.named("kb-source-delivery-stream").dependencies.includes(urnOf("kb-source-delivery-search")));
        });

        it("wraps suffixPath and enableHiveCompatiblePath in s3DeliveryConfigurations, only for S3", () => {
            assert.deepStrictEqual(m.named("kb-source-delivery-archive").inputs.s3DeliveryConfigurations,
                [{ suffixPath: "kb/{yyyy}/{MM}/{dd}", enableHiveCompatiblePath: true }]);
            assert.strictEqual(m.named("kb-source-delivery-search").inputs.s3DeliveryConfigurations, undefined);
            assert.strictEqual(m.named("kb-source-delivery-stream").inputs.fieldDelimiter, ",");
        });

        it("points each delivery at its destination and each destination at its resource, with the output format", async () => {
            const arns = await valueOf(chain.destinationArns);
            for (const key of ["archive", "search", "stream"]) {
                assert.strictEqual(m.named(`kb-source-delivery-${key}`).inputs.deliveryDestinationArn, arns[key]);
            }
            assert.strictEqual(m.named("kb-source-source").inputs.resourceArn, KB);
            assert.strictEqual(m.named("kb-source-source").inputs.logType, "APPLICATION_LOGS");
            assert.deepStrictEqual(m.named("kb-stream-destination").inputs.deliveryDestinationConfiguration, { destinationResourceArn: STREAM });
            assert.strictEqual(m.named("kb-archive-destination").inputs.outputFormat, "parquet");
            assert.deepStrictEqual(m.named("kb-search-destination").inputs.deliveryDestinationConfiguration,
                { destinationResourceArn: `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/aws/vendedlogs/kb` });
            assert.deepStrictEqual(await valueOf(chain.destinations.archive.destinationType), "S3");
        });

        it("merges the AWS-logs-and-resource-policy page's S3 statements into the ExportBucket's policy and the key statement into its key policy", () => {
            const policy = JSON.parse(m.named("kb-archive-bucket-policy").inputs.policy as string) as PolicyDocument;
            const sids = policy.Statement.map(s => s.Sid);
            assert.ok(sids.includes("AWSLogDeliveryAclCheck") && sids.includes("AWSLogDeliveryWrite"), sids.join());
            const write = policy.Statement.find(s => s.Sid === "AWSLogDeliveryWrite")!;
            // The AWS-logs-and-resource-policy page's AWSLogs/<account>/ and the Hive form AWS writes with enableHiveCompatiblePath (on for "archive").
            assert.deepStrictEqual(write.Resource, [
                `arn:aws:s3:::kb-archive-bucket-bucket-abc1234/AWSLogs/${ACCOUNT}/*`,
                `arn:aws:s3:::kb-archive-bucket-bucket-abc1234/AWSLogs/aws-account-id=${ACCOUNT}/*`,
            ]);
            assert.deepStrictEqual(write.Condition?.ArnLike?.["aws:SourceArn"], [`arn:aws:logs:${REGION}:${ACCOUNT}:delivery-source:*`]);
            const key = JSON.parse(m.named("kb-archive-bucket-key").inputs.policy as string) as PolicyDocument;
            assert.ok(key.Statement.some(s => s.Sid === "Allow Logs Delivery to use the key"));
        });

        it("writes the AWS-logs-and-resource-policy page's log group resource policy for the created log group", () => {
            const p = m.named("kb-search-log-group-policy").inputs;
            assert.strictEqual(p.policyName, "kb-search-delivery");
            const doc = JSON.parse(p.policyDocument as string) as PolicyDocument;
            assert.deepStrictEqual(doc.Statement[0].Resource, [`arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/aws/vendedlogs/kb:log-stream:*`]);
            assert.strictEqual(m.named("kb-search-log-group").inputs.retentionInDays, 30);
        });
    });

    it("DeliveryDestination for other accounts writes the destination policy for them (cross-account)", async () => {
        m.clear();
        const dest = new D.DeliveryDestination("central", {
            firehose: { deliveryStreamArn: STREAM },
            sourceAccounts: ["111122223333"],
        });
        await settle(dest.destinationPolicyJson);
        const p = m.named("central-destination-policy");
        assert.strictEqual(p.type, "aws:cloudwatch/logDeliveryDestinationPolicy:LogDeliveryDestinationPolicy");
        assert.strictEqual(p.parent, urnOf("central"));
        const doc = JSON.parse(p.inputs.deliveryDestinationPolicy as string) as PolicyDocument;
        assert.deepStrictEqual(doc.Statement[0].Principal, { AWS: "arn:aws:iam::111122223333:root" });
        assert.strictEqual(doc.Statement[0].Resource, await valueOf(dest.destinationArn));
    });

    it("a CloudWatch Logs or X-Ray destination for other accounts is refused: AWS delivers across accounts only to S3 and Firehose", async () => {
        // CloudWatch Logs User Guide, AWS-vended-logs-permissions-V2: "If you are delivering logs
        // cross-account, you can use only Amazon S3 and Firehose destinations."
        m.clear();
        const message = (kind: string, argument: string, who: string) =>
            `[${argument}] a [${kind}] destination only receives logs from this account's delivery sources, and [${argument}] names ${who}: ` +
            "AWS delivers logs across accounts only to S3 and Firehose destinations (CloudWatch Logs User Guide, AWS-vended-logs-permissions-V2). " +
            `Deliver the other accounts' logs to an s3 or firehose destination here, or to a log group in their own account; leave [${argument}] out for this account only.`;
        throwsExactly(() => new D.DeliveryDestination("org-cwl", { cloudWatchLogs: { logGroupName: "/aws/vendedlogs/org" }, sourceOrgId: "o-abcdefghij" }),
            message("cloudWatchLogs", "sourceOrgId", "an organization"));
        throwsExactly(() => new D.DeliveryDestination("org-xray", { xray: {}, sourceOrgId: "o-abcdefghij" }), message("xray", "sourceOrgId", "an organization"));
        assert.deepStrictEqual(m.resources.filter(r => r.custom), []);
        // Another account is known only once this stack's account is: refused when it resolves, before the destination.
        const bad = new D.DeliveryDestination("x-cwl", { cloudWatchLogs: { logGroupName: "/aws/vendedlogs/x", createLogGroup: false }, sourceAccounts: [ACCOUNT, "111122223333"] });
        await assert.rejects(settledValue(bad.destinationResourceArn), (e: Error) => {
            // The SDK prefixes an input's error, in place, with the property it was serializing (runtime/rpc.js).
            assert.strictEqual(e.message.replace(/^(error serializing property "[^"]+": )+/, ""), message("cloudWatchLogs", "sourceAccounts", 'account "111122223333"'));
            return true;
        });
        await m.settled();
        assert.deepStrictEqual(m.ofType("aws:cloudwatch/logDeliveryDestination:LogDeliveryDestination"), []);
        // This account alone is same-account delivery: accepted.
        const own = new D.DeliveryDestination("own-cwl", { cloudWatchLogs: { logGroupName: "/aws/vendedlogs/own", createLogGroup: false }, sourceAccounts: [ACCOUNT] });
        assert.strictEqual(await settledValue(own.destinationResourceArn), `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/aws/vendedlogs/own`);
    });

    it("DeliverySource alone passes its dependsOn to the source and the delivery", async () => {
        m.clear();
        const dest = new D.DeliveryDestination("fh", { firehose: { deliveryStreamArn: STREAM } });
        const src = new D.DeliverySource("sso", {
            resourceArn: `arn:aws:sso:::instance/ssoins-1234567890abcdef`, logType: "ERROR_LOGS",
            deliveries: { fh: { destinationArn: dest.destinationArn } },
        }, { dependsOn: [dest] });
        await settle(src.deliveryArns);
        assert.ok(m.named("sso-source").dependencies.includes(urnOf("fh-destination")));
        assert.ok(m.named("sso-delivery-fh").dependencies.includes(urnOf("sso-source")));
        assert.strictEqual(m.named("sso-delivery-fh").parent, urnOf("sso"));
    });

    /** The value or the error of an output; Output's internal promise() carries the rejection. */
    function settledValue<T>(o: pulumi.Output<T>): Promise<T> {
        return (o as unknown as { promise(): Promise<T> }).promise();
    }

    it("Firehose with lookUpTags: reads the stream's tags and refuses an untagged stream before the destination gets its ARN", async () => {
        m.clear();
        const lookups: Record<string, Record<string, string>> = {};
        const mocks = installMocks({
            accountId: ACCOUNT, region: REGION, state,
            call: (token, args) => token === "aws:resourcegroupstaggingapi/getResources:getResources"
                ? { id: "x", region: REGION, resourceTagMappingLists: (args.resourceArnLists as string[]).map(a => ({ resourceArn: a, tags: lookups[a] ?? {}, complianceDetails: [] })) }
                : undefined,
        });
        const tagged = `${STREAM}-tagged`;
        lookups[tagged] = { LogDeliveryEnabled: "true" };
        const ok = new D.DeliveryDestination("fh-ok", { firehose: { deliveryStreamArn: tagged, lookUpTags: true } });
        assert.strictEqual(await settledValue(ok.destinationResourceArn), tagged);
        const bad = new D.DeliveryDestination("fh-bad", { firehose: { deliveryStreamArn: STREAM, lookUpTags: true } });
        await assert.rejects(settledValue(bad.destinationResourceArn), (e: Error) => {
            assert.strictEqual(e.message, `[firehose.deliveryStreamTags] the Firehose stream "${STREAM}" has no tag LogDeliveryEnabled = "true": ` +
                "the AWSServiceRoleForLogDelivery role only writes to streams with that tag (CloudWatch Logs User Guide, AWS-logs-and-resource-policy.html). Add tags: { LogDeliveryEnabled: \"true\" } to the stream " +
                "(or run `aws firehose tag-delivery-stream --delivery-stream-name <name> --tags Key=LogDeliveryEnabled,Value=true`).");
            return true;
        });
        assert.ok(mocks.calls.some(c => c.token === "aws:resourcegroupstaggingapi/getResources:getResources"));
        m = installMocks({ accountId: ACCOUNT, region: REGION, state });
    });

    describe("bad input (exact messages, before anything is created)", () => {
        it("two destination kinds in one DeliveryDestination", () => {
            throwsExactly(() => new D.DeliveryDestination("two", { s3: {}, firehose: { deliveryStreamArn: STREAM } }),
                "[firehose] Only one of [s3], [firehose] can be given: a delivery destination is one bucket, log group or stream; create one DeliveryDestination per destination.");
        });
        it("an output format AWS does not know", () => {
            throwsExactly(() => new D.DeliveryDestination("fmt", { s3: {}, outputFormat: "csv" as "json" }),
                `[outputFormat] "csv" is not an output format CloudWatch Logs knows: use one of "json", "plain", "w3c", "raw", "parquet", or leave it out for the log type's default.`);
        });
        it("a Firehose stream whose tags lack LogDeliveryEnabled", () => {
            throwsExactly(() => new D.DeliveryDestination("untagged", { firehose: { deliveryStreamArn: STREAM, deliveryStreamTags: {} } }),
                `[firehose.deliveryStreamTags] the Firehose stream "${STREAM}" has no tag LogDeliveryEnabled = "true": the AWSServiceRoleForLogDelivery role only writes ` +
                `to streams with that tag (CloudWatch Logs User Guide, AWS-logs-and-resource-policy.html). Add tags: { LogDeliveryEnabled: "true" } to the stream ` +
                "(or run `aws firehose tag-delivery-stream --delivery-stream-name <name> --tags Key=LogDeliveryEnabled,Value=true`).");
        });
        it("a destination ARN of another service, and one in another region", () => {
            throwsExactly(() => new D.DeliverySource("s3arn", { resourceArn: KB, logType: "APPLICATION_LOGS", deliveries: { a: { destinationArn: "arn:aws:s3:::my-bucket" } } }),
                `[deliveries.a.destinationArn] "arn:aws:s3:::my-bucket" is an ARN of service "s3": give the ARN of a CloudWatch Logs delivery destination, ` +
                `"arn:aws:logs:<region>:<account>:delivery-destination:<name>" (the destination stack's destinationArn output), not the bucket, log group or stream itself.`);
            throwsExactly(() => new D.DeliverySource("region", {
                resourceArn: KB, logType: "APPLICATION_LOGS", region: REGION,
                deliveries: { a: { destinationArn: "arn:aws:logs:eu-west-1:999999999999:delivery-destination:central" } },
            }), `[deliveries.a.destinationArn] the delivery destination is in region "eu-west-1" but the delivery source is in "us-east-1": ` +
                `a delivery connects a source and a destination of the same region; create the destination in "us-east-1".`);
        });
        it("an unknown log type for a known service", () => {
            throwsExactly(() => new D.DeliverySource("lt", { resourceArn: KB, logType: "ACCESS_LOGS", deliveries: { a: { destinationArn: "arn:aws:logs:us-east-1:999999999999:delivery-destination:d" } } }),
                `[logType] "ACCESS_LOGS" is not a log type of Amazon Bedrock Knowledge Bases (CloudWatch Logs API reference, PutDeliverySource logType): use "APPLICATION_LOGS", "TRACES".`);
        });
        it("Hive paths for a log group destination, a delimiter with parquet (DeliveryChain)", () => {
            throwsExactly(() => new D.DeliveryChain("hive", {
                resourceArn: KB, logType: "APPLICATION_LOGS",
                destinations: { logs: { cloudWatchLogs: { logGroupName: "/aws/vendedlogs/x" }, suffixPath: "x/{yyyy}", enableHiveCompatiblePath: true } },
            }), `[deliveries.logs.suffixPath] a suffix path only applies to S3 destinations, and this destination's type is "CWL": leave [deliveries.logs.suffixPath] out.`);
            throwsExactly(() => new D.DeliveryChain("delim", {
                resourceArn: KB, logType: "APPLICATION_LOGS",
                destinations: { archive: { s3: {}, outputFormat: "parquet", fieldDelimiter: "\t" } },
            }), `[deliveries.archive.fieldDelimiter] a field delimiter only applies to "plain", "w3c" and "raw" output, and the destination's output format is "parquet": ` +
                `leave [deliveries.archive.fieldDelimiter] out or use a destination with a text output format.`);
            // Nothing of either chain was created.
            assert.deepStrictEqual(m.resources.filter(r => r.name.startsWith("hive") || r.name.startsWith("delim")), []);
        });
        it("two destinations of one type in a chain", () => {
            throwsExactly(() => new D.DeliveryChain("dup", {
                resourceArn: KB, logType: "APPLICATION_LOGS",
                destinations: { a: { s3: {} }, b: { s3: {} } },
            }), `[deliveries.b.destinationType] deliveries "a" and "b" both go to a destination of type "S3": a delivery source has at most one delivery per destination type; use one source per destination of that type.`);
        });
    });
});
