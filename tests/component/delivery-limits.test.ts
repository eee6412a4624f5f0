/**
 * Delivery destinations at scale (issue 12), under pulumi.runtime.setMocks: the shared
 * `/aws/vendedlogs/*` resource policy (PutResourcePolicy allows 10 account-level policies per region;
 * seed 004's prefix), and the S3 destination's isolation and Hive options reaching the bucket policy.
 * Exact messages for bad input, before anything is created.
 */
import * as assert from "assert";
import { deliveryState, throwsExactly } from "../support/deliveryState";
import { InstalledMocks, installMocks, valueOf } from "../support/mocks";
import type * as Delivery from "../../components/delivery";
import type { PolicyDocument } from "../../policies/types";

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
