/**
 * The V2 delivery APIs (AWS-logs-and-resource-policy: PutDeliverySource, PutDeliveryDestination,
 * PutDeliveryDestinationPolicy, CreateDelivery, and the delete order) through moto, called with the
 * AWS SDK using exactly the arguments the delivery components register under mocks, so their shapes
 * are checked against a real API model.
 *
 * What moto models (moto/logs/models.py, 5.x): the enum of output formats, a per-service table of
 * log types for PutDeliverySource, one delivery per source and destination type, and destinations
 * and sources in the caller's own account only (no cross-account CreateDelivery: the destination
 * policy is stored, not evaluated). It does not enforce the delete order, bucket or key policies, or
 * the Firehose tag.
 */
import * as assert from "assert";
import {
    CloudWatchLogsClient, CreateDeliveryCommand, DeleteDeliveryCommand, DeleteDeliveryDestinationCommand, DeleteDeliverySourceCommand,
    GetDeliveryCommand, GetDeliveryDestinationPolicyCommand, PutDeliveryDestinationCommand, PutDeliveryDestinationPolicyCommand,
    PutDeliverySourceCommand, PutResourcePolicyCommand, S3DeliveryConfiguration,
} from "@aws-sdk/client-cloudwatch-logs";
import { CreateBucketCommand, GetBucketPolicyCommand, PutBucketPolicyCommand, S3Client } from "@aws-sdk/client-s3";
import type * as Delivery from "../../components/delivery";
import { InstalledMocks, installMocks, valueOf } from "../support/mocks";
import { Moto, MOTO_ACCOUNT, startMoto } from "../support/moto";

const REGION = "us-east-1";
const KB = `arn:aws:bedrock:${REGION}:${MOTO_ACCOUNT}:knowledge-base/KB12345678`;
const STREAM = `arn:aws:firehose:${REGION}:${MOTO_ACCOUNT}:deliverystream/kb-logs`;

function state(r: { type: string; name: string; inputs: Record<string, unknown> }): Record<string, unknown> | undefined {
    const name = (r.inputs.name as string | undefined) ?? `${r.name}-x1`;
    switch (r.type) {
        case "aws:cloudwatch/logDeliveryDestination:LogDeliveryDestination":
            return { name, arn: `arn:aws:logs:${REGION}:${MOTO_ACCOUNT}:delivery-destination:${name}` };
        case "aws:cloudwatch/logDeliverySource:LogDeliverySource":
            return { name, arn: `arn:aws:logs:${REGION}:${MOTO_ACCOUNT}:delivery-source:${name}` };
        case "aws:cloudwatch/logGroup:LogGroup":
            return { arn: `arn:aws:logs:${REGION}:${MOTO_ACCOUNT}:log-group:${name}` };
        default:
            return undefined;
    }
}

