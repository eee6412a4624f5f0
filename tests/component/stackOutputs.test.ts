/**
 * requireStackOutput / requireStackOutputList: another stack's outputs as the contract between
 * accounts. A StackReference is mocked (`pulumi:pulumi:StackReference` read with `outputs` in its
 * state); a missing or malformed output fails with the stack and the output named.
 */
import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { installMocks, valueOf } from "../support/mocks";
import { settled } from "../support/programs";
import type * as Components from "../../components";
import { validateBucketName, validateKmsKeyArn, validateRoleArn } from "../../policies";

const STACK = "acme/cwlogs-export-archive/prod";
const KEY = "arn:aws:kms:us-east-1:222222222222:key/1234abcd-12ab-34cd-56ef-1234567890ab";

describe("requireStackOutput (mocks)", () => {
    let C: typeof Components;
    let ref: pulumi.StackReference;

    before(() => {
        installMocks({
            stackOutputs: {
                [STACK]: {
                    bucketName: "archive-bucket-1", kmsKeyArn: KEY, retentionDays: 30, prefixes: ["a"], empty: "",
                    badBucket: "Archive_Bucket", callerRoleArns: ["arn:aws:iam::111111111111:role/caller", "arn:aws:iam::111111111111:user/u"],
                    goodRoles: ["arn:aws:iam::111111111111:role/caller"],
                },
            },
        });
        C = require("../../components") as typeof Components;
        ref = new pulumi.StackReference(STACK);
    });

    it("returns the checked value, typed by the check", async () => {
        assert.strictEqual(await valueOf(C.requireStackOutput(ref, "bucketName", validateBucketName)), "archive-bucket-1");
        assert.strictEqual(await valueOf(C.requireStackOutput(ref, "kmsKeyArn")), KEY);
        assert.deepStrictEqual(await valueOf(C.requireStackOutputList(ref, "goodRoles", validateRoleArn)), ["arn:aws:iam::111111111111:role/caller"]);
        const parsed = C.requireStackOutput(ref, "kmsKeyArn", v => v.split(":")[4]);
        assert.strictEqual(await valueOf(parsed), "222222222222");
    });

    const failures: [string, () => pulumi.Output<unknown>, string][] = [
        ["a missing output", () => C.requireStackOutput(ref, "bucketArn"),
            `Stack "${STACK}" has no output "bucketArn" (its outputs: badBucket, bucketName, callerRoleArns, empty, goodRoles, kmsKeyArn, prefixes, retentionDays): ` +
            `run \`pulumi up\` in that stack first, or check the stack name and that its program exports "bucketArn".`],
        ["a number where a string is expected", () => C.requireStackOutput(ref, "retentionDays"),
            `Output "retentionDays" of stack "${STACK}" is a number (30), not a non-empty string: export it as a string from that stack's program.`],
        ["a list where a string is expected", () => C.requireStackOutput(ref, "prefixes"),
            `Output "prefixes" of stack "${STACK}" is a list, not a non-empty string: export it as a string from that stack's program.`],
        ["an empty string", () => C.requireStackOutput(ref, "empty"),
            `Output "empty" of stack "${STACK}" is an empty string, not a non-empty string: export it as a string from that stack's program.`],
        ["a value its check refuses", () => C.requireStackOutput(ref, "badBucket", validateBucketName),
            `Output "badBucket" of stack "${STACK}" is not usable: "Archive_Bucket" is not a valid S3 bucket name: use only lowercase letters, digits, dots (.) and hyphens (-).`],
        ["an AWS managed key", () => C.requireStackOutput(ref, "kmsKeyArn", () => validateKmsKeyArn("alias/aws/s3", "kmsKeyArn")),
            `Output "kmsKeyArn" of stack "${STACK}" is not usable: "alias/aws/s3" is an AWS managed key: its key policy cannot grant CloudWatch Logs ` +
            "kms:GenerateDataKey (CloudWatch Logs User Guide, S3ExportTasks.html), so exports to it fail. Use a customer managed key (leave [kmsKeyArn] out and the component creates one), or SSE-S3."],
        ["a string where a list is expected", () => C.requireStackOutputList(ref, "bucketName"),
            `Output "bucketName" of stack "${STACK}" is a string ("archive-bucket-1"), not a non-empty list of strings: export it as a list of strings from that stack's program.`],
        ["a list item its check refuses", () => C.requireStackOutputList(ref, "callerRoleArns", validateRoleArn),
            `Output "callerRoleArns" of stack "${STACK}" is not usable (item 1): "arn:aws:iam::111111111111:user/u" is not an IAM role ARN: ` +
            'use the form "arn:aws:iam::111122223333:role/ExportCaller".'],
    ];
    for (const [what, read, message] of failures) {
        it(`names the stack and the output for ${what}`, async () => {
            await assert.rejects(settled(read()), (e: Error) => {
                assert.strictEqual(e.message, message);
                assert.ok(e instanceof pulumi.ResourceError, "reported on the StackReference");
                return true;
            });
        });
    }

    it("keeps a secret output secret, without making the other outputs secret", async () => {
        installMocks({ stackOutputs: { "acme/secrets/prod": {
            token: pulumi.secret("s3cr3t-value"), bucketName: "plain-bucket", badSecret: pulumi.secret("S3cr3t_Value"),
        } } });
        const secrets = new pulumi.StackReference("acme/secrets/prod");
        const token = C.requireStackOutput(secrets, "token");
        assert.strictEqual(await valueOf(token), "s3cr3t-value");
        assert.strictEqual(await pulumi.isSecret(token), true);
        const plain = C.requireStackOutput(secrets, "bucketName", validateBucketName);
        assert.strictEqual(await valueOf(plain), "plain-bucket");
        assert.strictEqual(await pulumi.isSecret(plain), false);
        await assert.rejects(settled(C.requireStackOutput(secrets, "badSecret", validateBucketName)), {
            message: 'Output "badSecret" of stack "acme/secrets/prod" is not usable: [secret] is not a valid S3 bucket name: ' +
                "use only lowercase letters, digits, dots (.) and hyphens (-).",
        });
    });
});

describe("checkStackOutput (pure)", () => {
    it("reads a stack with no outputs as such", () => {
        const { checkStackOutput } = require("../../components") as typeof Components;
        assert.throws(() => checkStackOutput("org/p/s", "x", {}), {
            message: 'Stack "org/p/s" has no output "x" (it has no outputs): run `pulumi up` in that stack first, or check the stack name and that its program exports "x".',
        });
        assert.strictEqual(checkStackOutput("org/p/s", "x", { x: "y" }), "y");
    });
});
