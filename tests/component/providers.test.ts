/**
 * Providers and regions reach every child (issue 5): each component, given an `aws.Provider` for
 * another account (`opts.provider`, or `opts.providers` as a list or a map), registers every AWS
 * resource below it, nested components' included, with that provider, and asks it, not the ambient
 * one, for the caller identity and region its policies use. A `region` argument reaches every
 * regional child (v7 per-resource region). ExportBucket's own case is in exportBucket.test.ts.
 */
import * as assert from "assert";
import type * as pulumi from "@pulumi/pulumi";
import { InstalledMocks, installMocks, Recorded, valueOf } from "../support/mocks";
import { settled } from "../support/programs";
import type * as Components from "../../components";
import type { PolicyDocument } from "../../policies";

const OTHER = "210987654321";
const REGION = "eu-west-1";
const KB = `arn:aws:bedrock:${REGION}:${OTHER}:knowledge-base/KB12345678`;
const STREAM = `arn:aws:firehose:${REGION}:${OTHER}:deliverystream/kb-logs`;
const DESTINATION = `arn:aws:logs:${REGION}:123456789012:delivery-destination:central`;

type Options = "provider" | "providers list" | "providers map";

function state(r: { type: string; name: string; inputs: Record<string, unknown> }): Record<string, unknown> | undefined {
    const name = (r.inputs.name as string | undefined) ?? `${r.name}-x1`;
    const region = (r.inputs.region as string | undefined) ?? REGION;
    switch (r.type) {
        case "aws:cloudwatch/logDeliveryDestination:LogDeliveryDestination":
            return { name, arn: `arn:aws:logs:${region}:${OTHER}:delivery-destination:${name}` };
        case "aws:cloudwatch/logDeliverySource:LogDeliverySource":
            return { name, arn: `arn:aws:logs:${region}:${OTHER}:delivery-source:${name}` };
        case "aws:iam/role:Role":
            return { name, arn: `arn:aws:iam::${OTHER}:role/${name}` };
        default:
            return undefined;
    }
}

