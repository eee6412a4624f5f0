/**
 * `cwlogs-export doctor` on the issue's matrix of buckets set up in moto: verdict, exit code and the
 * printed fix (the policies/ builders' statements) for each.
 */
import { CloudWatchLogsClient, CreateLogGroupCommand } from "@aws-sdk/client-cloudwatch-logs";
import { CreateKeyCommand, DescribeKeyCommand, KMSClient, ListAliasesCommand } from "@aws-sdk/client-kms";
import {
    CreateBucketCommand, PutBucketEncryptionCommand, PutBucketPolicyCommand, S3Client, ServerSideEncryptionByDefault,
} from "@aws-sdk/client-s3";
import * as assert from "assert";
import { DoctorJson } from "../../cli/doctor";
import { EXPORT_BUCKET_SIDS, exportBucketPolicy, exportBucketStatements } from "../../policies/exportBucket";
import { EXPORT_KEY_SIDS, exportKeyPolicy, exportKeyStatements } from "../../policies/exportKey";
import { policyDocument, PolicyDocument, PolicyStatement } from "../../policies/types";
import { runCli } from "../support/cli";
import { replaceEnv } from "../support/env";
import { MOTO_ACCOUNT, Moto, startMoto } from "../support/moto";

const run = runCli;

const REGION = "us-east-1";
const OTHER = "222222222222";
const CALLER = `arn:aws:iam::${OTHER}:role/Exporter`;

/** How a statement appears in the report: pretty JSON indented by six spaces. */
function printed(s: PolicyStatement): string {
    return JSON.stringify(s, null, 2).split("\n").map(l => `      ${l}`).join("\n");
}

function ourStatements(bucket: string, extra: { sourceAccounts?: string[]; callerArns?: string[] } = {}): PolicyStatement[] {
    return exportBucketStatements({ bucket, region: REGION, sourceAccounts: extra.sourceAccounts ?? [MOTO_ACCOUNT], callerArns: extra.callerArns, denyInsecureTransport: false });
}

function fix(bucket: string, sid: string): PolicyStatement {
    return ourStatements(bucket).find(s => s.Sid === sid) as PolicyStatement;
}

