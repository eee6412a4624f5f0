/**
 * ExportBucket under pulumi.runtime.setMocks: the resources a `pulumi up` would create, their
 * names, parents, order and inputs, and the messages for bad input (seeds 000-004).
 */
import * as assert from "assert";
import { InstalledMocks, installMocks, Recorded, valueOf } from "../support/mocks";
import type { ExportBucket as ExportBucketClass, ExportBucketArgs } from "../../components";
import type { PolicyDocument } from "../../policies";
import { decide } from "../support/simulate";

const ACCOUNT = "123456789012";

describe("ExportBucket (component, mocks)", function () {
    let m: InstalledMocks;
    let ExportBucket: typeof ExportBucketClass;

    before(async () => {
        m = installMocks({ accountId: ACCOUNT, region: "us-east-1" });
        // Required only after setMocks, so the component module sees the mocked runtime.
        ({ ExportBucket } = require("../../components") as typeof import("../../components"));
    });
    beforeEach(() => m.clear());

    async function build(name: string, args: ExportBucketArgs = {}): Promise<{ c: ExportBucketClass; children: Recorded[] }> {
        const c = new ExportBucket(name, args);
        await valueOf(c.policyJson);
        await valueOf(c.keyPolicyJson);
        await m.settled();
        const component = m.named(name);
        return { c, children: m.resources.filter(r => r.parent === component.urn) };
    }

    it("creates the secure default set of children, each named ${name}-... and parented to the component", async () => {
        const { children } = await build("exports");
        assert.strictEqual(m.named("exports").type, "cwlogs:export:ExportBucket");
        assert.deepStrictEqual(children.map(r => `${r.type} ${r.name}`).sort(), [
            "aws:kms/alias:Alias exports-key-alias",
            "aws:kms/key:Key exports-key",
            "aws:s3/bucket:Bucket exports-bucket",
            "aws:s3/bucketOwnershipControls:BucketOwnershipControls exports-ownership",
            "aws:s3/bucketPolicy:BucketPolicy exports-policy",
            "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock exports-public-access-block",
            "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration exports-encryption",
        ]);
        // Every resource but the component itself has the component as parent.
        assert.ok(m.resources.filter(r => r.name !== "exports").every(r => r.parent === m.named("exports").urn));
    });

    it("turns on every secure default", async () => {
        await build("exports");
        const pab = m.named("exports-public-access-block").inputs;
        assert.deepStrictEqual([pab.blockPublicAcls, pab.blockPublicPolicy, pab.ignorePublicAcls, pab.restrictPublicBuckets], [true, true, true, true]);
        assert.deepStrictEqual(m.named("exports-ownership").inputs.rule, { objectOwnership: "BucketOwnerEnforced" });
        assert.strictEqual(m.named("exports-bucket").inputs.forceDestroy, false);
        const key = m.named("exports-key").inputs;
        assert.strictEqual(key.enableKeyRotation, true);
        assert.strictEqual(key.deletionWindowInDays, 30);
        assert.strictEqual(m.named("exports-key-alias").inputs.name, "alias/cwlogs-export/exports");
        const rules = m.named("exports-encryption").inputs.rules as Record<string, unknown>[];
        assert.deepStrictEqual(rules, [{
            applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: `arn:aws:kms:us-east-1:${ACCOUNT}:key/key-exports-key` },
            bucketKeyEnabled: true,
        }]);
        const policy = JSON.parse(m.named("exports-policy").inputs.policy as string) as PolicyDocument;
        assert.ok(policy.Statement.some(s => s.Sid === "DenyInsecureTransport"), "TLS-only deny present");
    });

    it("writes the bucket policy only after the public access block, ownership and encryption", async () => {
        await build("exports");
        const deps = m.named("exports-policy").dependencies;
        for (const n of ["exports-public-access-block", "exports-ownership", "exports-encryption"]) {
            assert.ok(deps.includes(m.named(n).urn), `policy depends on ${n}`);
        }
    });

    it("defaults the source account to the provider's account and the region to the provider's", async () => {
        const { c } = await build("exports");
        const policy = JSON.parse(await valueOf(c.policyJson)) as PolicyDocument;
        const put = policy.Statement.find(s => s.Sid === "AllowCloudWatchLogsPutObject")!;
        assert.deepStrictEqual(put.Principal, { Service: "logs.us-east-1.amazonaws.com" });
        assert.deepStrictEqual(put.Condition?.StringEquals?.["aws:SourceAccount"], [ACCOUNT]);
        assert.strictEqual(await valueOf(c.region), "us-east-1");
        assert.strictEqual(await valueOf(c.accountId), ACCOUNT);
        assert.ok(m.calls.some(x => x.token === "aws:index/getCallerIdentity:getCallerIdentity"));
    });

    it("puts the key policy of seed 003 on the created key, with cross-account callers", async () => {
        const role = "arn:aws:iam::210987654321:role/ExportCaller";
        const { c } = await build("xacct", {
            region: "eu-west-1", sourceAccounts: ["210987654321", ACCOUNT], crossAccountCallerArns: [role], destinationPrefixes: ["from-a/"],
        });
        const keyPolicy = JSON.parse(m.named("xacct-key").inputs.policy as string) as PolicyDocument;
        assert.deepStrictEqual(keyPolicy.Statement.map(s => s.Sid), ["Enable IAM User Permissions", "Allow CWL Service Principal usage", "Enable IAM Role Permissions"]);
        assert.deepStrictEqual(keyPolicy.Statement[1].Principal, { Service: "logs.eu-west-1.amazonaws.com" });
        assert.strictEqual(m.named("xacct-key").inputs.region, "eu-west-1");
        assert.strictEqual(m.named("xacct-bucket").inputs.region, "eu-west-1");
        assert.deepStrictEqual(await valueOf(c.destinationPrefixes), ["from-a"]);
        // By evaluation: the role may write under its prefix with the ACL header, and not elsewhere.
        const policy = JSON.parse(await valueOf(c.policyJson)) as PolicyDocument;
        const bucket = await valueOf(c.bucketName);
        const put = (key: string) => decide({
            principal: role, action: "s3:PutObject", resource: `arn:aws:s3:::${bucket}/${key}`, resourceAccount: ACCOUNT,
            resourcePolicy: policy, identityPolicies: [{ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "s3:PutObject", Resource: "*" }] }],
            context: { "s3:x-amz-acl": "bucket-owner-full-control" },
        });
        assert.strictEqual(await put("from-a/task/stream/000000.gz"), "Allowed");
        assert.strictEqual(await put("elsewhere/x.gz"), "ImplicitlyDenied");
    });

    it("uses a given customer managed key without creating one, and outputs the statements its policy needs", async () => {
        const key = `arn:aws:kms:us-east-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
        const { c, children } = await build("byok", { kmsKeyArn: key });
        assert.ok(!children.some(r => r.type.startsWith("aws:kms/")), "no key or alias created");
        const rules = m.named("byok-encryption").inputs.rules as { applyServerSideEncryptionByDefault: { kmsMasterKeyId: string } }[];
        assert.strictEqual(rules[0].applyServerSideEncryptionByDefault.kmsMasterKeyId, key);
        assert.strictEqual(await valueOf(c.kmsKeyArn), key);
        const toMerge = JSON.parse((await valueOf(c.keyPolicyJson))!) as PolicyDocument;
        assert.deepStrictEqual(toMerge.Statement.map(s => s.Sid), ["Allow CWL Service Principal usage"]);
    });

    it("uses SSE-S3 when asked, with no key", async () => {
        const { c, children } = await build("sses3", { encryption: "AES256" });
        assert.ok(!children.some(r => r.type.startsWith("aws:kms/")));
        assert.deepStrictEqual(m.named("sses3-encryption").inputs.rules, [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }]);
        assert.strictEqual(await valueOf(c.kmsKeyArn), undefined);
        assert.strictEqual(await valueOf(c.keyPolicyJson), undefined);
    });

    it("adds versioning and a lifecycle rule when asked", async () => {
        await build("archive", { versioning: true, lifecycle: { transitionAfterDays: 30, transitionStorageClass: "DEEP_ARCHIVE", expireAfterDays: 365 } });
        assert.deepStrictEqual(m.named("archive-versioning").inputs.versioningConfiguration, { status: "Enabled" });
        assert.deepStrictEqual(m.named("archive-lifecycle").inputs.rules, [{
            id: "cwlogs-export-archive", status: "Enabled", filter: { prefix: "" },
            transitions: [{ days: 30, storageClass: "DEEP_ARCHIVE" }], expiration: { days: 365 },
        }]);
    });

    it("passes forceDestroy only when the user opts in, and names the bucket when told", async () => {
        await build("named", { bucketName: "my-exported-logs", forceDestroy: true });
        assert.strictEqual(m.named("named-bucket").inputs.bucket, "my-exported-logs");
        assert.strictEqual(m.named("named-bucket").inputs.forceDestroy, true);
    });

    it("scopes the policy to an organization, log groups and prefixes", async () => {
        const { c } = await build("org", { sourceOrgId: "o-abcdef1234", logGroupNames: ["/app/api"], destinationPrefixes: ["p1", "p2"] });
        const policy = JSON.parse(await valueOf(c.policyJson)) as PolicyDocument;
        const put = policy.Statement.find(s => s.Sid === "AllowCloudWatchLogsPutObject")!;
        assert.strictEqual(put.Condition?.StringEquals?.["aws:SourceOrgID"], "o-abcdef1234");
        assert.strictEqual(put.Condition?.StringEquals?.["aws:SourceAccount"], undefined);
        assert.deepStrictEqual(put.Resource, ["arn:aws:s3:::org-bucket-abc1234/p1/*", "arn:aws:s3:::org-bucket-abc1234/p2/*"]);
    });

    it("with an existing bucket creates nothing and outputs the policy to merge", async () => {
        const { c, children } = await build("byob", { existingBucketName: "their-bucket" });
        assert.deepStrictEqual(children, []);
        assert.strictEqual(await valueOf(c.bucketName), "their-bucket");
        assert.strictEqual(await valueOf(c.bucketArn), "arn:aws:s3:::their-bucket");
        const policy = JSON.parse(await valueOf(c.policyJson)) as PolicyDocument;
        assert.strictEqual(policy.Statement[0].Resource, "arn:aws:s3:::their-bucket");
    });

    it("with an existing bucket writes its policy, with the user's extra statements, only when asked", async () => {
        const extra = { Sid: "KeepMine", Effect: "Allow" as const, Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: "s3:GetObject", Resource: "arn:aws:s3:::their-bucket/*" };
        const { children } = await build("byob2", { existingBucketName: "their-bucket", manageBucketPolicy: true, additionalPolicyStatements: [extra] });
        assert.deepStrictEqual(children.map(r => r.name), ["byob2-policy"]);
        const policy = JSON.parse(m.named("byob2-policy").inputs.policy as string) as PolicyDocument;
        assert.deepStrictEqual(policy.Statement.at(-1), extra);
        assert.strictEqual(m.named("byob2-policy").inputs.bucket, "their-bucket");
    });

    it("validates inputs that arrive as outputs when they resolve", async () => {
        const pulumi = require("@pulumi/pulumi") as typeof import("@pulumi/pulumi");
        const c = new ExportBucket("late", { sourceAccounts: pulumi.output(["not-an-account"]) });
        const err = await new Promise<Error>(resolve => {
            // The rejected output surfaces through the policy's apply.
            (c.policyJson as unknown as { promise(): Promise<unknown> }).promise().then(
                () => resolve(new Error("resolved")), (e: Error) => resolve(e));
        });
        // Pulumi prefixes the property it was serializing; the message itself is the validator's.
        assert.match(err.message, /\[sourceAccounts\] "not-an-account" is not an AWS account ID: use the 12-digit account number, e\.g\. "111122223333"\.$/);
    });

    describe("bad input: the error names the argument and the fix, and nothing is created", () => {
        const cases: [string, ExportBucketArgs, string][] = [
            ["an account ID that is not 12 digits", { sourceAccounts: ["1234"] },
                '[sourceAccounts] "1234" is not an AWS account ID: use the 12-digit account number, e.g. "111122223333".'],
            ["an empty account list with no organization", { sourceAccounts: [] },
                "[sourceAccounts] the list is empty, so no account could export: list the 12-digit IDs of the accounts whose log groups export here, " +
                "give [sourceOrgId], or leave [sourceAccounts] out to use this stack's account."],
            ["both accounts and an organization", { sourceAccounts: [ACCOUNT], sourceOrgId: "o-abcdef1234" },
                "[sourceAccounts] Only one of [sourceAccounts] and [sourceOrgId] can be given: list source accounts, or name the organization whose accounts may export."],
            ["an organization ID that is not o-...", { sourceOrgId: "r-abcd" },
                '[sourceOrgId] "r-abcd" is not an AWS Organizations ID: use the ID shown by `aws organizations describe-organization`, "o-" followed by 10 to 32 lowercase letters or digits.'],
            ["an invalid bucket name", { bucketName: "my..bucket" },
                '[bucketName] "my..bucket" is not a valid S3 bucket name: it must not contain two adjacent dots.'],
            ["a bucket name with uppercase", { bucketName: "MyBucket" },
                '[bucketName] "MyBucket" is not a valid S3 bucket name: use only lowercase letters, digits, dots (.) and hyphens (-).'],
            ["a prefix starting with /", { destinationPrefixes: ["/exports"] },
                '[destinationPrefixes] "/exports" starts with "/": S3 keys have no leading slash, so write "exports".'],
            ["a prefix containing //", { destinationPrefixes: ["a//b"] },
                '[destinationPrefixes] "a//b" contains "//", which makes an empty path segment: write "a/b".'],
            ["an unknown region", { region: "eu-middle-1" },
                '[region] "eu-middle-1" is not a known AWS region: use a region code such as "us-east-1" (did you mean "eu-central-1", "eu-central-2", "eu-west-1", "eu-west-2"?).'],
            ["both a key ARN and AES256", { kmsKeyArn: `arn:aws:kms:us-east-1:${ACCOUNT}:key/abcd`, encryption: "AES256" },
                '[kmsKeyArn] Only one of [kmsKeyArn] and [encryption: "AES256"] can be given: SSE-S3 uses no KMS key. Remove one of them.'],
            ["an AWS managed key alias", { kmsKeyArn: "alias/aws/s3" },
                '[kmsKeyArn] "alias/aws/s3" is an AWS managed key: its key policy cannot grant CloudWatch Logs kms:GenerateDataKey (CloudWatch Logs User Guide, S3ExportTasks.html), ' +
                "so exports to it fail. Use a customer managed key (leave [kmsKeyArn] out and the component creates one), or SSE-S3."],
            ["an AWS managed key alias ARN", { kmsKeyArn: `arn:aws:kms:us-east-1:${ACCOUNT}:alias/aws/s3` },
                `[kmsKeyArn] "arn:aws:kms:us-east-1:${ACCOUNT}:alias/aws/s3" is an AWS managed key: its key policy cannot grant CloudWatch Logs kms:GenerateDataKey (CloudWatch Logs User Guide, S3ExportTasks.html), ` +
                "so exports to it fail. Use a customer managed key (leave [kmsKeyArn] out and the component creates one), or SSE-S3."],
            ["DSSE-KMS", { encryption: "aws:kms:dsse" as "aws:kms" },
                '[encryption] "aws:kms:dsse" (DSSE-KMS) cannot be used: CloudWatch Logs does not support exporting to buckets encrypted with DSSE-KMS (CloudWatch Logs User Guide, S3ExportTasks.html). ' +
                'Use "aws:kms" (SSE-KMS) or "AES256" (SSE-S3).'],
            ["a key in another region", { region: "us-west-2", kmsKeyArn: `arn:aws:kms:us-east-1:${ACCOUNT}:key/abcd` },
                "[kmsKeyArn] the key is in us-east-1 but the bucket is in us-west-2: SSE-KMS needs a key in the bucket's region."],
            ["a lifecycle expiration shorter than its transition", { lifecycle: { transitionAfterDays: 90, expireAfterDays: 30 } },
                "[lifecycle.expireAfterDays] objects would expire after 30 days, before or when they transition after 90: " +
                "make [lifecycle.expireAfterDays] greater than [lifecycle.transitionAfterDays], or drop the transition."],
            ["both a bucket name and an existing bucket", { bucketName: "a-bucket", existingBucketName: "b-bucket" },
                "[bucketName] Only one of [bucketName] and [existingBucketName] can be given: name a bucket to create, or an existing bucket to use."],
            ["versioning on an existing bucket", { existingBucketName: "b-bucket", versioning: true },
                "[versioning] [versioning] configures a bucket or key the component creates, so it cannot be given with [existingBucketName]: " +
                "configure the existing bucket where it is managed, or let the component create the bucket."],
            ["a caller that is not an IAM ARN", { crossAccountCallerArns: ["role/ExportCaller"] },
                '[crossAccountCallerArns] "role/ExportCaller" is not an IAM user or role ARN: use the form "arn:aws:iam::111122223333:role/ExportCaller" ' +
                'or "arn:aws:iam::111122223333:user/CWLExportUser".'],
        ];
        for (const [what, args, message] of cases) {
            it(`refuses ${what}`, async () => {
                const name = `bad-${what.replace(/[^a-z0-9]+/gi, "-").toLowerCase()}`.slice(0, 40);
                assert.throws(() => new ExportBucket(name, args), (e: Error) => {
                    assert.strictEqual(e.message, message);
                    return true;
                });
                await m.settled();
                assert.deepStrictEqual(m.resources.filter(r => r.custom).map(r => r.name), [], "no resource registered");
            });
        }

        it("refuses a component name that cannot start a bucket name when no bucketName is given", () => {
            assert.throws(() => new ExportBucket("Exports_Prod", {}), /\[bucketName\] the bucket would be auto-named from the component name "Exports_Prod"/);
        });
    });
});

describe("ExportBucket with an explicit provider (mocks)", () => {
    it("registers every child and every invoke with the provider given to the component", async () => {
        const m = installMocks({ accountId: "210987654321", region: "eu-west-1" });
        const aws = require("@pulumi/aws") as typeof import("@pulumi/aws");
        const { ExportBucket } = require("../../components") as typeof import("../../components");
        const provider = new aws.Provider("account-b", { region: "eu-west-1", assumeRoles: [{ roleArn: "arn:aws:iam::210987654321:role/deployer" }] });
        const c = new ExportBucket("in-b", { crossAccountCallerArns: ["arn:aws:iam::123456789012:role/caller"] }, { provider });
        await valueOf(c.policyJson);
        await m.settled();
        const providerUrn = m.named("account-b").urn;
        const children = m.resources.filter(r => r.custom && r.type.startsWith("aws:") && r.name !== "account-b");
        assert.strictEqual(children.length, 7);
        for (const r of children) {
            assert.ok(r.provider.startsWith(`${providerUrn}::`), `${r.name} uses ${r.provider || "the default provider"}`);
        }
        const identity = m.calls.filter(x => x.token === "aws:index/getCallerIdentity:getCallerIdentity");
        assert.ok(identity.length > 0 && identity.every(x => x.provider.startsWith(`${providerUrn}::`)), "caller identity asked of the given provider");
        // Policies name the provider's account, not an ambient one.
        const policy = JSON.parse(await valueOf(c.policyJson)) as PolicyDocument;
        assert.deepStrictEqual(policy.Statement[1].Condition?.StringEquals?.["aws:SourceAccount"], ["210987654321"]);
    });
});
