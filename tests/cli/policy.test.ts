/**
 * `cwlogs-export policy export-*`: one JSON document on stdout, exit 0; bad flags give the
 * validators' messages (naming the flag) on stderr and exit 2.
 */
import * as assert from "assert";
import { spawnSync } from "child_process";
import * as path from "path";
import { exportBucketPolicy, exportBucketPolicyText, exportCallerPolicy, exportKeyPolicy } from "../../policies";
import { runCli } from "../support/cli";

const ROOT = path.resolve(__dirname, "../..");

const run = runCli;

describe("cwlogs-export policy", () => {
    it("export-bucket prints the builder's document for the flags", async () => {
        const r = await run("policy", "export-bucket", "--bucket", "my-exported-logs", "--region", "us-west-2",
            "--source-account", "111111111111", "--source-account", "222222222222", "--prefix", "random-string",
            "--log-group", "my-log-group", "--caller-arn", "arn:aws:iam::222222222222:role/CWLExportUser");
        assert.strictEqual(r.code, 0, r.stderr);
        assert.strictEqual(r.stderr, "");
        assert.deepStrictEqual(JSON.parse(r.stdout), exportBucketPolicy({
            bucket: "my-exported-logs", region: "us-west-2", sourceAccounts: ["111111111111", "222222222222"],
            prefixes: ["random-string"], logGroupNames: ["my-log-group"], callerArns: ["arn:aws:iam::222222222222:role/CWLExportUser"],
        }));
    });

    it("export-bucket defaults the source account to --account, and takes --org-id and --no-deny-insecure-transport", async () => {
        const own = await run("policy", "export-bucket", "--bucket", "b-1", "--region", "us-east-1", "--account", "111111111111");
        assert.deepStrictEqual(JSON.parse(own.stdout), exportBucketPolicy({ bucket: "b-1", region: "us-east-1", sourceAccounts: ["111111111111"] }));
        const org = await run("policy", "export-bucket", "--bucket", "b-1", "--region", "us-east-1", "--org-id", "o-abcdef1234", "--no-deny-insecure-transport");
        assert.deepStrictEqual(JSON.parse(org.stdout), exportBucketPolicy({ bucket: "b-1", region: "us-east-1", sourceOrgId: "o-abcdef1234", denyInsecureTransport: false }));
    });

    it("export-key and export-caller print their documents; --account defaults to the first --source-account", async () => {
        const key = await run("policy", "export-key", "--region", "eu-west-1", "--source-account", "111111111111",
            "--caller-arn", "arn:aws:iam::222222222222:role/Caller");
        assert.strictEqual(key.code, 0, key.stderr);
        assert.deepStrictEqual(JSON.parse(key.stdout), exportKeyPolicy({ region: "eu-west-1", account: "111111111111", callerArns: ["arn:aws:iam::222222222222:role/Caller"] }));
        const kms = "arn:aws:kms:eu-west-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab";
        const caller = await run("policy", "export-caller", "--region", "eu-west-1", "--account", "222222222222",
            "--bucket", "my-exported-logs", "--prefix", "p", "--kms-key-arn", kms, "--partition", "aws");
        assert.deepStrictEqual(JSON.parse(caller.stdout), exportCallerPolicy({
            region: "eu-west-1", account: "222222222222", bucket: "my-exported-logs", prefixes: ["p"], kmsKeyArn: kms,
        }));
    });

    const bad: [string, string[], string][] = [
        ["an account that is not 12 digits", ["export-bucket", "--bucket", "b-1", "--region", "us-east-1", "--source-account", "1234"],
            'cwlogs-export: [--source-account] "1234" is not an AWS account ID: use the 12-digit account number, e.g. "111122223333".\n'],
        ["no source account and no organization", ["export-bucket", "--bucket", "b-1", "--region", "us-east-1"],
            "cwlogs-export: [--source-account] at least one source account is required (CloudWatch Logs User Guide, S3ExportTasks.html: the bucket policy lists the accounts allowed to export): " +
            "give the 12-digit IDs of the accounts whose log groups export here, or [--org-id].\n"],
        ["a bad organization ID", ["export-bucket", "--bucket", "b-1", "--region", "us-east-1", "--org-id", "o-1"],
            'cwlogs-export: [--org-id] "o-1" is not an AWS Organizations ID: use the ID shown by `aws organizations describe-organization`, ' +
            '"o-" followed by 10 to 32 lowercase letters or digits.\n'],
        ["a bad bucket name", ["export-bucket", "--bucket", "B", "--region", "us-east-1", "--account", "111111111111"],
            'cwlogs-export: [--bucket] "B" is not a valid S3 bucket name: it must be 3 to 63 characters long.\n'],
        ["a prefix with a leading slash", ["export-bucket", "--bucket", "b-1", "--region", "us-east-1", "--account", "111111111111", "--prefix", "/x"],
            'cwlogs-export: [--prefix] "/x" starts with "/": S3 keys have no leading slash, so write "x".\n'],
        ["an unknown region", ["export-key", "--region", "mars-1", "--account", "111111111111"],
            'cwlogs-export: [--region] "mars-1" is not a known AWS region: use a region code such as "us-east-1".\n'],
        ["an unknown partition", ["export-key", "--region", "us-east-1", "--account", "111111111111", "--partition", "aws-iso"],
            'cwlogs-export: [--partition] "aws-iso" is not a supported partition: use one of "aws", "aws-cn", "aws-us-gov".\n'],
        ["a missing --bucket", ["export-bucket", "--region", "us-east-1", "--account", "111111111111"],
            "cwlogs-export: [--bucket] is required: name the destination bucket.\n"],
        ["an AWS managed key", ["export-caller", "--region", "us-east-1", "--account", "111111111111", "--kms-key-arn", "alias/aws/s3"],
            'cwlogs-export: [--kms-key-arn] "alias/aws/s3" is an AWS managed key: its key policy cannot grant CloudWatch Logs kms:GenerateDataKey (CloudWatch Logs User Guide, S3ExportTasks.html), ' +
            "so exports to it fail. Use a customer managed key (create one with `aws kms create-key`, with the key policy `cwlogs-export policy export-key` prints), or SSE-S3.\n"],
    ];
    for (const [what, argv, message] of bad) {
        it(`refuses ${what} on stderr with exit 2 and nothing on stdout`, async () => {
            const r = await run("policy", ...argv);
            assert.strictEqual(r.code, 2);
            assert.strictEqual(r.stdout, "");
            assert.strictEqual(r.stderr, message);
        });
    }

    it("refuses an unknown flag and an unknown kind with exit 2", async () => {
        const flag = await run("policy", "export-bucket", "--nope");
        assert.strictEqual(flag.code, 2);
        assert.match(flag.stderr, /unknown option '--nope'/);
        const kind = await run("policy", "export-everything");
        assert.strictEqual(kind.code, 2);
        assert.match(kind.stderr, /unknown command 'export-everything'/);
    });

    it("runs as a real process: JSON on stdout and exit 0; a bad flag exits 2", function () {
        this.timeout(30000);
        const node = (argv: string[]) => spawnSync(process.execPath, ["-r", "ts-node/register/transpile-only", "cli/main.ts", ...argv],
            { cwd: ROOT, encoding: "utf8", env: { ...process.env, TS_NODE_TRANSPILE_ONLY: "true" } });
        const ok = node(["policy", "export-key", "--region", "us-east-1", "--account", "111111111111"]);
        assert.strictEqual(ok.status, 0, ok.stderr);
        assert.deepStrictEqual(JSON.parse(ok.stdout), exportKeyPolicy({ region: "us-east-1", account: "111111111111" }));
        const bad = node(["policy", "export-key", "--region", "us-east-1", "--account", "1"]);
        assert.strictEqual(bad.status, 2);
        assert.strictEqual(bad.stdout, "");
        assert.match(bad.stderr, /^cwlogs-export: \[--account\] "1" is not an AWS account ID/);
    });
});