describe("cwlogs-export doctor (moto)", function () {
    this.timeout(60000);
    let moto: Moto;
    let restoreEnv: () => void = () => undefined;
    let keyArn = "";
    let managedKeyArn = "";

    async function bucket(name: string, o: { region?: string; sse?: ServerSideEncryptionByDefault; policy?: PolicyDocument }): Promise<void> {
        const region = o.region ?? REGION;
        const s3 = new S3Client({ endpoint: moto.endpoint, region, credentials: moto.credentials, forcePathStyle: true });
        await s3.send(new CreateBucketCommand({ Bucket: name, CreateBucketConfiguration: region === "us-east-1" ? undefined : { LocationConstraint: region as "eu-west-1" } }));
        if (o.sse !== undefined) {
            await s3.send(new PutBucketEncryptionCommand({ Bucket: name, ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: o.sse }] } }));
        }
        if (o.policy !== undefined) {
            await s3.send(new PutBucketPolicyCommand({ Bucket: name, Policy: JSON.stringify(o.policy) }));
        }
    }

    before(async () => {
        moto = await startMoto();
        restoreEnv = replaceEnv(moto.env(REGION));
        const base = { endpoint: moto.endpoint, region: REGION, credentials: moto.credentials };
        const kms = new KMSClient(base);
        keyArn = (await kms.send(new CreateKeyCommand({ Policy: JSON.stringify(exportKeyPolicy({ region: REGION, account: MOTO_ACCOUNT })) }))).KeyMetadata?.Arn as string;
        const crossKey = (await kms.send(new CreateKeyCommand({ Policy: JSON.stringify(exportKeyPolicy({ region: REGION, account: MOTO_ACCOUNT, callerArns: [CALLER] })) }))).KeyMetadata?.Arn as string;
        // moto lists the AWS managed aliases (alias/aws/s3, ...) and creates the key behind one on the
        // first DescribeKey, but reports it as KeyManager CUSTOMER: doctor finds it by its alias.
        managedKeyArn = (await kms.send(new DescribeKeyCommand({ KeyId: "alias/aws/s3" }))).KeyMetadata?.Arn as string;
        const aliases = await kms.send(new ListAliasesCommand({ KeyId: managedKeyArn.split("/")[1] }));
        assert.deepStrictEqual(aliases.Aliases?.map(a => a.AliasName), ["alias/aws/s3"]);
        await new CloudWatchLogsClient(base).send(new CreateLogGroupCommand({ logGroupName: "app" }));

        const kmsSse = (key: string): ServerSideEncryptionByDefault => ({ SSEAlgorithm: "aws:kms", KMSMasterKeyID: key });
        const aes: ServerSideEncryptionByDefault = { SSEAlgorithm: "AES256" };
        const ours = (b: string): PolicyDocument => exportBucketPolicy({ bucket: b, region: REGION, sourceAccounts: [MOTO_ACCOUNT] });
        await bucket("good-kms", { sse: kmsSse(keyArn), policy: ours("good-kms") });
        await bucket("good-aes", { sse: aes, policy: ours("good-aes") });
        await bucket("eu-bucket", { region: "eu-west-1", sse: aes, policy: ours("eu-bucket") });
        await bucket("managed-key", { sse: kmsSse(managedKeyArn), policy: ours("managed-key") });
        await bucket("managed-default", { sse: { SSEAlgorithm: "aws:kms" }, policy: ours("managed-default") });
        await bucket("dsse", { sse: { SSEAlgorithm: "aws:kms:dsse", KMSMasterKeyID: keyArn }, policy: ours("dsse") });
        await bucket("no-acl", { sse: aes, policy: policyDocument(ourStatements("no-acl").filter(s => s.Sid !== EXPORT_BUCKET_SIDS.getBucketAcl)) });
        await bucket("no-put", { sse: aes, policy: policyDocument(ourStatements("no-put").filter(s => s.Sid !== EXPORT_BUCKET_SIDS.putObject)) });
        await bucket("acl-mismatch", {
            sse: aes, policy: policyDocument(ourStatements("acl-mismatch").map(s => s.Sid !== EXPORT_BUCKET_SIDS.putObject ? s
                : { ...s, Condition: { ...s.Condition, StringEquals: { ...s.Condition?.StringEquals, "s3:x-amz-acl": "private" } } })),
        });
        await bucket("no-policy", { sse: aes });
        await bucket("scoped", { sse: aes, policy: exportBucketPolicy({ bucket: "scoped", region: REGION, sourceAccounts: [MOTO_ACCOUNT], prefixes: ["exports", "audit/logs"] }) });
        await bucket("cross-ok", {
            sse: kmsSse(crossKey),
            policy: exportBucketPolicy({ bucket: "cross-ok", region: REGION, sourceAccounts: [OTHER, MOTO_ACCOUNT], callerArns: [CALLER] }),
        });
    });

    after(async () => {
        restoreEnv();
        await moto?.stop();
    });

    it("passes a bucket with SSE-KMS, our key policy and our bucket policy (exit 0)", async () => {
        const r = await run("doctor", "--bucket", "good-kms", "--log-group", "app");
        assert.strictEqual(r.code, 0, r.stdout + r.stderr);
        assert.strictEqual(r.stderr, "");
        assert.strictEqual(r.stdout, [
            `Checking s3://good-kms as an export destination for CloudWatch Logs of account ${MOTO_ACCOUNT} in us-east-1:`,
            `ok    log group "app" exists in us-east-1`,
            "ok    bucket region us-east-1 matches the log group's region",
            `ok    encryption: SSE-KMS with customer managed key ${keyArn}`,
            "ok    bucket policy allows logs.us-east-1.amazonaws.com s3:GetBucketAcl on arn:aws:s3:::good-kms",
            "ok    bucket policy allows logs.us-east-1.amazonaws.com s3:PutObject on arn:aws:s3:::good-kms/* with x-amz-acl=bucket-owner-full-control (any key: pass --prefix to check the destination prefix you export to)",
            "ok    key policy allows logs.us-east-1.amazonaws.com kms:GenerateDataKey and kms:Decrypt",
            "Result: export would work.",
            "",
        ].join("\n"));
    });

    it("passes an SSE-S3 (AES256) bucket with our policy", async () => {
        const r = await run("doctor", "--bucket", "good-aes", "--prefix", "exports/2024");
        assert.strictEqual(r.code, 0, r.stdout);
        assert.match(r.stdout, /^ok {4}encryption: SSE-S3 \(AES256\)$/m);
        assert.match(r.stdout, /s3:PutObject on arn:aws:s3:::good-aes\/exports\/2024\/\* with/);
    });

    it("fails a bucket in another region than the log group", async () => {
        const r = await run("doctor", "--bucket", "eu-bucket");
        assert.strictEqual(r.code, 1);
        assert.match(r.stdout, /^FAIL {2}bucket region eu-west-1 matches the log group's region\n {6}the bucket is in eu-west-1 but the log groups are in us-east-1: CloudWatch Logs only exports to a bucket in the log group's region \(CloudWatch Logs User Guide, S3ExportTasks\.html\)\n {6}fix: use a bucket in us-east-1, or export log groups of eu-west-1 \(--region eu-west-1\)$/m);
        assert.match(r.stdout, /Result: export would FAIL: 1 problem\.\n$/);
        assert.strictEqual(r.stderr, 'cwlogs-export: doctor: 1 check failed: exports to "eu-bucket" would fail; apply the fixes above.\n');
    });

    it("passes the same bucket when run for its own region", async () => {
        const r = await run("doctor", "--bucket", "eu-bucket", "--region", "eu-west-1");
        assert.strictEqual(r.code, 1, "the policy names logs.us-east-1, so only the region line passes");
        assert.match(r.stdout, /^ok {4}bucket region eu-west-1 matches/m);
        assert.match(r.stdout, /^FAIL {2}bucket policy allows logs\.eu-west-1\.amazonaws\.com s3:GetBucketAcl/m);
    });

    it("fails an AWS managed key, found by its alias/aws/s3 alias (moto reports KeyManager CUSTOMER)", async () => {
        const r = await run("doctor", "--bucket", "managed-key");
        assert.strictEqual(r.code, 1);
        assert.match(r.stdout, new RegExp(`^FAIL  encryption: SSE-KMS with the AWS managed key ${managedKeyArn}$`, "m"));
        assert.match(r.stdout, /an AWS managed key's policy cannot be changed/);
        const d = await run("doctor", "--bucket", "managed-default");
        assert.strictEqual(d.code, 1);
        assert.match(d.stdout, /^FAIL {2}encryption: SSE-KMS with the AWS managed key aws\/s3$/m);
    });

    it("fails DSSE-KMS", async () => {
        const r = await run("doctor", "--bucket", "dsse");
        assert.strictEqual(r.code, 1);
        assert.match(r.stdout, /^FAIL {2}encryption: DSSE-KMS \(aws:kms:dsse\) is not supported by exports$/m);
    });

    it("fails a policy without GetBucketAcl and prints the statement to merge", async () => {
        const r = await run("doctor", "--bucket", "no-acl");
        assert.strictEqual(r.code, 1);
        assert.match(r.stdout, /^FAIL {2}bucket policy allows logs\.us-east-1\.amazonaws\.com s3:GetBucketAcl on arn:aws:s3:::no-acl$/m);
        assert.ok(r.stdout.includes(`      fix: add this statement to the bucket policy:\n${printed(fix("no-acl", EXPORT_BUCKET_SIDS.getBucketAcl))}\n`), r.stdout);
        assert.match(r.stdout, /^ok {4}bucket policy allows logs\.us-east-1\.amazonaws\.com s3:PutObject/m);
    });

    it("fails a policy without the PutObject statement, and one whose ACL condition asks another value", async () => {
        for (const b of ["no-put", "acl-mismatch"]) {
            const r = await run("doctor", "--bucket", b);
            assert.strictEqual(r.code, 1, b);
            assert.match(r.stdout, new RegExp(`^FAIL  bucket policy allows logs\\.us-east-1\\.amazonaws\\.com s3:PutObject on arn:aws:s3:::${b}/\\*`, "m"));
            assert.ok(r.stdout.includes(printed(fix(b, EXPORT_BUCKET_SIDS.putObject))), r.stdout);
        }
        const m = await run("doctor", "--bucket", "acl-mismatch");
        assert.match(m.stdout, /a statement matches except for its condition on s3:x-amz-acl \(the request sends "bucket-owner-full-control"\)/);
    });

    it("fails a bucket without a policy, with both statements", async () => {
        const r = await run("doctor", "--bucket", "no-policy");
        assert.strictEqual(r.code, 1);
        assert.strictEqual(r.stdout.match(/the bucket has no bucket policy/g)?.length, 2);
        assert.ok(r.stdout.includes(printed(fix("no-policy", EXPORT_BUCKET_SIDS.getBucketAcl))));
        assert.ok(r.stdout.includes(printed(fix("no-policy", EXPORT_BUCKET_SIDS.putObject))));
    });

    it("fails a cross-account caller the policies do not allow, and passes one they do", async () => {
        const r = await run("doctor", "--bucket", "good-kms", "--caller-arn", CALLER);
        assert.strictEqual(r.code, 1);
        const callerPut = ourStatements("good-kms", { sourceAccounts: [OTHER, MOTO_ACCOUNT], callerArns: [CALLER] }).find(s => s.Sid === EXPORT_BUCKET_SIDS.callerPutObject) as PolicyStatement;
        const callerKey = exportKeyStatements({ region: REGION, account: MOTO_ACCOUNT, callerArns: [CALLER] }).find(s => s.Sid === EXPORT_KEY_SIDS.callers) as PolicyStatement;
        assert.match(r.stdout, new RegExp(`^FAIL  bucket policy allows caller ${CALLER} s3:PutObject`, "m"));
        assert.match(r.stdout, new RegExp(`^FAIL  key policy allows caller ${CALLER} kms:GenerateDataKey and kms:Decrypt`, "m"));
        assert.ok(r.stdout.includes(printed(callerPut)), r.stdout);
        assert.ok(r.stdout.includes(printed(callerKey)), r.stdout);
        const ok = await run("doctor", "--bucket", "cross-ok", "--caller-arn", CALLER);
        assert.strictEqual(ok.code, 0, ok.stdout);
        assert.match(ok.stdout, new RegExp(`^ok {4}bucket policy allows caller ${CALLER}`, "m"));
    });

    it("fails a log group that does not exist", async () => {
        const r = await run("doctor", "--bucket", "good-aes", "--log-group", "missing");
        assert.strictEqual(r.code, 1);
        assert.match(r.stdout, /^FAIL {2}log group "missing" exists in us-east-1$/m);
    });

    it("on a prefix-scoped bucket without --prefix, says which prefixes work instead of failing (exit 0)", async () => {
        const r = await run("doctor", "--bucket", "scoped");
        assert.strictEqual(r.code, 0, r.stdout + r.stderr);
        assert.ok(r.stdout.includes([
            "warn  bucket policy allows logs.us-east-1.amazonaws.com s3:PutObject only under exports/, audit/logs/ (with x-amz-acl=bucket-owner-full-control)",
            "      not on any key of the bucket (arn:aws:s3:::scoped/*): exports work with a destination prefix under one of these prefixes",
            "      fix: export with --prefix exports or --prefix audit/logs, and pass the same --prefix to doctor to check that prefix",
        ].join("\n")), r.stdout);
        assert.match(r.stdout, /Result: export would work \(1 warning\)\.\n$/);
        const ok = await run("doctor", "--bucket", "scoped", "--prefix", "audit/logs");
        assert.strictEqual(ok.code, 0, ok.stdout);
        assert.match(ok.stdout, /^ok {4}bucket policy allows logs\.us-east-1\.amazonaws\.com s3:PutObject on arn:aws:s3:::scoped\/audit\/logs\/\* with/m);
        const other = await run("doctor", "--bucket", "scoped", "--prefix", "elsewhere");
        assert.strictEqual(other.code, 1, "a prefix the policy does not cover still fails");
        assert.match(other.stdout, /^FAIL {2}bucket policy allows logs\.us-east-1\.amazonaws\.com s3:PutObject on arn:aws:s3:::scoped\/elsewhere\/\*/m);
        const none = await run("doctor", "--bucket", "no-put");
        assert.strictEqual(none.code, 1, "a policy that allows no prefix still fails");
    });

    it("--json prints the report as one JSON document, exit codes unchanged", async () => {
        const good = await run("doctor", "--bucket", "good-kms", "--log-group", "app", "--json");
        assert.strictEqual(good.code, 0, good.stderr);
        assert.strictEqual(good.stderr, "");
        const g = JSON.parse(good.stdout) as DoctorJson;
        assert.deepStrictEqual({ ...g, checks: g.checks.map(c => c.status) }, {
            bucket: "good-kms", bucketRegion: REGION, logsRegion: REGION, sourceAccount: MOTO_ACCOUNT, logGroupName: "app",
            prefix: null, callerArn: null, ok: true, failures: 0, warnings: 0, checks: ["ok", "ok", "ok", "ok", "ok", "ok"],
        });
        assert.strictEqual(g.checks[2].title, `encryption: SSE-KMS with customer managed key ${keyArn}`);

        const bad = await run("doctor", "--bucket", "no-acl", "--json");
        assert.strictEqual(bad.code, 1);
        assert.strictEqual(bad.stderr, 'cwlogs-export: doctor: 1 check failed: exports to "no-acl" would fail; apply the fixes in the failed checks\' "fix" fields.\n');
        const b = JSON.parse(bad.stdout) as DoctorJson;
        assert.strictEqual(b.ok, false);
        assert.strictEqual(b.failures, 1);
        const failed = b.checks.filter(c => c.status === "fail");
        assert.strictEqual(failed.length, 1);
        assert.strictEqual(failed[0].title, "bucket policy allows logs.us-east-1.amazonaws.com s3:GetBucketAcl on arn:aws:s3:::no-acl");
        assert.deepStrictEqual(failed[0].fix?.statements, [fix("no-acl", EXPORT_BUCKET_SIDS.getBucketAcl)]);

        const missing = await run("doctor", "--bucket", "no-such-bucket", "--json");
        assert.strictEqual(missing.code, 1);
        assert.strictEqual(missing.stdout, "", "errors go to stderr, never as half a JSON document");
    });

    it("stops with one line for a bucket that does not exist", async () => {
        const r = await run("doctor", "--bucket", "no-such-bucket");
        assert.strictEqual(r.code, 1);
        assert.strictEqual(r.stdout, "");
        assert.strictEqual(r.stderr, 'cwlogs-export: [--bucket] bucket "no-such-bucket" does not exist: check the name (and --profile: the bucket owner\'s account).\n');
    });

    const bad: [string, string[], string][] = [
        ["a missing --bucket", [], "cwlogs-export: [--bucket] is required: name the destination bucket to check.\n"],
        ["a bad --caller-arn", ["--bucket", "good-aes", "--caller-arn", "Exporter"],
            'cwlogs-export: [--caller-arn] "Exporter" is not an IAM user or role ARN: use the form "arn:aws:iam::111122223333:role/ExportCaller" or "arn:aws:iam::111122223333:user/CWLExportUser".\n'],
        ["a --prefix with a leading slash", ["--bucket", "good-aes", "--prefix", "/logs"],
            'cwlogs-export: [--prefix] "/logs" starts with "/": S3 keys have no leading slash, so write "logs".\n'],
        ["a bad --log-group", ["--bucket", "good-aes", "--log-group", "a b"],
            'cwlogs-export: [--log-group] "a b" is not a CloudWatch Logs log group name: use 1 to 512 characters from a-z, A-Z, 0-9, "_", "-", "/", "." and "#".\n'],
    ];
    for (const [what, argv, message] of bad) {
        it(`refuses ${what} with exit 2`, async () => {
            const r = await run("doctor", ...argv);
            assert.strictEqual(r.code, 2);
            assert.strictEqual(r.stdout, "");
            assert.strictEqual(r.stderr, message);
        });
    }
});
