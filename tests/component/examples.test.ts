/**
 * The example programs run under mocks: they construct what their READMEs promise, with the
 * wiring between resources a real `pulumi up` would use.
 */
import * as assert from "assert";
import type * as pulumi from "@pulumi/pulumi";
import { InstalledMocks, installMocks, valueOf } from "../support/mocks";
import type { PolicyDocument } from "../../policies";

describe("examples/same-account (mocks)", () => {
    let m: InstalledMocks;
    let program: Record<string, pulumi.Output<unknown>>;

    before(async () => {
        m = installMocks({ accountId: "123456789012", region: "us-east-1" });
        program = require("../../examples/same-account/index") as Record<string, pulumi.Output<unknown>>;
        await valueOf(program.bucketName);
        await m.settled();
    });

    it("creates the log group and an ExportBucket whose policy admits exactly that log group under the prefix", async () => {
        assert.strictEqual(m.named("my-log-group").type, "aws:cloudwatch/logGroup:LogGroup");
        assert.strictEqual(m.named("exports").type, "cwlogs:export:ExportBucket");
        const policy = JSON.parse(m.named("exports-policy").inputs.policy as string) as PolicyDocument;
        const put = policy.Statement.find(s => s.Sid === "AllowCloudWatchLogsPutObject")!;
        const bucket = await valueOf(program.bucketName);
        assert.strictEqual(put.Resource, `arn:aws:s3:::${bucket}/exports-7f3a9c/*`);
        assert.deepStrictEqual(put.Condition?.ArnLike?.["aws:SourceArn"], [
            "arn:aws:logs:us-east-1:123456789012:log-group:my-log-group",
            "arn:aws:logs:us-east-1:123456789012:log-group:my-log-group:*",
        ]);
        assert.strictEqual(program.prefix as unknown, "exports-7f3a9c");
        assert.ok((await valueOf(program.kmsKeyArn) as string).startsWith("arn:aws:kms:us-east-1:123456789012:key/"));
    });

    it("declares an ExportTask into that bucket and prefix, which waits for every child of the bucket", async () => {
        const task = m.named("first-day");
        assert.strictEqual(task.type, "pulumi-nodejs:dynamic/cwlogs:ExportTask");
        assert.strictEqual(task.inputs.destination, await valueOf(program.bucketName));
        assert.strictEqual(task.inputs.destinationPrefix, "exports-7f3a9c");
        assert.strictEqual(task.inputs.logGroupName, "my-log-group");
        assert.strictEqual(task.inputs.from, "2025-01-01T00:00:00Z", "the provider's check normalizes it to ms");
        // dependsOn the component expands to its children: the export waits for the bucket policy and key.
        for (const child of ["exports-policy", "exports-key", "exports-encryption"]) {
            assert.ok(task.dependencies.includes(m.named(child).urn), `${child} in ${task.dependencies.join(", ")}`);
        }
    });
});
