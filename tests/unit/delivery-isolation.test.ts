/**
 * The delivery bucket policy for buckets shared by several accounts, proven by evaluation
 * (@cloud-copilot/iam-simulate):
 * - seed 004's form (one `AWSLogDeliveryWrite` statement listing every account) lets any listed
 *   account's delivery sources write under any listed account's `AWSLogs/<account>/`;
 * - `isolateSourceAccounts` keeps each account under its own folder (issue 12);
 * - `hiveCompatiblePaths` allows the keys AWS writes for deliveries with `enableHiveCompatiblePath`,
 *   `AWSLogs/aws-account-id=<account>/...` (CreateDelivery `s3DeliveryConfiguration`; AWS, "Amazon S3
 *   object key for V2 deliveries"), which seed 004's `AWSLogs/<account>/*` resource does not match.
 * - the 20 KB bucket policy limit is measured on the exact text sent.
 */
import * as assert from "assert";
import { deliveryBucketPolicy } from "../../policies/deliveryBucket";
import { POLICY_LIMITS } from "../../policies/limits";
import { decide } from "../support/simulate";

const SERVICE = "delivery.logs.amazonaws.com";
const A = "111122223333";
const B = "444455556666";
const DEST = "999999999999";
const ACL = { "s3:x-amz-acl": "bucket-owner-full-control" };
const ctx = (account: string) => ({ ...ACL, "aws:SourceAccount": account, "aws:SourceArn": `arn:aws:logs:us-east-1:${account}:delivery-source:src` });

describe("delivery bucket policy: isolation between source accounts and Hive keys (evaluation)", () => {
    const put = (policy: ReturnType<typeof deliveryBucketPolicy>, key: string, context: Record<string, string>) => decide({
        principal: SERVICE, action: "s3:PutObject", resource: `arn:aws:s3:::central-logs/${key}`, resourceAccount: DEST, context, resourcePolicy: policy,
    });
    const seedForm = deliveryBucketPolicy({ bucket: "central-logs", region: "us-east-1", sourceAccounts: [A, B] });
    const isolated = deliveryBucketPolicy({ bucket: "central-logs", region: "us-east-1", sourceAccounts: [A, B], isolateSourceAccounts: true, hiveCompatiblePaths: true });

    it("seed 004's form: account A's sources may write into B's folder (why the option exists)", async () => {
        assert.strictEqual(await put(seedForm, `AWSLogs/${B}/bedrock/x.log.gz`, ctx(A)), "Allowed");
    });
    it("isolateSourceAccounts: A's sources write under AWSLogs/A/, not under AWSLogs/B/; B the reverse", async () => {
        assert.strictEqual(await put(isolated, `AWSLogs/${A}/bedrock/x.log.gz`, ctx(A)), "Allowed");
        assert.strictEqual(await put(isolated, `AWSLogs/${B}/bedrock/x.log.gz`, ctx(A)), "ImplicitlyDenied");
        assert.strictEqual(await put(isolated, `AWSLogs/${B}/bedrock/x.log.gz`, ctx(B)), "Allowed");
        assert.strictEqual(await put(isolated, `AWSLogs/${A}/bedrock/x.log.gz`, ctx(B)), "ImplicitlyDenied");
        // The statements are one per account, each naming only its account.
        assert.deepStrictEqual(isolated.Statement.map(s => s.Sid), ["AWSLogDeliveryAclCheck", `AWSLogDeliveryWrite${A}`, `AWSLogDeliveryWrite${B}`]);
    });
    it("Hive-compatible keys: allowed under the account's own aws-account-id=<id>/ with hiveCompatiblePaths, denied by seed 004's form", async () => {
        const hiveKey = (acct: string) => `AWSLogs/aws-account-id=${acct}/service=bedrock/year=2026/x.log.gz`;
        assert.strictEqual(await put(isolated, hiveKey(A), ctx(A)), "Allowed");
        assert.strictEqual(await put(isolated, hiveKey(B), ctx(A)), "ImplicitlyDenied");
        assert.strictEqual(await put(seedForm, hiveKey(A), ctx(A)), "ImplicitlyDenied");
    });
    it("an organization with isolateSourceAccounts: each member account only under its own folder (${aws:SourceAccount})", async () => {
        const org = deliveryBucketPolicy({ bucket: "central-logs", region: "us-east-1", sourceOrgId: "o-abcdefghij", isolateSourceAccounts: true });
        const orgCtx = (account: string) => ({ ...ctx(account), "aws:SourceOrgID": "o-abcdefghij" });
        assert.strictEqual(await put(org, `AWSLogs/${A}/x.log.gz`, orgCtx(A)), "Allowed");
        assert.strictEqual(await put(org, `AWSLogs/${B}/x.log.gz`, orgCtx(A)), "ImplicitlyDenied");
    });
    it("the 20 KB limit: measured in bytes of the compact JSON sent, with the fix", () => {
        const accounts = Array.from({ length: 50 }, (_, i) => String(100000000000 + i));
        let message = "";
        try {
            deliveryBucketPolicy({ bucket: "central-logs", region: "us-east-1", sourceAccounts: accounts, isolateSourceAccounts: true, hiveCompatiblePaths: true });
        } catch (e) {
            message = (e as Error).message;
        }
        const size = Number(/would be (\d+) bytes/.exec(message)?.[1]);
        assert.ok(size > POLICY_LIMITS["s3-bucket-policy"].max, message);
        assert.strictEqual(message,
            `[sourceAccounts] the S3 bucket policy would be ${size} bytes, over AWS's limit of 20480 bytes (${POLICY_LIMITS["s3-bucket-policy"].source}): ` +
            "give [sourceOrgId] instead of listing each account, or spread the accounts over several buckets.");
        // Without isolation the same accounts fit: one statement lists them all.
        assert.ok(Buffer.byteLength(JSON.stringify(deliveryBucketPolicy({ bucket: "central-logs", region: "us-east-1", sourceAccounts: accounts })), "utf8") <= 20480);
    });
});
