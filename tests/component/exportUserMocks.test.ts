/**
 * The export-side components under the mock users copy from Pulumi's unit-testing guide
 * (https://www.pulumi.com/docs/using-pulumi/testing/unit/): `newResource` returns
 * `{ id: args.inputs.name + "_id", state: args.inputs }` (no auto-naming, no computed outputs) and
 * `call` returns its inputs, except for the three invokes the components make, which the README
 * tells users to answer. And bad input the way stack config delivers it: refused with the argument
 * named, before the mock sees any resource.
 */
import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import type { ExportBucketArgs, ExportCallerRoleArgs } from "../../components";
import type { PolicyDocument } from "../../policies";

const ACCOUNT = "123456789012";
const REGION = "eu-west-1";

/** Every registration the mock saw, custom resources and components alike. */
const seen: { type: string; name: string; custom: boolean; inputs: Record<string, unknown> }[] = [];

function installDocumentedMock(): void {
    pulumi.runtime.setMocks({
        newResource(args: pulumi.runtime.MockResourceArgs): { id: string; state: Record<string, unknown> } {
            seen.push({ type: args.type, name: args.name, custom: args.custom ?? true, inputs: args.inputs });
            return { id: args.inputs.name + "_id", state: args.inputs };
        },
        call(args: pulumi.runtime.MockCallArgs) {
            switch (args.token) {
                case "aws:index/getCallerIdentity:getCallerIdentity":
                    return { accountId: ACCOUNT, arn: `arn:aws:iam::${ACCOUNT}:user/test`, userId: "AIDTEST", id: ACCOUNT };
                case "aws:index/getRegion:getRegion":
                    return { name: REGION, region: REGION, id: REGION };
                case "aws:index/getPartition:getPartition":
                    return { partition: "aws", dnsSuffix: "amazonaws.com", id: "aws" };
                default:
                    return args.inputs;
            }
        },
    }, "project", "stack", false);
}

/** Resolves an output, or rejects with its error, within a few seconds (a hang is a failure). */
function settle<T>(o: pulumi.Output<T>): Promise<T> {
    const p = (o as unknown as { promise(): Promise<T> }).promise();
    return Promise.race([p, new Promise<T>((_, reject) => setTimeout(() => reject(new Error("output never resolved")), 5000))]);
}

async function quiet(): Promise<void> {
    for (let i = 0; i < 20; i++) {
        await new Promise(r => setImmediate(r));
    }
}

