/**
 * `cwlogs-export policy delivery-*` (issue 4): each kind prints exactly the builder's document for
 * its flags (AWS-logs-and-resource-policy), and bad flags throw the ValidationError, naming the flag, that cli/main.ts
 * turns into a message on stderr and exit code 2.
 */
import * as assert from "assert";
import { Command } from "commander";
import { registerDeliveryPolicyKinds } from "../../cli/policy-delivery";
import {
    deliveryBucketPolicy, deliveryCallerPolicy, deliveryDestinationPolicy, deliveryKeyPolicy, deliveryLogGroupPolicy,
} from "../../policies/delivery";
import { ValidationError } from "../../policies/validate";

async function run(...argv: string[]): Promise<string> {
    let stdout = "";
    const policy = new Command("policy").exitOverride();
    registerDeliveryPolicyKinds(policy, { stdout: t => { stdout += t; }, stderr: () => undefined });
    for (const sub of policy.commands) {
        sub.exitOverride();
    }
    await policy.parseAsync(argv, { from: "user" });
    return stdout;
}

async function rejectsExactly(argv: string[], message: string): Promise<void> {
    await assert.rejects(run(...argv), (e: Error) => {
        assert.ok(e instanceof ValidationError, String(e));
        assert.strictEqual(e.message, message);
        return true;
    });
}

describe("cwlogs-export policy delivery-*", () => {
    it("delivery-bucket prints the AWS-logs-and-resource-policy page's V2 bucket policy (default --permissions v2), one JSON document", async () => {
        const out = await run("delivery-bucket", "--bucket", "central-logs", "--region", "us-east-1",
            "--source-account", "111122223333", "--source-account", "444455556666");
        assert.strictEqual(out, `${JSON.stringify(deliveryBucketPolicy({
            bucket: "central-logs", region: "us-east-1", sourceAccounts: ["111122223333", "444455556666"],
        }), null, 2)}\n`);
    });

    it("delivery-bucket --permissions v1 --no-list-bucket prints the V1 form", async () => {
        const out = await run("delivery-bucket", "--bucket", "central-logs", "--region", "us-east-1", "--account", "111122223333",
            "--permissions", "v1", "--no-list-bucket");
        assert.deepStrictEqual(JSON.parse(out), deliveryBucketPolicy({
            bucket: "central-logs", region: "us-east-1", sourceAccounts: ["111122223333"], permissions: "v1", listBucket: false,
        }));
    });

    it("delivery-bucket --isolate-source-accounts --hive-compatible-paths; delivery-caller --destination xray --no-tagging (issue 12)", async () => {
        const bucket = await run("delivery-bucket", "--bucket", "central-logs", "--region", "us-east-1",
            "--source-account", "111122223333", "--source-account", "444455556666", "--isolate-source-accounts", "--hive-compatible-paths");
        assert.deepStrictEqual(JSON.parse(bucket), deliveryBucketPolicy({
            bucket: "central-logs", region: "us-east-1", sourceAccounts: ["111122223333", "444455556666"], isolateSourceAccounts: true, hiveCompatiblePaths: true,
        }));
        assert.strictEqual((JSON.parse(bucket) as { Statement: unknown[] }).Statement.length, 3);
        const caller = await run("delivery-caller", "--region", "us-east-1", "--account", "111122223333", "--destination", "xray", "--no-tagging");
        assert.deepStrictEqual(JSON.parse(caller), deliveryCallerPolicy({ region: "us-east-1", account: "111122223333", destinations: ["xray"], tagging: false }));
        const tagged = await run("delivery-caller", "--region", "us-east-1", "--account", "111122223333");
        assert.ok(tagged.includes("logs:TagResource"));
    });

    it("delivery-key, delivery-log-group, delivery-destination, delivery-caller print their builders' documents", async () => {
        assert.deepStrictEqual(JSON.parse(await run("delivery-key", "--region", "us-east-1", "--account", "999999999999", "--org-id", "o-abcdefghij")),
            deliveryKeyPolicy({ region: "us-east-1", account: "999999999999", sourceOrgId: "o-abcdefghij" }));
        assert.deepStrictEqual(JSON.parse(await run("delivery-log-group", "--region", "eu-west-1", "--account", "999999999999",
            "--source-account", "111122223333", "--log-group", "/aws/vendedlogs/*")),
        deliveryLogGroupPolicy({ region: "eu-west-1", account: "999999999999", sourceAccounts: ["111122223333"], logGroupNames: ["/aws/vendedlogs/*"] }));
        const arn = "arn:aws:logs:us-east-1:999999999999:delivery-destination:central";
        assert.deepStrictEqual(JSON.parse(await run("delivery-destination", "--destination-arn", arn, "--source-account", "111122223333")),
            deliveryDestinationPolicy({ destinationArn: arn, sourceAccounts: ["111122223333"] }));
        assert.deepStrictEqual(JSON.parse(await run("delivery-caller", "--region", "us-east-1", "--account", "111122223333",
            "--destination", "s3", "--destination", "firehose", "--bucket", "central-logs")),
        deliveryCallerPolicy({ region: "us-east-1", account: "111122223333", destinations: ["s3", "firehose"], bucket: "central-logs" }));
    });

    it("delivery-caller --destination-arn (repeatable) adds CreateDelivery on remote destinations; no --destination for a source-only caller", async () => {
        const arn = "arn:aws:logs:us-east-1:999999999999:delivery-destination:central";
        assert.deepStrictEqual(JSON.parse(await run("delivery-caller", "--region", "us-east-1", "--account", "111122223333", "--destination-arn", arn)),
            deliveryCallerPolicy({ region: "us-east-1", account: "111122223333", destinationArns: [arn] }));
    });

    it("bad flags throw ValidationErrors naming the flag (exact messages)", async () => {
        await rejectsExactly(["delivery-bucket", "--region", "us-east-1", "--source-account", "111122223333"],
            "[--bucket] is required: name the bucket that receives the logs.");
        await rejectsExactly(["delivery-bucket", "--bucket", "b-1", "--region", "us-east-1", "--source-account", "111122223333", "--permissions", "v3"],
            `[--permissions] "v3" is not a permission model: use "v2" for services listed as Supported [V2 Permissions] in the table of the CloudWatch Logs User Guide page AWS-logs-and-resource-policy.html ` +
            `(delivery sources, destinations and deliveries) or "v1" for those listed as Supported [V1 Permissions].`);
        await rejectsExactly(["delivery-destination", "--destination-arn", "arn:aws:s3:::central-logs", "--source-account", "111122223333"],
            `[--destination-arn] "arn:aws:s3:::central-logs" is an ARN of service "s3": give the ARN of a CloudWatch Logs delivery destination, ` +
            `"arn:aws:logs:<region>:<account>:delivery-destination:<name>" (the destination stack's destinationArn output), not the bucket, log group or stream itself.`);
        await rejectsExactly(["delivery-caller", "--region", "us-east-1", "--account", "111122223333", "--destination", "sqs"],
            `[--destination] "sqs" is not a destination kind: use one of "cloudwatch-logs", "s3", "firehose", "xray".`);
        await rejectsExactly(["delivery-log-group", "--region", "us-east-1", "--account", "999999999999", "--source-account", "12"],
            `[--source-account] "12" is not an AWS account ID: use the 12-digit account number, e.g. "111122223333".`);
    });
});
