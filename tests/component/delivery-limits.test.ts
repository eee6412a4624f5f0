/**
 * Delivery destinations at scale (issue 12), under pulumi.runtime.setMocks: the shared
 * `/aws/vendedlogs/*` resource policy (PutResourcePolicy allows 10 account-level policies per region;
 * the AWS-logs-and-resource-policy page's prefix), and the S3 destination's isolation and Hive options reaching the bucket policy.
 * Exact messages for bad input, before anything is created.
 */
import * as assert from "assert";
import { deliveryState, throwsExactly } from "../support/deliveryState";
import { InstalledMocks, installMocks, valueOf } from "../support/mocks";
import type * as Delivery from "../../components/delivery";
import { policyDocument, type PolicyDocument } from "../../policies/types";
import { POLICY_LIMITS } from "../../policies/limits";
import { deliveryBucketStatements } from "../../policies/deliveryBucket";

const ACCOUNT = "123456789012";
const A = "111122223333";

const state = deliveryState(ACCOUNT);


describe("delivery destinations at scale (mocks)", function () {
    let m: InstalledMocks;
    let D: typeof Delivery;
    before(() => {
        m = installMocks({ accountId: ACCOUNT, state });
        D = require("../../components/delivery") as typeof Delivery;
    });
    beforeEach(() => m.clear());

    it("a DeliveryChain's CloudWatch Logs destination with a shared policy writes none of its own", async () => {
        const shared = new D.DeliveryLogGroupsPolicy("shared", { policyName: "vendedlogs-delivery" });
        const chain = new D.DeliveryChain("kb", {
            resourceArn: `arn:aws:bedrock:us-east-1:${ACCOUNT}:knowledge-base/KB12345678`, logType: "APPLICATION_LOGS",
            destinations: { search: { cloudWatchLogs: { logGroupName: "/aws/vendedlogs/kb", sharedResourcePolicy: shared } } },
        });
        await valueOf(chain.deliveryArns);
        await m.settled();
        assert.deepStrictEqual(m.ofType("aws:cloudwatch/logResourcePolicy:LogResourcePolicy").map(r => r.name), ["shared-policy"]);
        assert.strictEqual(m.named("shared-policy").inputs.policyName, "vendedlogs-delivery");
        assert.strictEqual(await valueOf(chain.destinations.search.resourcePolicyJson), await valueOf(shared.policyJson));
    });

    it("isolateSourceAccounts and hiveCompatiblePaths reach the S3 destination's bucket policy", async () => {
        const d = new D.DeliveryDestination("central", { s3: { isolateSourceAccounts: true, hiveCompatiblePaths: false }, sourceAccounts: [A, ACCOUNT] });
        await valueOf(d.bucketPolicyJson);
        await m.settled();
        const policy = JSON.parse(m.named("central-bucket-policy").inputs.policy as string) as PolicyDocument;
        const writes = policy.Statement.filter(s => s.Sid?.startsWith("AWSLogDeliveryWrite"));
        assert.deepStrictEqual(writes.map(s => [s.Sid, s.Resource]), [
            [`AWSLogDeliveryWrite${A}`, `arn:aws:s3:::central-bucket-bucket-abc1234/AWSLogs/${A}/*`],
            [`AWSLogDeliveryWrite${ACCOUNT}`, `arn:aws:s3:::central-bucket-bucket-abc1234/AWSLogs/${ACCOUNT}/*`],
        ]);
    });

    it("an S3 destination whose delivery statements exceed the 20 KB bucket policy: refused on the exact text, naming the cause and the fix, before the bucket policy", async () => {
        const accounts = Array.from({ length: 120 }, (_, i) => String(100000000000 + i));
        const d = new D.DeliveryDestination("many", { s3: {}, sourceAccounts: accounts });
        const err = await (d.bucketPolicyJson as unknown as { promise(): Promise<unknown> }).promise().then(() => undefined, (e: Error) => e);
        await m.settled();
        assert.ok(err !== undefined, "the bucket policy resolved");
        // The SDK prefixes an input's error, in place, with the property it was serializing (runtime/rpc.js).
        const message = err.message.replace(/^(error serializing property "[^"]+": )+/, "");
        const size = Number(/would be (\d+) bytes/.exec(message)?.[1]);
        assert.ok(size > 20480, message);
        assert.strictEqual(message,
            `[sourceAccounts] the S3 bucket policy would be ${size} bytes, over AWS's limit of 20480 bytes (${POLICY_LIMITS["s3-bucket-policy"].source}): ` +
            "120 source accounts: give [sourceOrgId] instead of listing each account, or spread the accounts over several destinations.");
        assert.deepStrictEqual(m.ofType("aws:s3/bucketPolicy:BucketPolicy"), []);
        // The measured size is exactly that of the compact JSON of the delivery statements (no others here).
        const text = JSON.stringify(policyDocument(deliveryBucketStatements({
            bucket: "many-bucket-bucket-abc1234", region: "us-east-1", sourceAccounts: accounts, hiveCompatiblePaths: true, listBucket: true,
        })));
        assert.strictEqual(Buffer.byteLength(text, "utf8"), size);
    });

    describe("bad input (exact messages, before anything is created)", () => {
        it("a log group outside the shared policy's patterns; an own policy name with a shared policy", () => {
            const shared = new D.DeliveryLogGroupsPolicy("vl", {});
            m.clear();
            throwsExactly(() => new D.DeliveryDestination("x", { cloudWatchLogs: { logGroupName: "/my/app", sharedResourcePolicy: shared } }),
                `[cloudWatchLogs.logGroupName] "/my/app" is not covered by the shared resource policy's patterns ("/aws/vendedlogs/*"): ` +
                `name the log group under /aws/vendedlogs/ (AWS's prefix for vended logs), or add it to the DeliveryLogGroupsPolicy's [logGroupNamePatterns].`);
            throwsExactly(() => new D.DeliveryDestination("y", { cloudWatchLogs: { logGroupName: "/aws/vendedlogs/y", sharedResourcePolicy: shared, resourcePolicyName: "mine" } }),
                `[cloudWatchLogs.resourcePolicyName] Only one of [cloudWatchLogs.resourcePolicyName] and [cloudWatchLogs.sharedResourcePolicy] can be given: ` +
                `the shared policy grants the delivery service this log group; leave [resourcePolicyName] out.`);
            throwsExactly(() => new D.DeliveryLogGroupsPolicy("empty", { logGroupNamePatterns: [] }),
                `[logGroupNamePatterns] the list is empty: leave it out for "/aws/vendedlogs/*", or give the log group names or prefixes ending in "*".`);
            assert.deepStrictEqual(m.resources.filter(r => r.custom), []);
        });
    });
});