describe("cwlogs-export policy: prints the exact text it measured", () => {
    const accounts = (n: number) => Array.from({ length: n }, (_, i) => String(100000000000 + i)).flatMap(a => ["--source-account", a]);

    it("export-bucket prints one line of compact JSON, the text the 20 KB limit was measured on", async () => {
        const r = await run("policy", "export-bucket", "--bucket", "my-exported-logs", "--region", "us-east-1", ...accounts(652));
        assert.strictEqual(r.code, 0, r.stderr);
        assert.ok(r.stdout.endsWith("}\n") && !/\s/.test(r.stdout.slice(0, -1)), "one line, no whitespace");
        const text = r.stdout.slice(0, -1);
        assert.strictEqual(text, exportBucketPolicyText({
            bucket: "my-exported-logs", region: "us-east-1", sourceAccounts: Array.from({ length: 652 }, (_, i) => String(100000000000 + i)),
        }));
        // Compacted to fit (seed 003's per-account form would be far over), and within S3's limit as printed.
        assert.ok(text.includes('"aws:SourceArn":["arn:aws:logs:us-east-1:*:log-group:*"]'));
        assert.ok(Buffer.byteLength(text) <= 20480, `${Buffer.byteLength(text)} bytes printed`);
        assert.strictEqual(Buffer.byteLength(text), 20461);
    });

    it("export-bucket one account over the limit: exit 2, naming --source-account and --org-id", async () => {
        const r = await run("policy", "export-bucket", "--bucket", "my-exported-logs", "--region", "us-east-1", ...accounts(653));
        assert.strictEqual(r.code, 2);
        assert.strictEqual(r.stdout, "");
        assert.strictEqual(r.stderr,
            "cwlogs-export: [--source-account] the S3 bucket policy would be 20491 bytes, over AWS's limit of 20480 bytes " +
            '(https://docs.aws.amazon.com/AmazonS3/latest/userguide/using-iam-policies.html: "Bucket policies are limited to 20 KB in size"): ' +
            "with the other arguments as given, at most 652 of these 653 source accounts fit. Name the organization instead with " +
            "[--org-id] (aws:SourceOrgID lets every account of the organization export), or split the accounts across buckets.\n");
    });

    it("export-key over KMS's 32 KB: exit 2, naming --caller-arn", async () => {
        const callers = Array.from({ length: 702 }, (_, i) => ["--caller-arn", `arn:aws:iam::${100000000000 + i}:role/ExportCaller`]).flat();
        const r = await run("policy", "export-key", "--region", "us-east-1", "--account", "111122223333", ...callers);
        assert.strictEqual(r.code, 2);
        assert.strictEqual(r.stdout, "");
        assert.match(r.stderr, /^cwlogs-export: \[--caller-arn\] the KMS key policy would be 32787 bytes, over AWS's limit of 32768 bytes .*at most 701 of these 702 caller ARNs fit\./);
    });

    it("export-key and export-caller print compact JSON too", async () => {
        const key = await run("policy", "export-key", "--region", "us-east-1", "--account", "111111111111");
        assert.strictEqual(key.stdout, `${JSON.stringify(exportKeyPolicy({ region: "us-east-1", account: "111111111111" }))}\n`);
        const caller = await run("policy", "export-caller", "--region", "us-east-1", "--account", "111111111111");
        assert.strictEqual(caller.stdout, `${JSON.stringify(exportCallerPolicy({ region: "us-east-1", account: "111111111111" }))}\n`);
    });
});
