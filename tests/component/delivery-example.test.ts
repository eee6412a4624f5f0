/**
 * examples/v2-delivery under mocks: one source delivered to S3 (SSE-KMS ExportBucket), a log group
 * and a tagged Firehose stream in one account (issue 4's example; AWS-logs-and-resource-policy).
 */
import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { InstalledMocks, installMocks, valueOf } from "../support/mocks";
import type { PolicyDocument } from "../../policies/types";

const ACCOUNT = "123456789012";
const KB = `arn:aws:bedrock:us-east-1:${ACCOUNT}:knowledge-base/KB12345678`;

function state(r: { type: string; name: string; inputs: Record<string, unknown> }): Record<string, unknown> | undefined {
    const name = (r.inputs.name as string | undefined) ?? `${r.name}-x1`;
    if (r.type === "aws:cloudwatch/logDeliveryDestination:LogDeliveryDestination") {
        return { name, arn: `arn:aws:logs:us-east-1:${ACCOUNT}:delivery-destination:${name}` };
    }
    if (r.type === "aws:cloudwatch/logDeliverySource:LogDeliverySource") {
        return { name, arn: `arn:aws:logs:us-east-1:${ACCOUNT}:delivery-source:${name}` };
    }
    if (r.type === "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream") {
        return { arn: `arn:aws:firehose:us-east-1:${ACCOUNT}:deliverystream/${r.name}` };
    }
    return undefined;
}

describe("examples/v2-delivery (mocks)", function () {
    let m: InstalledMocks;
    let program: Record<string, pulumi.Output<unknown>>;

    before(async () => {
        m = installMocks({ accountId: ACCOUNT, region: "us-east-1", state });
        pulumi.runtime.setConfig("project:knowledgeBaseArn", KB);
        program = require("../../examples/v2-delivery/index") as Record<string, pulumi.Output<unknown>>;
        await valueOf(program.deliveryArns);
        await m.settled();
    });

    it("delivers the knowledge base's APPLICATION_LOGS to S3 (SSE-KMS), a /aws/vendedlogs/ log group and the tagged stream", async () => {
        assert.strictEqual(m.named("kb-source-source").inputs.resourceArn, KB);
        assert.deepStrictEqual(Object.keys(await valueOf(program.deliveryArns) as Record<string, string>).sort(), ["archive", "search", "stream"]);
        const key = JSON.parse(m.named("kb-archive-bucket-key").inputs.policy as string) as PolicyDocument;
        assert.ok(key.Statement.some(s => s.Sid === "Allow Logs Delivery to use the key"));
        assert.ok(JSON.stringify(m.named("kb-archive-bucket-encryption").inputs).includes('"aws:kms"'));
        assert.strictEqual(m.named("kb-search-log-group").inputs.name, "/aws/vendedlogs/bedrock/kb");
        assert.deepStrictEqual(m.named("kb-logs").inputs.tags, { LogDeliveryEnabled: "true" });
        assert.deepStrictEqual(m.named("kb-stream-destination").inputs.deliveryDestinationConfiguration,
            { destinationResourceArn: `arn:aws:firehose:us-east-1:${ACCOUNT}:deliverystream/kb-logs` });
        assert.ok((await valueOf(program.kmsKeyArn) as string).startsWith(`arn:aws:kms:us-east-1:${ACCOUNT}:key/`));
    });
});