describe("delivery APIs through moto, with the components' arguments", function () {
    this.timeout(120_000);
    let moto: Moto;
    let logs: CloudWatchLogsClient;
    let s3: S3Client;
    let m: InstalledMocks;
    /** Inputs the components registered, by child name. */
    const inputs = (name: string) => m.named(name).inputs;
    /** moto's ARN for each destination, by component child name. */
    const destinationArns: Record<string, string> = {};
    const deliveryIds: string[] = [];

    before(async () => {
        moto = await startMoto();
        const config = { endpoint: moto.endpoint, region: REGION, credentials: moto.credentials };
        logs = new CloudWatchLogsClient(config);
        s3 = new S3Client({ ...config, forcePathStyle: true });

        m = installMocks({ accountId: MOTO_ACCOUNT, region: REGION, state });
        const D = require("../../components/delivery") as typeof Delivery;
        const chain = new D.DeliveryChain("kb", {
            resourceArn: KB,
            logType: "APPLICATION_LOGS",
            destinations: {
                archive: { s3: {}, outputFormat: "parquet", suffixPath: "kb/{yyyy}/{MM}/{dd}", enableHiveCompatiblePath: true },
                search: { cloudWatchLogs: { logGroupName: "/aws/vendedlogs/kb" }, outputFormat: "json", recordFields: ["event_timestamp", "resource_arn"] },
                stream: { firehose: { deliveryStreamArn: STREAM }, outputFormat: "w3c", fieldDelimiter: "," },
            },
        });
        // Cross-account delivery goes only to S3 and Firehose (AWS-vended-logs-permissions-V2).
        const central = new D.DeliveryDestination("central", {
            firehose: { deliveryStreamArn: `${STREAM}-central` },
            sourceAccounts: ["111122223333"],
        });
        await valueOf(chain.deliveryArns);
        await valueOf(central.destinationPolicyJson);
        await m.settled();
    });
    after(async () => { await moto?.stop(); });

    it("PutDeliveryDestination accepts each destination's name, output format and configuration", async () => {
        for (const name of ["kb-archive-destination", "kb-search-destination", "kb-stream-destination", "central-destination"]) {
            const i = inputs(name);
            const out = await logs.send(new PutDeliveryDestinationCommand({
                name: `${name}-x1`,
                outputFormat: i.outputFormat as PutDeliveryDestinationCommand["input"]["outputFormat"],
                deliveryDestinationConfiguration: i.deliveryDestinationConfiguration as { destinationResourceArn: string },
            }));
            destinationArns[name] = out.deliveryDestination!.arn!;
            assert.strictEqual(out.deliveryDestination!.outputFormat, i.outputFormat);
        }
        assert.deepStrictEqual(
            await Promise.all(["kb-archive-destination", "kb-search-destination", "kb-stream-destination"].map(async n =>
                (await logs.send(new PutDeliveryDestinationCommand({
                    name: `${n}-x1`, deliveryDestinationConfiguration: inputs(n).deliveryDestinationConfiguration as { destinationResourceArn: string },
                }))).deliveryDestination!.deliveryDestinationType)),
            ["S3", "CWL", "FH"]);
    });

    it("the ARNs the components assume are the ARNs the API returns", () => {
        for (const [name, arn] of Object.entries(destinationArns)) {
            assert.strictEqual(arn, `arn:aws:logs:${REGION}:${MOTO_ACCOUNT}:delivery-destination:${name}-x1`);
        }
    });

    it("PutDeliveryDestinationPolicy accepts the cross-account destination policy", async () => {
        const i = inputs("central-destination-policy");
        await logs.send(new PutDeliveryDestinationPolicyCommand({
            deliveryDestinationName: "central-destination-x1", deliveryDestinationPolicy: i.deliveryDestinationPolicy as string,
        }));
        const got = await logs.send(new GetDeliveryDestinationPolicyCommand({ deliveryDestinationName: "central-destination-x1" }));
        assert.strictEqual(got.policy?.deliveryDestinationPolicy, i.deliveryDestinationPolicy);
    });

    it("PutResourcePolicy accepts the log group resource policy; S3 accepts the merged bucket policy", async () => {
        const rp = inputs("kb-search-log-group-policy");
        await logs.send(new PutResourcePolicyCommand({ policyName: rp.policyName as string, policyDocument: rp.policyDocument as string }));
        const bucket = "kb-archive-bucket-bucket-abc1234";
        await s3.send(new CreateBucketCommand({ Bucket: bucket }));
        const policy = inputs("kb-archive-bucket-policy").policy as string;
        await s3.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: policy }));
        const got = await s3.send(new GetBucketPolicyCommand({ Bucket: bucket }));
        assert.deepStrictEqual(JSON.parse(got.Policy!), JSON.parse(policy));
    });

    it("PutDeliverySource accepts the source; CreateDelivery accepts each delivery's fields and S3 configuration", async () => {
        const src = inputs("kb-source-source");
        const out = await logs.send(new PutDeliverySourceCommand({ name: "kb-source-source-x1", resourceArn: src.resourceArn as string, logType: src.logType as string }));
        assert.strictEqual(out.deliverySource!.logType, "APPLICATION_LOGS");
        assert.strictEqual(out.deliverySource!.service, "bedrock");
        for (const key of ["archive", "search", "stream"]) {
            const d = inputs(`kb-source-delivery-${key}`);
            // The provider sends the first (only) item of s3DeliveryConfigurations as s3DeliveryConfiguration.
            const s3Config = (d.s3DeliveryConfigurations as S3DeliveryConfiguration[] | undefined)?.[0];
            const created = await logs.send(new CreateDeliveryCommand({
                deliverySourceName: "kb-source-source-x1",
                deliveryDestinationArn: d.deliveryDestinationArn as string,
                recordFields: d.recordFields as string[] | undefined,
                fieldDelimiter: d.fieldDelimiter as string | undefined,
                s3DeliveryConfiguration: s3Config,
            }));
            assert.strictEqual(d.deliveryDestinationArn, destinationArns[`kb-${key}-destination`]);
            const got = await logs.send(new GetDeliveryCommand({ id: created.delivery!.id! }));
            deliveryIds.push(created.delivery!.id!);
            if (key === "archive") {
                assert.deepStrictEqual(got.delivery!.s3DeliveryConfiguration, { suffixPath: "kb/{yyyy}/{MM}/{dd}", enableHiveCompatiblePath: true });
            }
            if (key === "search") {
                assert.deepStrictEqual(got.delivery!.recordFields, ["event_timestamp", "resource_arn"]);
            }
            if (key === "stream") {
                assert.strictEqual(got.delivery!.fieldDelimiter, ",");
            }
        }
    });

    it("the API refuses what the components refuse before deploy: an unknown output format, a second delivery of one type, an unknown log type", async () => {
        await assert.rejects(logs.send(new PutDeliveryDestinationCommand({
            name: "bad", outputFormat: "csv" as "json", deliveryDestinationConfiguration: { destinationResourceArn: "arn:aws:s3:::b-1" },
        })), /outputFormat/);
        await assert.rejects(logs.send(new CreateDeliveryCommand({
            deliverySourceName: "kb-source-source-x1", deliveryDestinationArn: destinationArns["central-destination"],
        })), /same Delivery Destination Type/);
        await assert.rejects(logs.send(new PutDeliverySourceCommand({ name: "bad-type", resourceArn: KB, logType: "ACCESS_LOGS" })), /not allowed/);
    });

    it("deletes in the AWS-logs-and-resource-policy page's order: deliveries, then the source, then the destinations", async () => {
        for (const id of deliveryIds) {
            await logs.send(new DeleteDeliveryCommand({ id }));
        }
        await logs.send(new DeleteDeliverySourceCommand({ name: "kb-source-source-x1" }));
        for (const name of Object.keys(destinationArns)) {
            await logs.send(new DeleteDeliveryDestinationCommand({ name: `${name}-x1` }));
        }
    });
});
