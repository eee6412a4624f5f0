/**
 * The delivery bucket policy for buckets shared by several accounts, proven by evaluation
 * (@cloud-copilot/iam-simulate):
 * - the AWS-logs-and-resource-policy page's form (one `AWSLogDeliveryWrite` statement listing every account) lets any listed
 *   account's delivery sources write under any listed account's `AWSLogs/<account>/`;
 * - `isolateSourceAccounts` keeps each account under its own folder (issue 12);
 * - `hiveCompatiblePaths` allows the keys AWS writes for deliveries with `enableHiveCompatiblePath`,
 *   `AWSLogs/aws-account-id=<account>/...`, which the AWS-logs-and-resource-policy page's `AWSLogs/<account>/*` resource does not
 *   match. The form is AWS's: CloudWatch Logs User Guide, "Logs sent to Amazon S3"
 *   (AWS-logs-infrastructure-V2-S3.html), section "Amazon S3 object key format": "the default account
 *   segment AWSLogs/{source-account-id}/ becomes AWSLogs/aws-account-id={source-account-id}/", with
 *   the example keys used below (Application Load Balancer access logs, account 111122223333).
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

    it("the AWS-logs-and-resource-policy page's form: account A's sources may write into B's folder (why the option exists)", async () => {
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
    it("Hive-compatible keys: allowed under the account's own aws-account-id=<id>/ with hiveCompatiblePaths, denied by the AWS-logs-and-resource-policy page's form", async () => {
        const hiveKey = (acct: string) => `AWSLogs/aws-account-id=${acct}/service=bedrock/year=2026/x.log.gz`;
        assert.strictEqual(await put(isolated, hiveKey(A), ctx(A)), "Allowed");
        assert.strictEqual(await put(isolated, hiveKey(B), ctx(A)), "ImplicitlyDenied");
        assert.strictEqual(await put(seedForm, hiveKey(A), ctx(A)), "ImplicitlyDenied");
    });
    it("the example keys of AWS's page (\"Amazon S3 object key format\") are allowed for their account, with and without isolation", async () => {
        // The table's rows, for account 111122223333 (A) in us-east-1, no destination prefix (the
        // DeliveryDestination component names the bucket ARN without a path, so the default path applies).
        const keys = [
            `AWSLogs/${A}/elasticloadbalancing/us-east-1/2026/09/10/`,
            `AWSLogs/aws-account-id=${A}/elasticloadbalancing/region=us-east-1/year=2026/month=09/day=10/`,
            `AWSLogs/aws-account-id=${A}/elasticloadbalancing/myFolder/year=2026/month=09/day=10/`,
        ].map(prefix => `${prefix}${A}_elasticloadbalancing_us-east-1_app.my-alb_20260910T0000Z_1.2.3.4_abc.log.gz`);
        const shared = deliveryBucketPolicy({ bucket: "central-logs", region: "us-east-1", sourceAccounts: [A, B], hiveCompatiblePaths: true });
        for (const policy of [shared, isolated]) {
            for (const key of keys) {
                assert.strictEqual(await put(policy, key, ctx(A)), "Allowed", key);
            }
        }
        // Isolated: B's sources cannot write A's Hive keys; nobody writes outside AWSLogs/.
        assert.strictEqual(await put(isolated, keys[2], ctx(B)), "ImplicitlyDenied");
        assert.strictEqual(await put(isolated, `myFolder/year=2026/month=09/day=10/x.log.gz`, ctx(A)), "ImplicitlyDenied");
        // Without hiveCompatiblePaths only the first (non-Hive) key is writable: turning Hive paths on
        // with that policy would lose the logs.
        const noHive = deliveryBucketPolicy({ bucket: "central-logs", region: "us-east-1", sourceAccounts: [A] });
        assert.deepStrictEqual(await Promise.all(keys.map(k => put(noHive, k, ctx(A)))), ["Allowed", "ImplicitlyDenied", "ImplicitlyDenied"]);
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