describe("providers and regions reach every child of every component (mocks)", function () {
    this.timeout(60_000);
    let m: InstalledMocks;
    let C: typeof Components;
    let aws: typeof import("@pulumi/aws");

    before(() => {
        // The ambient account is 123456789012; the provider's is OTHER (the mock answers per provider).
        m = installMocks({
            region: "us-east-1", state,
            call: (token, inputs, provider) => {
                const viaOther = provider.includes("pulumi:providers:aws");
                if (token === "aws:index/getCallerIdentity:getCallerIdentity" && viaOther) {
                    return { accountId: OTHER, arn: `arn:aws:sts::${OTHER}:assumed-role/deploy/s`, userId: "AROA:s", id: OTHER };
                }
                if (token === "aws:index/getRegion:getRegion" && viaOther) {
                    return { name: REGION, region: REGION, id: REGION, description: REGION, endpoint: `ec2.${REGION}.amazonaws.com` };
                }
                if (token === "aws:resourcegroupstaggingapi/getResources:getResources") {
                    return { id: "x", region: REGION, resourceTagMappingLists: (inputs.resourceArnLists as string[]).map(a => ({
                        resourceArn: a, tags: { LogDeliveryEnabled: "true" }, complianceDetails: [] })) };
                }
                return undefined;
            },
        });
        aws = require("@pulumi/aws") as typeof import("@pulumi/aws");
        C = require("../../components") as typeof Components;
    });

    let counter = 0;
    function opts(kind: Options): { options: pulumi.ComponentResourceOptions; providerName: string } {
        const providerName = `other-${++counter}`;
        const p = new aws.Provider(providerName, { region: REGION, assumeRoles: [{ roleArn: `arn:aws:iam::${OTHER}:role/deploy` }] });
        const options = kind === "provider" ? { provider: p } : kind === "providers list" ? { providers: [p] } : { providers: { aws: p } };
        return { options, providerName };
    }

    function subtree(root: Recorded): Recorded[] {
        const children = m.resources.filter(r => r.parent === root.urn);
        return children.flatMap(c => [c, ...subtree(c)]);
    }

    /** Builds a component, waits for it, and checks every AWS resource and lookup under it. */
    async function check(kind: Options, build: (name: string, o: pulumi.ComponentResourceOptions) => { done: pulumi.Output<unknown> }, expected: string[]): Promise<Recorded[]> {
        m.clear();
        const { options, providerName } = opts(kind);
        const name = `c${counter}`;
        const { done } = build(name, options);
        await valueOf(done);
        await m.settled();
        await new Promise(r => setTimeout(r, 20));
        await m.settled();
        const providerUrn = m.named(providerName).urn;
        const tree = subtree(m.named(name));
        const resources = tree.filter(r => r.custom && r.type.startsWith("aws:"));
        assert.deepStrictEqual([...new Set(resources.map(r => r.type))].sort(), [...expected].sort());
        for (const r of resources) {
            assert.ok(r.provider.startsWith(`${providerUrn}::`), `${r.name} (${r.type}) uses ${r.provider || "the default provider"}`);
        }
        assert.ok(m.calls.length > 0);
        for (const c of m.calls) {
            assert.ok(c.provider.startsWith(`${providerUrn}::`), `${c.token} asked of ${c.provider || "the default provider"}`);
        }
        return resources;
    }

    const kinds: Options[] = ["provider", "providers list", "providers map"];
    for (const kind of kinds) {
        describe(`with opts.${kind === "provider" ? "provider" : `providers (${kind.split(" ")[1]})`}`, () => {
            it("ExportCallerRole: role and policy in the provider's account, whose log groups the policy names", async () => {
                let policy: pulumi.Output<string> | undefined;
                await check(kind, (name, o) => {
                    const c = new C.ExportCallerRole(name, { trustedPrincipals: [OTHER], logGroupNames: ["my-log-group"], attachS3ReadOnlyAccess: true }, o);
                    policy = c.policyJson;
                    return { done: c.policyJson };
                }, ["aws:iam/role:Role", "aws:iam/rolePolicy:RolePolicy", "aws:iam/rolePolicyAttachment:RolePolicyAttachment"]);
                const doc = JSON.parse(await valueOf(policy!)) as PolicyDocument;
                assert.ok(JSON.stringify(doc).includes(`arn:aws:logs:${REGION}:${OTHER}:log-group:my-log-group`), JSON.stringify(doc));
            });

            it("DeliveryDestination (S3): the nested ExportBucket's children too, with the provider's account in every policy", async () => {
                const resources = await check(kind, (name, o) => {
                    const d = new C.DeliveryDestination(name, { s3: {}, sourceAccounts: ["111111111111"] }, o);
                    return { done: d.destinationPolicyJson };
                }, [
                    "aws:cloudwatch/logDeliveryDestination:LogDeliveryDestination", "aws:cloudwatch/logDeliveryDestinationPolicy:LogDeliveryDestinationPolicy",
                    "aws:kms/alias:Alias", "aws:kms/key:Key", "aws:s3/bucket:Bucket", "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
                    "aws:s3/bucketPolicy:BucketPolicy", "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
                    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
                ]);
                const key = JSON.parse(resources.find(r => r.type === "aws:kms/key:Key")!.inputs.policy as string) as PolicyDocument;
                assert.deepStrictEqual(key.Statement[0].Principal, { AWS: `arn:aws:iam::${OTHER}:root` }, "the key's admin is the provider's account");
            });

            it("DeliveryDestination (CloudWatch Logs) and (Firehose with lookUpTags)", async () => {
                await check(kind, (name, o) => {
                    const d = new C.DeliveryDestination(name, { cloudWatchLogs: { logGroupName: "/aws/vendedlogs/kb" } }, o);
                    return { done: d.resourcePolicyJson };
                }, ["aws:cloudwatch/logDeliveryDestination:LogDeliveryDestination", "aws:cloudwatch/logGroup:LogGroup", "aws:cloudwatch/logResourcePolicy:LogResourcePolicy"]);
                await check(kind, (name, o) => {
                    const d = new C.DeliveryDestination(name, { firehose: { deliveryStreamArn: STREAM, lookUpTags: true } }, o);
                    return { done: d.destinationArn };
                }, ["aws:cloudwatch/logDeliveryDestination:LogDeliveryDestination"]);
                assert.ok(m.calls.some(c => c.token === "aws:resourcegroupstaggingapi/getResources:getResources"), "the tag lookup went through the provider too");
            });

            it("DeliverySource and DeliveryChain", async () => {
                await check(kind, (name, o) => {
                    const s = new C.DeliverySource(name, { resourceArn: KB, logType: "APPLICATION_LOGS", deliveries: { central: { destinationArn: DESTINATION } } }, o);
                    return { done: s.deliveryArns };
                }, ["aws:cloudwatch/logDelivery:LogDelivery", "aws:cloudwatch/logDeliverySource:LogDeliverySource"]);
                await check(kind, (name, o) => {
                    const c = new C.DeliveryChain(name, {
                        resourceArn: KB, logType: "APPLICATION_LOGS",
                        destinations: { search: { cloudWatchLogs: { logGroupName: "/aws/vendedlogs/kb2" } } },
                    }, o);
                    return { done: c.deliveryArns };
                }, [
                    "aws:cloudwatch/logDelivery:LogDelivery", "aws:cloudwatch/logDeliveryDestination:LogDeliveryDestination",
                    "aws:cloudwatch/logDeliverySource:LogDeliverySource", "aws:cloudwatch/logGroup:LogGroup", "aws:cloudwatch/logResourcePolicy:LogResourcePolicy",
                ]);
            });
        });
    }

    it("ExportBucket with opts.providers (map): every child and lookup through it", async () => {
        await check("providers map", (name, o) => {
            const b = new C.ExportBucket(name, {}, o);
            return { done: b.policyJson };
        }, [
            "aws:kms/alias:Alias", "aws:kms/key:Key", "aws:s3/bucket:Bucket", "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
            "aws:s3/bucketPolicy:BucketPolicy", "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
            "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
        ]);
    });

    it("a region argument reaches every regional child, nested ExportBucket included (IAM is global)", async () => {
        m.clear();
        const region = "ap-southeast-2";
        const chain = new C.DeliveryChain("regional", {
            resourceArn: `arn:aws:bedrock:${region}:123456789012:knowledge-base/KB12345678`, logType: "APPLICATION_LOGS", region,
            destinations: { archive: { s3: {} }, search: { cloudWatchLogs: { logGroupName: "/aws/vendedlogs/r" } } },
        });
        const caller = new C.ExportCallerRole("regional-caller", { trustedPrincipals: [OTHER], logGroupNames: ["g"], region });
        await settled(chain.deliveryArns);
        await settled(caller.policyJson);
        await m.settled();
        const regional = m.resources.filter(r => r.custom && r.type.startsWith("aws:") && !r.type.startsWith("aws:iam/"));
        assert.ok(regional.length >= 10, regional.map(r => r.name).join(", "));
        for (const r of regional) {
            assert.strictEqual(r.inputs.region, region, `${r.name} (${r.type})`);
        }
        const policy = JSON.parse(await valueOf(caller.policyJson)) as PolicyDocument;
        assert.ok(JSON.stringify(policy).includes(`arn:aws:logs:${region}:123456789012:log-group:g`), "the caller policy names the region's log groups");
        assert.ok(!m.calls.some(c => c.token === "aws:index/getRegion:getRegion"), "no region lookup when the region is given");
    });
});
