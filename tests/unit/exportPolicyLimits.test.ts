/**
 * Size limits of the export policies, measured on the exact text that is sent, and the compaction
 * of the per-account `aws:SourceArn` list proven by evaluation (@cloud-copilot/iam-simulate).
 *
 * Limits (current AWS pages): "Bucket policies are limited to 20 KB in size"
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/using-iam-policies.html); "Key policy
 * document size: 32 KB (32,768 bytes)" (https://docs.aws.amazon.com/kms/latest/developerguide/resource-limits.html).
 * The confused-deputy conditions are seed 003's (`aws:SourceAccount` + `aws:SourceArn`).
 */
import * as assert from "assert";
import {
    EXPORT_BUCKET_SIDS, exportBucketPolicy, exportBucketStatements, fitExportBucketPolicy, fitExportKeyPolicy, largestFitting, POLICY_LIMITS,
    policyDocument, PolicyDocument, policySize, PolicyStatement, policyText,
} from "../../policies";
import { decide, Decision } from "../support/simulate";

const BUCKET = "my-exported-logs";
const REGION = "us-east-1";
const S3_URL = 'https://docs.aws.amazon.com/AmazonS3/latest/userguide/using-iam-policies.html: "Bucket policies are limited to 20 KB in size"';
const KMS_URL = 'https://docs.aws.amazon.com/kms/latest/developerguide/resource-limits.html: "Key policy document size: 32 KB (32,768 bytes)"';

const accounts = (n: number, from = 100000000000): string[] => Array.from({ length: n }, (_, i) => String(from + i));
const callers = (n: number): string[] => Array.from({ length: n }, (_, i) => `arn:aws:iam::${100000000000 + i}:role/ExportCaller`);

/** A statement whose Resource has `pad` characters, to bring a document to an exact size. */
function padding(pad: number): PolicyStatement {
    return { Sid: "Pad", Effect: "Deny", Principal: "*", Action: "s3:DeleteObject", Resource: `arn:aws:s3:::${BUCKET}/${"p".repeat(pad)}` };
}

/** The padding that makes `build(pad)` exactly `target` bytes (size grows one byte per pad character). */
function padTo(target: number, build: (pad: number) => string): number {
    const base = Buffer.byteLength(build(0));
    assert.ok(base <= target, `the unpadded document is already ${base} bytes`);
    return target - base;
}