describe("export components under Pulumi's documented unit-test mock", () => {
    let components: typeof import("../../components");
    before(() => {
        installDocumentedMock();
        components = require("../../components") as typeof import("../../components");
    });
    beforeEach(() => { seen.length = 0; });

    const bucketForms: [string, ExportBucketArgs][] = [
        ["defaults (auto-named bucket, created key)", {}],
        ["a named bucket, several accounts, prefixes, a caller", {
            bucketName: "named-exports", sourceAccounts: [ACCOUNT, "111122223333"], destinationPrefixes: ["exports-7f3a9c"],
            crossAccountCallerArns: ["arn:aws:iam::111122223333:role/ExportCaller"], versioning: true, lifecycle: { expireAfterDays: 365 },
        }],
        ["SSE-S3 and an organization", { encryption: "AES256", sourceOrgId: "o-abcdef1234" }],
        ["a given customer managed key", { kmsKeyArn: `arn:aws:kms:${REGION}:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab` }],
        ["an existing bucket whose policy it writes", { existingBucketName: "their-bucket", manageBucketPolicy: true }],
    ];
    for (const [what, args] of bucketForms) {
        it(`builds ExportBucket with ${what}, and every output resolves`, async () => {
            const name = `ub-${bucketForms.findIndex(f => f[0] === what)}`;
            const c = new components.ExportBucket(name, args);
            const [bucketName, bucketArn, kmsKeyArn, region, accountId, policyJson, keyPolicyJson, prefixes] = await Promise.all([
                settle(c.bucketName), settle(c.bucketArn), settle(c.kmsKeyArn), settle(c.region), settle(c.accountId),
                settle(c.policyJson), settle(c.keyPolicyJson), settle(c.destinationPrefixes),
            ]);
            await quiet();
            assert.strictEqual(region, REGION);
            assert.strictEqual(accountId, ACCOUNT);
            assert.ok(Array.isArray(prefixes));
            // No auto-naming under this mock: the created bucket reports the name it was given, or none.
            const expectedName = args.existingBucketName ?? args.bucketName;
            assert.strictEqual(bucketName, expectedName);
            const policy = JSON.parse(policyJson) as PolicyDocument;
            const named = expectedName ?? `${name}-bucket`;
            assert.strictEqual(policy.Statement[0].Resource, `arn:aws:s3:::${named}`);
            if (args.existingBucketName !== undefined) {
                assert.strictEqual(bucketArn, `arn:aws:s3:::${named}`);
            }
            if (args.encryption === "AES256") {
                assert.strictEqual(kmsKeyArn, undefined);
                assert.strictEqual(keyPolicyJson, undefined);
            } else if (args.existingBucketName === undefined) {
                assert.ok(JSON.parse(keyPolicyJson!).Statement.length >= 1);
            }
            assert.ok(seen.some(r => r.type === "cwlogs:export:ExportBucket" && r.name === name), "the component registered");
            if (args.existingBucketName === undefined) {
                assert.ok(seen.some(r => r.type === "aws:s3/bucketPolicy:BucketPolicy" && r.name === `${name}-policy`), "the bucket policy registered");
            }
        });
    }

    it("builds ExportCallerRole, and every output resolves", async () => {
        const c = new components.ExportCallerRole("caller", {
            trustedPrincipals: ["111122223333"], logGroupNames: ["/app/web"], destinationBucket: "named-exports",
            destinationPrefixes: ["exports-7f3a9c"], destinationKmsKeyArn: `arn:aws:kms:${REGION}:${ACCOUNT}:key/abcd`, attachS3ReadOnlyAccess: true,
        });
        const [roleArn, roleName, policyJson, accountId] = await Promise.all([
            settle(c.roleArn), settle(c.roleName), settle(c.policyJson), settle(c.accountId)]);
        await quiet();
        // The documented mock computes no ARN and no name.
        assert.strictEqual(roleArn, undefined);
        assert.strictEqual(roleName, undefined);
        assert.strictEqual(accountId, ACCOUNT);
        assert.ok(policyJson.includes("arn:aws:s3:::named-exports/exports-7f3a9c/*"));
        assert.deepStrictEqual(seen.filter(r => r.custom).map(r => r.name).sort(), ["caller-export-policy", "caller-role", "caller-s3-read-only"]);
    });

    describe("bad input as stack config delivers it: the argument named, nothing registered", () => {
        const configHint = (arg: string) => `From stack config, store a list (\`pulumi config set --path '${arg}[0]' ...\`) and read it with \`config.requireObject<string[]>("${arg}")\`.`;
        const boolHint = (arg: string) => `From stack config, read it with \`config.requireBoolean("${arg}")\`.`;
        const bucketCases: [string, Record<string, unknown>, string][] = [
            ["a string where the account list belongs", { sourceAccounts: "111122223333" },
                `[sourceAccounts] expected a list, got the string "111122223333": write sourceAccounts: ["111122223333"]. ${configHint("sourceAccounts")}`],
            ["a string where the prefixes belong", { destinationPrefixes: "exports" },
                `[destinationPrefixes] expected a list, got the string "exports": write destinationPrefixes: ["exports"]. ${configHint("destinationPrefixes")}`],
            ["forceDestroy: \"yes\"", { forceDestroy: "yes" },
                `[forceDestroy] expected true or false, got the string "yes": write forceDestroy: true or forceDestroy: false. ${boolHint("forceDestroy")}`],
            ["versioning: 1", { versioning: 1 },
                `[versioning] expected true or false, got the number 1: write versioning: true or versioning: false. ${boolHint("versioning")}`],
            ["keyDeletionWindowInDays: \"30\"", { keyDeletionWindowInDays: "30" },
                '[keyDeletionWindowInDays] expected a number, got the string "30": write keyDeletionWindowInDays: 30, say. ' +
                'From stack config, read it with `config.requireNumber("keyDeletionWindowInDays")`.'],
            ["a duplicate Sid in additionalPolicyStatements", {
                additionalPolicyStatements: [
                    { Sid: "Mine", Effect: "Allow", Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: "s3:GetObject", Resource: "*" },
                    { Sid: "Mine", Effect: "Allow", Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: "s3:ListBucket", Resource: "*" },
                ],
            }, '[additionalPolicyStatements] two statements have the Sid "Mine": each statement of a policy needs its own Sid (IAM refuses the policy otherwise); rename one of them.'],
            ["an extra statement reusing one of the export Sids", {
                additionalPolicyStatements: [{ Sid: "AllowCloudWatchLogsPutObject", Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: "*" }],
            }, '[additionalPolicyStatements] the Sid "AllowCloudWatchLogsPutObject" is one of the export bucket policy\'s own statements: give your statement another Sid.'],
            ["a duplicate Sid in additionalKeyPolicyStatements", {
                additionalKeyPolicyStatements: [
                    { Sid: "K", Effect: "Allow", Principal: "*", Action: "kms:Decrypt", Resource: "*" },
                    { Sid: "K", Effect: "Allow", Principal: "*", Action: "kms:Encrypt", Resource: "*" },
                ],
            }, '[additionalKeyPolicyStatements] two statements have the Sid "K": each statement of a policy needs its own Sid (IAM refuses the policy otherwise); rename one of them.'],
            ["653 source accounts (over S3's 20 KB even compacted)", {
                region: "us-east-1", bucketName: "my-exported-logs",
                sourceAccounts: Array.from({ length: 653 }, (_, i) => String(100000000000 + i)),
            }, "[sourceAccounts] the S3 bucket policy would be 20491 bytes, over AWS's limit of 20480 bytes " +
                '(https://docs.aws.amazon.com/AmazonS3/latest/userguide/using-iam-policies.html: "Bucket policies are limited to 20 KB in size"): ' +
                "with the other arguments as given, at most 652 of these 653 source accounts fit. Name the organization instead with " +
                "[sourceOrgId] (aws:SourceOrgID lets every account of the organization export), or split the accounts across buckets."],
        ];
        for (const [what, args, message] of bucketCases) {
            it(`ExportBucket refuses ${what}`, async () => {
                assert.throws(() => new components.ExportBucket("bad", args as ExportBucketArgs), (e: Error) => {
                    assert.strictEqual(e.message, message);
                    return true;
                });
                await quiet();
                assert.deepStrictEqual(seen.filter(r => r.custom).map(r => r.name), [], "the mock saw no resource");
            });
        }

        it("ExportBucket over the size limit with the provider's region: fails before the bucket or key is registered", async () => {
            const c = new components.ExportBucket("late-size", { sourceAccounts: Array.from({ length: 700 }, (_, i) => String(100000000000 + i)) });
            await assert.rejects(settle(c.policyJson), (e: Error) => {
                assert.match(e.message, /\[sourceAccounts\] the S3 bucket policy would be \d+ bytes, over AWS's limit of 20480 bytes .*at most \d+ of these 700 source accounts fit\. Name the organization instead with \[sourceOrgId\]/);
                return true;
            });
            await quiet();
            assert.deepStrictEqual(seen.filter(r => r.custom).map(r => r.name), [], "no bucket, key or policy registered");
        });

        const roleCases: [string, Record<string, unknown>, string][] = [
            ["no trustedPrincipals", {},
                '[trustedPrincipals] is required: name who may assume the role, IAM role or user ARNs or 12-digit account IDs, e.g. trustedPrincipals: ["arn:aws:iam::111122223333:role/Exporter"].'],
            ["a string where trustedPrincipals belongs", { trustedPrincipals: "111122223333" },
                `[trustedPrincipals] expected a list, got the string "111122223333": write trustedPrincipals: ["111122223333"]. ${configHint("trustedPrincipals")}`],
            ["a string where logGroupNames belongs", { trustedPrincipals: ["111122223333"], logGroupNames: "/app/web" },
                `[logGroupNames] expected a list, got the string "/app/web": write logGroupNames: ["/app/web"]. ${configHint("logGroupNames")}`],
            ["attachS3ReadOnlyAccess: \"true\"", { trustedPrincipals: ["111122223333"], attachS3ReadOnlyAccess: "true" },
                `[attachS3ReadOnlyAccess] expected true or false, got the string "true": write attachS3ReadOnlyAccess: true or attachS3ReadOnlyAccess: false. ${boolHint("attachS3ReadOnlyAccess")}`],
        ];
        for (const [what, args, message] of roleCases) {
            it(`ExportCallerRole refuses ${what}`, async () => {
                assert.throws(() => new components.ExportCallerRole("bad-role", args as unknown as ExportCallerRoleArgs), (e: Error) => {
                    assert.strictEqual(e.message, message);
                    return true;
                });
                await quiet();
                assert.deepStrictEqual(seen.filter(r => r.custom).map(r => r.name), [], "the mock saw no resource");
            });
        }
    });
});

describe("export components under the documented mock as is (its call answers every invoke with its inputs)", () => {
    let components: typeof import("../../components");
    before(() => {
        pulumi.runtime.setMocks({
            newResource: (args: pulumi.runtime.MockResourceArgs) => ({ id: args.inputs.name + "_id", state: args.inputs }),
            call: (args: pulumi.runtime.MockCallArgs) => args.inputs,
        }, "project", "stack", false);
        components = require("../../components") as typeof import("../../components");
    });

    it("ExportBucket with its region and accounts given and SSE-S3 needs no invoke answer, and builds", async () => {
        const c = new components.ExportBucket("bare", { region: REGION, sourceAccounts: [ACCOUNT], encryption: "AES256" });
        const policy = JSON.parse(await settle(c.policyJson)) as PolicyDocument;
        assert.strictEqual(policy.Statement[0].Resource, "arn:aws:s3:::bare-bucket");
        assert.strictEqual(await settle(c.region), REGION);
    });

    it("ExportBucket left to the provider's region says which invoke to answer, not a TypeError", async () => {
        const c = new components.ExportBucket("bare-region", {});
        await assert.rejects(settle(c.policyJson), (e: Error) => {
            assert.ok(e.message.endsWith('[region] the AWS provider reported no region (aws:index/getRegion:getRegion answered without one): give [region], ' +
                'or, in a unit test, answer aws:index/getRegion:getRegion in the mock\'s call (README, "In your own unit tests").'), e.message);
            return true;
        });
    });

    it("ExportCallerRole says which invoke to answer for its account", async () => {
        const c = new components.ExportCallerRole("bare-role", { trustedPrincipals: [ACCOUNT], region: REGION });
        await assert.rejects(settle(c.policyJson), (e: Error) => {
            assert.ok(e.message.endsWith("[provider] the AWS provider reported no account ID (aws:index/getCallerIdentity:getCallerIdentity answered without one): " +
                'in a unit test, answer aws:index/getCallerIdentity:getCallerIdentity in the mock\'s call (README, "In your own unit tests").'), e.message);
            return true;
        });
    });
});
