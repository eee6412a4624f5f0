/**
 * ExportCallerRole under mocks: seed 003's cross-account caller (trust, caller policy), proven by
 * evaluation, and its bad-input messages.
 */
import * as assert from "assert";
import { InstalledMocks, installMocks, valueOf } from "../support/mocks";
import type { ExportCallerRole as ExportCallerRoleClass } from "../../components";
import { exportBucketPolicy, exportKeyPolicy, PolicyDocument } from "../../policies";
import { decide } from "../support/simulate";

const A = "111111111111";
const B = "222222222222";
const KEY = `arn:aws:kms:us-east-1:${B}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;

describe("ExportCallerRole (component, mocks)", () => {
    let m: InstalledMocks;
    let ExportCallerRole: typeof ExportCallerRoleClass;

    before(() => {
        m = installMocks({ accountId: A, region: "us-east-1" });
        ({ ExportCallerRole } = require("../../components") as typeof import("../../components"));
    });
    beforeEach(() => m.clear());

    it("creates a role trusted by the named principals, with seed 003's caller policy inline", async () => {
        const c = new ExportCallerRole("caller", {
            trustedPrincipals: [`arn:aws:iam::${A}:role/ci-deployer`, A],
            logGroupNames: ["my-log-group"], destinationBucket: "archive-bucket", destinationPrefixes: ["from-a"], destinationKmsKeyArn: KEY,
        });
        const policy = JSON.parse(await valueOf(c.policyJson)) as PolicyDocument;
        await m.settled();
        const component = m.named("caller");
        assert.strictEqual(component.type, "cwlogs:export:ExportCallerRole");
        assert.deepStrictEqual(m.resources.filter(r => r.parent === component.urn).map(r => `${r.type} ${r.name}`).sort(),
            ["aws:iam/role:Role caller-role", "aws:iam/rolePolicy:RolePolicy caller-export-policy"]);
        const trust = JSON.parse(m.named("caller-role").inputs.assumeRolePolicy as string) as PolicyDocument;
        assert.deepStrictEqual(trust.Statement[0].Principal, { AWS: [`arn:aws:iam::${A}:role/ci-deployer`, `arn:aws:iam::${A}:root`] });
        assert.deepStrictEqual(policy.Statement.map(s => s.Sid),
            ["CloudWatchLogsExportLogGroups", "CloudWatchLogsExportTasks", "ExportDestinationPutObject", "ExportDestinationKmsKey"]);
        assert.strictEqual(m.named("caller-export-policy").inputs.policy, JSON.stringify(policy));

        // By evaluation, as the role: export my-log-group; in B, write under B's prefix and use B's key
        // once B's bucket and key policies name the role (seed 003 needs both sides); nothing else.
        const role = `arn:aws:iam::${A}:role/caller`;
        const bucketPolicy = exportBucketPolicy({ bucket: "archive-bucket", region: "us-east-1", sourceAccounts: [A, B], prefixes: ["from-a"], callerArns: [role] });
        const keyPolicy = exportKeyPolicy({ region: "us-east-1", account: B, callerArns: [role] });
        const ask = (action: string, resource: string, account: string, resourcePolicy?: PolicyDocument, principal = role) =>
            decide({ principal, action, resource, resourceAccount: account, identityPolicies: [policy], resourcePolicy,
                context: action === "s3:PutObject" ? { "s3:x-amz-acl": "bucket-owner-full-control" } : {} });
        assert.strictEqual(await ask("logs:CreateExportTask", `arn:aws:logs:us-east-1:${A}:log-group:my-log-group`, A), "Allowed");
        assert.strictEqual(await ask("logs:CreateExportTask", `arn:aws:logs:us-east-1:${A}:log-group:other`, A), "ImplicitlyDenied");
        assert.strictEqual(await ask("s3:PutObject", "arn:aws:s3:::archive-bucket/from-a/t/s/000000.gz", B, bucketPolicy), "Allowed");
        assert.strictEqual(await ask("s3:PutObject", "arn:aws:s3:::archive-bucket/other/x", B, bucketPolicy), "ImplicitlyDenied");
        assert.strictEqual(await ask("s3:PutObject", "arn:aws:s3:::archive-bucket/from-a/t/s/000000.gz", B, undefined), "ImplicitlyDenied",
            "without B's bucket policy the identity policy alone is not enough across accounts");
        assert.strictEqual(await ask("s3:PutObject", "arn:aws:s3:::archive-bucket/from-a/x", B, bucketPolicy, `arn:aws:iam::${A}:role/another`), "ImplicitlyDenied");
        assert.strictEqual(await ask("kms:GenerateDataKey", KEY, B, keyPolicy), "Allowed");
        assert.strictEqual(await ask("kms:GenerateDataKey", KEY, B, exportKeyPolicy({ region: "us-east-1", account: B })), "ImplicitlyDenied");
    });

    it("attaches AmazonS3ReadOnlyAccess only when asked", async () => {
        new ExportCallerRole("ro", { trustedPrincipals: [A], attachS3ReadOnlyAccess: true });
        await m.settled();
        await new Promise(r => setTimeout(r, 50));
        await m.settled();
        assert.strictEqual(m.named("ro-s3-read-only").inputs.policyArn, "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess");
    });

    const bad: [string, Record<string, unknown>, string][] = [
        ["no trusted principals", { trustedPrincipals: [] },
            "[trustedPrincipals] the list is empty, so nobody could assume the role: name the IAM roles or users (ARNs) or the accounts (12-digit IDs) that run exports."],
        ["a malformed role ARN", { trustedPrincipals: ["arn:aws:iam::1234:role/x"] },
            '[trustedPrincipals] "arn:aws:iam::1234:role/x" is not an IAM user or role ARN: use the form "arn:aws:iam::111122223333:role/ExportCaller" or "arn:aws:iam::111122223333:user/CWLExportUser".'],
        ["a malformed account ID", { trustedPrincipals: ["12345"] },
            '[trustedPrincipals] "12345" is not an AWS account ID: use the 12-digit account number, e.g. "111122223333".'],
        ["prefixes without a bucket", { trustedPrincipals: [A], destinationPrefixes: ["p"] },
            "[destinationPrefixes] [destinationPrefixes] needs [destinationBucket]: name the bucket the prefixes are in."],
        ["an AWS managed destination key", { trustedPrincipals: [A], destinationBucket: "b-1", destinationKmsKeyArn: "alias/aws/s3" },
            '[destinationKmsKeyArn] "alias/aws/s3" is an AWS managed key: its key policy cannot grant CloudWatch Logs kms:GenerateDataKey (CloudWatch Logs User Guide, S3ExportTasks.html), ' +
            "so exports to it fail. Use a customer managed key (leave [destinationKmsKeyArn] out and the component creates one), or SSE-S3."],
        // Seed 003: "Le compartiment S3 doit résider dans la même région que les données du journal à exporter."
        ["a destination bucket in another region", { trustedPrincipals: [A], region: "us-east-1", destinationRegion: "eu-west-1" },
            '[destinationRegion] the destination bucket is in "eu-west-1" but the log groups are in "us-east-1": CloudWatch Logs only exports ' +
            'to a bucket in the log group\'s region (CloudWatch Logs User Guide, S3ExportTasks.html). Deploy the source side to "eu-west-1" (its provider\'s region or [region]), ' +
            'or export to a bucket in "us-east-1".'],
        ["a destination key in another region", { trustedPrincipals: [A], region: "us-east-1", destinationBucket: "b-1",
            destinationKmsKeyArn: `arn:aws:kms:eu-west-1:${B}:key/1234abcd-12ab-34cd-56ef-1234567890ab` },
            '[destinationKmsKeyArn] the key is in "eu-west-1" but the log groups are in "us-east-1": an SSE-KMS bucket\'s key is in the bucket\'s region, ' +
            'which must be the log group\'s region (CloudWatch Logs User Guide, S3ExportTasks.html). Use the key of a bucket in "us-east-1".'],
        ["an unknown destination region", { trustedPrincipals: [A], destinationRegion: "eu-middle-1" },
            '[destinationRegion] "eu-middle-1" is not a known AWS region: use a region code such as "us-east-1" (did you mean "eu-central-1", "eu-central-2", "eu-west-1", "eu-west-2"?).'],
    ];
    it("checks a destination region that arrives as an output (a StackReference) against the provider's region", async () => {
        const pulumi = require("@pulumi/pulumi") as typeof import("@pulumi/pulumi");
        const c = new ExportCallerRole("late-region", { trustedPrincipals: [A], destinationBucket: "b-1", destinationRegion: pulumi.output("eu-west-1") });
        await assert.rejects((c.policyJson as unknown as { promise(): Promise<string> }).promise(), (e: Error) => {
            assert.ok(e.message.endsWith('[destinationRegion] the destination bucket is in "eu-west-1" but the log groups are in "us-east-1": ' +
                "CloudWatch Logs only exports to a bucket in the log group's region (CloudWatch Logs User Guide, S3ExportTasks.html). Deploy the source side to \"eu-west-1\" " +
                '(its provider\'s region or [region]), or export to a bucket in "us-east-1".'), e.message);
            return true;
        });
        const same = new ExportCallerRole("same-region", { trustedPrincipals: [A], destinationBucket: "b-1", destinationRegion: pulumi.output("us-east-1") });
        assert.ok((await valueOf(same.policyJson)).includes("arn:aws:s3:::b-1/*"));
    });

    for (const [what, args, message] of bad) {
        it(`refuses ${what}`, async () => {
            assert.throws(() => new ExportCallerRole(`bad-${what.replace(/\W+/g, "-")}`, args as never), (e: Error) => {
                assert.strictEqual(e.message, message);
                return true;
            });
            await m.settled();
            assert.deepStrictEqual(m.resources.filter(r => r.custom).map(r => r.name), []);
        });
    }
});