describe("export policy size limits (the exact text sent)", () => {
    it("states AWS's limits and units as the current pages do", () => {
        assert.deepStrictEqual(
            Object.values(POLICY_LIMITS).map(l => [l.title, l.max, l.unit]),
            [["S3 bucket policy", 20480, "bytes"], ["KMS key policy", 32768, "bytes"], ["CloudWatch Logs resource policy", 5120, "characters"]]);
        assert.ok(POLICY_LIMITS["s3-bucket-policy"].source.startsWith("https://docs.aws.amazon.com/AmazonS3/latest/userguide/using-iam-policies.html"));
    });

    it("the text is compact JSON, and the document is what it says", () => {
        const fit = fitExportBucketPolicy({ bucket: BUCKET, region: REGION, sourceAccounts: accounts(3) });
        assert.strictEqual(fit.text, JSON.stringify(fit.document));
        assert.ok(!/\s/.test(fit.text), "no whitespace");
        assert.strictEqual(fit.compacted, false);
    });

    it("keeps seed 003's per-account form at exactly 20,480 bytes, and compacts at 20,481", () => {
        const sources = accounts(100);
        const build = (pad: number) => policyText(policyDocument([
            ...exportBucketStatements({ bucket: BUCKET, region: REGION, sourceAccounts: sources }), padding(pad)]));
        const pad = padTo(20480, build);
        const at = fitExportBucketPolicy({ bucket: BUCKET, region: REGION, sourceAccounts: sources }, [padding(pad)]);
        assert.strictEqual(policySize("s3-bucket-policy", at.text), 20480);
        assert.strictEqual(at.compacted, false);
        const over = fitExportBucketPolicy({ bucket: BUCKET, region: REGION, sourceAccounts: sources }, [padding(pad + 1)]);
        assert.strictEqual(over.compacted, true);
        const put = over.document.Statement.find(s => s.Sid === EXPORT_BUCKET_SIDS.putObject)!;
        assert.deepStrictEqual(put.Condition, {
            StringEquals: { "s3:x-amz-acl": "bucket-owner-full-control", "aws:SourceAccount": sources },
            ArnLike: { "aws:SourceArn": [`arn:aws:logs:${REGION}:*:log-group:*`] },
        });
        assert.ok(policySize("s3-bucket-policy", over.text) < 20480 - 100 * 40, "one account ID per account instead of one ARN");
    });

    it("measured: 151 accounts fit in seed 003's form, 652 once compacted (us-east-1, a 16-character bucket name)", () => {
        assert.strictEqual(fitExportBucketPolicy({ bucket: BUCKET, region: REGION, sourceAccounts: accounts(151) }).compacted, false);
        assert.strictEqual(fitExportBucketPolicy({ bucket: BUCKET, region: REGION, sourceAccounts: accounts(152) }).compacted, true);
        const last = fitExportBucketPolicy({ bucket: BUCKET, region: REGION, sourceAccounts: accounts(652) });
        assert.strictEqual(last.compacted, true);
        assert.ok(policySize("s3-bucket-policy", last.text) <= 20480);
    });

    it("one account over: fails before anything is built, saying how many accounts fit and pointing at sourceOrgId", () => {
        assert.throws(() => exportBucketPolicy({ bucket: BUCKET, region: REGION, sourceAccounts: accounts(653) }), (e: Error) => {
            assert.strictEqual(e.message,
                `[sourceAccounts] the S3 bucket policy would be 20491 bytes, over AWS's limit of 20480 bytes (${S3_URL}): ` +
                "with the other arguments as given, at most 652 of these 653 source accounts fit. Name the organization instead with " +
                "[sourceOrgId] (aws:SourceOrgID lets every account of the organization export), or split the accounts across buckets.");
            return true;
        });
    });

    it("compacted, at exactly 20,480 bytes it fits; one byte more names the accounts that still fit", () => {
        const sources = accounts(600);
        const fits = (pad: number) => {
            try {
                fitExportBucketPolicy({ bucket: BUCKET, region: REGION, sourceAccounts: sources }, [padding(pad)]);
                return true;
            } catch {
                return false;
            }
        };
        const pad = largestFitting(30000, fits);
        const at = fitExportBucketPolicy({ bucket: BUCKET, region: REGION, sourceAccounts: sources }, [padding(pad)]);
        assert.strictEqual(at.compacted, true);
        assert.strictEqual(policySize("s3-bucket-policy", at.text), 20480);
        assert.throws(() => fitExportBucketPolicy({ bucket: BUCKET, region: REGION, sourceAccounts: sources }, [padding(pad + 1)]), (e: Error) => {
            assert.strictEqual(e.message,
                `[sourceAccounts] the S3 bucket policy would be 20481 bytes, over AWS's limit of 20480 bytes (${S3_URL}): ` +
                "with the other arguments as given, at most 599 of these 600 source accounts fit. Name the organization instead with " +
                "[sourceOrgId] (aws:SourceOrgID lets every account of the organization export), or split the accounts across buckets.");
            return true;
        });
    });

    it("over the limit with one account: names the list that is too long", () => {
        const groups = Array.from({ length: 300 }, (_, i) => `/aws/lambda/a-rather-long-function-name-${i}`);
        assert.throws(() => exportBucketPolicy({ bucket: BUCKET, region: REGION, sourceAccounts: accounts(1), logGroupNames: groups }),
            (e: Error) => /^\[logGroupNames\] the S3 bucket policy would be \d+ bytes, over AWS's limit of 20480 bytes \(.*\): shorten \[logGroupNames\]: the policy is over the limit even with one source account\.$/.test(e.message));
    });

    it("KMS key policy: 701 caller ARNs fit in 32,768 bytes, 702 fail saying so", () => {
        const ok = fitExportKeyPolicy({ region: REGION, account: "111122223333", callerArns: callers(701) });
        assert.ok(policySize("kms-key-policy", ok.text) <= 32768);
        assert.throws(() => fitExportKeyPolicy({ region: REGION, account: "111122223333", callerArns: callers(702) }), (e: Error) => {
            assert.strictEqual(e.message,
                `[callerArns] the KMS key policy would be 32787 bytes, over AWS's limit of 32768 bytes (${KMS_URL}): ` +
                "with the other arguments as given, at most 701 of these 702 caller ARNs fit. Name an account's root " +
                "(arn:aws:iam::111122223333:root) instead of each of its roles: the key then trusts that account's IAM policies " +
                "to say which of its principals may use it.");
            return true;
        });
    });

    it("KMS key policy at exactly 32,768 bytes fits; one byte more blames the extra statements", () => {
        const opts = { region: REGION, account: "111122223333" };
        const pad = padTo(32768, p => fitExportKeyPolicy(opts, [padding(p)]).text);
        assert.strictEqual(policySize("kms-key-policy", fitExportKeyPolicy(opts, [padding(pad)]).text), 32768);
        assert.throws(() => fitExportKeyPolicy(opts, [padding(pad + 1)]), (e: Error) => {
            assert.strictEqual(e.message,
                `[additionalKeyPolicyStatements] the KMS key policy would be 32769 bytes, over AWS's limit of 32768 bytes (${KMS_URL}): ` +
                "shorten [additionalKeyPolicyStatements]: the key policy is over the limit with them.");
            return true;
        });
    });
});

describe("compacted aws:SourceArn allows and denies what seed 003's per-account list does (by evaluation)", () => {
    // Over the limit in seed 003's form, so the builder compacts; the long form is built from the
    // same options for comparison (what would be sent if S3 had no limit).
    const sources = accounts(200, 300000000000);
    const [first, last] = [sources[0], sources[sources.length - 1]];
    const unlisted = "999988887777";
    const options = { bucket: BUCKET, region: REGION, sourceAccounts: sources, prefixes: ["exports"] };
    const compact = fitExportBucketPolicy(options);
    const long: PolicyDocument = policyDocument(exportBucketStatements(options));

    it("is compacted, and seed 003's form would not fit", () => {
        assert.strictEqual(compact.compacted, true);
        assert.ok(policySize("s3-bucket-policy", policyText(long)) > 20480);
    });

    const service = `logs.${REGION}.amazonaws.com`;
    const logGroupArn = (account: string, region = REGION) => `arn:aws:logs:${region}:${account}:log-group:/app/web`;
    const put = (ctx: Record<string, string>, principal = service, key = "exports/t1/s/000000.gz") => ({
        principal, action: "s3:PutObject", resource: `arn:aws:s3:::${BUCKET}/${key}`, resourceAccount: first,
        context: { "s3:x-amz-acl": "bucket-owner-full-control", ...ctx },
    });
    const acl = (ctx: Record<string, string>) => ({
        principal: service, action: "s3:GetBucketAcl", resource: `arn:aws:s3:::${BUCKET}`, resourceAccount: first, context: ctx,
    });
    // What CloudWatch Logs sends: aws:SourceAccount is the account inside aws:SourceArn.
    const from = (account: string, region = REGION) => ({ "aws:SourceAccount": account, "aws:SourceArn": logGroupArn(account, region) });
    const cases: [string, Parameters<typeof decide>[0] extends infer R ? Omit<R & object, "resourcePolicy"> : never, Decision][] = [
        ["the first listed account's export (PutObject)", put(from(first)), "Allowed"],
        ["the last listed account's export (PutObject)", put(from(last)), "Allowed"],
        ["a listed account's GetBucketAcl", acl(from(first)), "Allowed"],
        ["an unlisted account", put(from(unlisted)), "ImplicitlyDenied"],
        ["an unlisted account's GetBucketAcl", acl(from(unlisted)), "ImplicitlyDenied"],
        ["another region's principal and log group", put(from(first, "us-west-2"), "logs.us-west-2.amazonaws.com"), "ImplicitlyDenied"],
        ["this region's principal with another region's log group", put(from(first, "us-west-2")), "ImplicitlyDenied"],
        ["no aws:SourceArn (confused deputy)", put({ "aws:SourceAccount": first }), "ImplicitlyDenied"],
        ["no aws:SourceAccount (confused deputy)", put({ "aws:SourceArn": logGroupArn(first) }), "ImplicitlyDenied"],
        ["a listed account naming another listed account's log group", put({ "aws:SourceAccount": first, "aws:SourceArn": logGroupArn(last) }), "Allowed"],
        ["an unlisted account naming a listed account's log group", put({ "aws:SourceAccount": unlisted, "aws:SourceArn": logGroupArn(first) }), "ImplicitlyDenied"],
        ["a key outside the prefix", put(from(first), service, "elsewhere/x.gz"), "ImplicitlyDenied"],
        ["no bucket-owner-full-control header", { ...put(from(first)), context: from(first) }, "ImplicitlyDenied"],
        ["plain HTTP", { ...put(from(first)), context: { ...put(from(first)).context, "aws:SecureTransport": "false" } }, "ExplicitlyDenied"],
        ["an IAM role of a listed account", put(from(first), `arn:aws:iam::${first}:role/Anyone`), "ImplicitlyDenied"],
    ];
    for (const [what, request, expected] of cases) {
        it(`${what}: ${expected} by both`, async () => {
            assert.strictEqual(await decide({ ...request, resourcePolicy: long }), expected, "seed 003's form");
            assert.strictEqual(await decide({ ...request, resourcePolicy: compact.document }), expected, "compacted");
        });
    }

    it("the one request they tell apart is one CloudWatch Logs never sends: a listed SourceAccount with an unlisted account's log group", async () => {
        // aws:SourceAccount is set by CloudWatch Logs to the owner of the exported log group, the
        // account inside aws:SourceArn; a caller cannot set either key.
        const request = put({ "aws:SourceAccount": first, "aws:SourceArn": logGroupArn(unlisted) });
        assert.strictEqual(await decide({ ...request, resourcePolicy: long }), "ImplicitlyDenied");
        assert.strictEqual(await decide({ ...request, resourcePolicy: compact.document }), "Allowed");
    });
});
