/**
 * `doctor`'s pure parts: the structural policy evaluator (cross-checked against
 * @cloud-copilot/iam-simulate, test-only) and the checks over bucket facts, with the fixes they print.
 */
import * as assert from "assert";
import { policyPrefixes, runChecks } from "../../cli/doctor/checks";
import { EvalRequest, evaluate, globMatch, parsePolicy, Verdict } from "../../cli/doctor/evaluate";
import { DoctorFacts } from "../../cli/doctor/facts";
import { EXPORT_BUCKET_SIDS, exportBucketPolicy, exportBucketStatements } from "../../policies/exportBucket";
import { EXPORT_KEY_SIDS, exportKeyPolicy, exportKeyStatements } from "../../policies/exportKey";
import { policyDocument, PolicyDocument, PolicyStatement } from "../../policies/types";
import { decide } from "../support/simulate";

const A1 = "111111111111";
const REGION = "us-east-1";
const BUCKET = "my-exported-logs";
const LOGS = "logs.us-east-1.amazonaws.com";
const KEY = `arn:aws:kms:${REGION}:${A1}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;

const fromA1 = { "aws:SourceAccount": A1, "aws:SourceArn": `arn:aws:logs:${REGION}:${A1}:log-group:g1`, "aws:SecureTransport": "true" };

function put(context: Record<string, string | null>, resource = `arn:aws:s3:::${BUCKET}/p/x`): EvalRequest {
    return { principal: { kind: "service", service: LOGS }, action: "s3:PutObject", resource, context };
}

describe("doctor: structural evaluator", () => {
    it("matches IAM wildcards", () => {
        assert.ok(globMatch("s3:Put*", "s3:PutObject"));
        assert.ok(globMatch("arn:aws:s3:::b/*", "arn:aws:s3:::b/x/y"));
        assert.ok(globMatch("arn:aws:s3:::b?", "arn:aws:s3:::b1"));
        assert.ok(!globMatch("arn:aws:s3:::b/p/*", "arn:aws:s3:::b/*"), "a prefix pattern does not cover any key");
        assert.ok(!globMatch("arn:aws:s3:::b.c", "arn:aws:s3:::bxc"), "dots are literal");
    });

    it("handles Principal *, Service string/list, AWS account root and ARNs", () => {
        const stmt = (Principal: PolicyStatement["Principal"]): PolicyDocument =>
            policyDocument([{ Effect: "Allow", Principal, Action: "s3:*", Resource: "*" }]);
        const role = { kind: "aws" as const, arn: `arn:aws:iam::${A1}:role/R`, account: A1 };
        const req = (principal: EvalRequest["principal"]): EvalRequest => ({ principal, action: "s3:PutObject", resource: "arn:aws:s3:::b/k", context: {} });
        assert.strictEqual(evaluate(stmt("*"), req(role)).verdict, "allow");
        assert.strictEqual(evaluate(stmt({ Service: [LOGS, "x.amazonaws.com"] }), req({ kind: "service", service: LOGS })).verdict, "allow");
        assert.strictEqual(evaluate(stmt({ Service: "logs.eu-west-1.amazonaws.com" }), req({ kind: "service", service: LOGS })).verdict, "implicit-deny");
        assert.strictEqual(evaluate(stmt({ AWS: `arn:aws:iam::${A1}:root` }), req(role)).verdict, "allow");
        assert.strictEqual(evaluate(stmt({ AWS: A1 }), req(role)).verdict, "allow");
        assert.strictEqual(evaluate(stmt({ AWS: [`arn:aws:iam::${A1}:role/Other`] }), req(role)).verdict, "implicit-deny");
        assert.strictEqual(evaluate(stmt({ AWS: `arn:aws:iam::${A1}:role/R` }), req({ kind: "service", service: LOGS })).verdict, "implicit-deny");
    });

    it("gives an explicit Deny precedence, and honours NotAction/NotResource", () => {
        const doc = policyDocument([
            { Effect: "Allow", Principal: { Service: LOGS }, Action: "s3:*", Resource: "*" },
            { Sid: "NoPut", Effect: "Deny", Principal: "*", Action: ["s3:Put*"], NotResource: "arn:aws:s3:::b/ok/*" },
        ]);
        assert.strictEqual(evaluate(doc, put({}, "arn:aws:s3:::b/bad/x")).verdict, "explicit-deny");
        assert.strictEqual(evaluate(doc, put({}, "arn:aws:s3:::b/ok/x")).verdict, "allow");
    });

    it("decides the conditions an export needs and calls the rest unknown", () => {
        const withCondition = (Condition: PolicyStatement["Condition"]): PolicyDocument =>
            policyDocument([{ Effect: "Allow", Principal: { Service: LOGS }, Action: "s3:PutObject", Resource: "*", Condition }]);
        const ctx = { ...fromA1, "s3:x-amz-acl": "bucket-owner-full-control" };
        const v = (c: PolicyStatement["Condition"], context: Record<string, string | null> = ctx): Verdict => evaluate(withCondition(c), put(context)).verdict;
        assert.strictEqual(v({ StringEquals: { "aws:SourceAccount": [A1, "222222222222"] } }), "allow");
        assert.strictEqual(v({ StringEquals: { "aws:SourceAccount": "222222222222" } }), "implicit-deny");
        assert.strictEqual(v({ ArnLike: { "aws:SourceArn": `arn:aws:logs:${REGION}:${A1}:log-group:*` } }), "allow");
        assert.strictEqual(v({ ArnEquals: { "aws:SourceArn": `arn:aws:logs:${REGION}:${A1}:log-group:g1` } }), "allow");
        assert.strictEqual(v({ StringLike: { "s3:x-amz-acl": "bucket-owner-*" } }), "allow");
        assert.strictEqual(v({ StringEquals: { "s3:x-amz-acl": "private" } }), "implicit-deny");
        assert.strictEqual(v({ Bool: { "aws:SecureTransport": "true" } }), "allow");
        assert.strictEqual(v({ StringNotEquals: { "aws:SourceAccount": "222222222222" } }), "allow");
        assert.strictEqual(v({ StringEqualsIfExists: { "s3:x-amz-acl": "private" } }, { ...fromA1, "s3:x-amz-acl": null }), "allow");
        assert.strictEqual(v({ StringEquals: { "s3:x-amz-acl": "bucket-owner-full-control" } }, { ...fromA1, "s3:x-amz-acl": null }), "implicit-deny");
        assert.strictEqual(v({ NumericLessThan: { "s3:max-keys": "10" } }), "unknown", "unknown operator");
        assert.strictEqual(v({ StringEquals: { "aws:SourceOrgID": "o-abcdef1234" } }), "unknown", "key the doctor cannot know");
        // A known-false condition decides even next to an unknown one.
        assert.strictEqual(v({ StringEquals: { "aws:SourceAccount": "222222222222", "aws:SourceOrgID": "o-abcdef1234" } }), "implicit-deny");
    });

    it("parses policies whose Statement is a single object", () => {
        const doc = parsePolicy(JSON.stringify({ Version: "2012-10-17", Statement: { Effect: "Allow", Principal: "*", Action: "s3:*", Resource: "*" } }), "bucket policy");
        assert.strictEqual(doc.Statement.length, 1);
        assert.throws(() => parsePolicy("{", "bucket policy"), /bucket policy is not valid JSON/);
    });

    describe("agrees with @cloud-copilot/iam-simulate", () => {
        const ours = exportBucketPolicy({ bucket: BUCKET, region: REGION, sourceAccounts: [A1], prefixes: ["p"] });
        const seed002 = policyDocument([
            { Effect: "Allow", Principal: { Service: LOGS }, Action: "s3:GetBucketAcl", Resource: `arn:aws:s3:::${BUCKET}` },
            { Effect: "Allow", Principal: { Service: LOGS }, Action: "s3:PutObject", Resource: `arn:aws:s3:::${BUCKET}/*`, Condition: { StringEquals: { "s3:x-amz-acl": "bucket-owner-full-control" } } },
        ]);
        const denyAll = policyDocument([...ours.Statement, { Sid: "DenyLogs", Effect: "Deny", Principal: { Service: LOGS }, Action: "s3:Put*", Resource: `arn:aws:s3:::${BUCKET}/*` }]);
        const wrongAcl = policyDocument([{ Effect: "Allow", Principal: { Service: LOGS }, Action: "s3:PutObject", Resource: `arn:aws:s3:::${BUCKET}/*`, Condition: { StringEquals: { "s3:x-amz-acl": "private" } } }]);
        const key = exportKeyPolicy({ region: REGION, account: A1 });
        const acl = { "s3:x-amz-acl": "bucket-owner-full-control" };
        const foreign = { "aws:SourceAccount": "333333333333", "aws:SourceArn": `arn:aws:logs:${REGION}:333333333333:log-group:g1`, "aws:SecureTransport": "true" };
        const cases: [string, PolicyDocument, string, string, Record<string, string>][] = [
            ["ours: PutObject under the prefix", ours, "s3:PutObject", `arn:aws:s3:::${BUCKET}/p/t/s/000000.gz`, { ...fromA1, ...acl }],
            ["ours: PutObject outside the prefix", ours, "s3:PutObject", `arn:aws:s3:::${BUCKET}/q/x`, { ...fromA1, ...acl }],
            ["ours: PutObject without the ACL", ours, "s3:PutObject", `arn:aws:s3:::${BUCKET}/p/x`, fromA1],
            ["ours: GetBucketAcl", ours, "s3:GetBucketAcl", `arn:aws:s3:::${BUCKET}`, fromA1],
            ["ours: GetBucketAcl from a foreign account", ours, "s3:GetBucketAcl", `arn:aws:s3:::${BUCKET}`, foreign],
            ["seed 002: GetBucketAcl from a foreign account", seed002, "s3:GetBucketAcl", `arn:aws:s3:::${BUCKET}`, foreign],
            ["seed 002: PutObject", seed002, "s3:PutObject", `arn:aws:s3:::${BUCKET}/x`, { ...fromA1, ...acl }],
            ["explicit deny", denyAll, "s3:PutObject", `arn:aws:s3:::${BUCKET}/p/x`, { ...fromA1, ...acl }],
            ["wrong ACL value", wrongAcl, "s3:PutObject", `arn:aws:s3:::${BUCKET}/x`, { ...fromA1, ...acl }],
            ["key: GenerateDataKey", key, "kms:GenerateDataKey", KEY, fromA1],
            ["key: Encrypt (not granted)", key, "kms:Encrypt", KEY, fromA1],
        ];
        const expected: Record<Verdict, string> = { "allow": "Allowed", "implicit-deny": "ImplicitlyDenied", "explicit-deny": "ExplicitlyDenied", "unknown": "?" };
        for (const [what, policy, action, resource, context] of cases) {
            it(what, async () => {
                const mine = evaluate(policy, { principal: { kind: "service", service: LOGS }, action, resource, context: { "s3:x-amz-acl": null, ...context } });
                const theirs = await decide({ principal: LOGS, action, resource, resourceAccount: A1, resourcePolicy: policy, context });
                assert.strictEqual(expected[mine.verdict], theirs);
            });
        }
    });
});

describe("doctor: checks over bucket facts", () => {
    const good = (): DoctorFacts => ({
        bucket: BUCKET, bucketRegion: REGION, logsRegion: REGION, sourceAccount: A1, bucketAccount: A1,
        encryption: { kind: "aws:kms", keyId: KEY, key: { arn: KEY, keyManager: "CUSTOMER", aliases: ["alias/exports"], policy: exportKeyPolicy({ region: REGION, account: A1 }) } },
        bucketPolicy: exportBucketPolicy({ bucket: BUCKET, region: REGION, sourceAccounts: [A1] }),
    });
    const statuses = (f: DoctorFacts): string[] => runChecks(f).map(r => r.status);
    const fixFor = (sid: string): PolicyStatement | undefined =>
        exportBucketStatements({ bucket: BUCKET, region: REGION, sourceAccounts: [A1], denyInsecureTransport: false }).find(s => s.Sid === sid);

    it("passes our own bucket and key policies", () => {
        assert.deepStrictEqual(statuses(good()), ["ok", "ok", "ok", "ok", "ok"]);
    });

    it("warns (no failure) on seed 002's unconditioned form: confused-deputy conditions are recommended", () => {
        const f = good();
        f.bucketPolicy = policyDocument([
            { Effect: "Allow", Principal: { Service: LOGS }, Action: "s3:GetBucketAcl", Resource: `arn:aws:s3:::${BUCKET}` },
            ...exportBucketPolicy({ bucket: BUCKET, region: REGION, sourceAccounts: [A1] }).Statement.slice(1),
        ]);
        const r = runChecks(f);
        assert.deepStrictEqual(r.map(x => x.status), ["ok", "ok", "warn", "ok", "ok"]);
        assert.match(r[2].detail[0], /confused-deputy/);
        assert.deepStrictEqual(r[2].fix?.statements, [fixFor(EXPORT_BUCKET_SIDS.getBucketAcl)]);
    });

    it("fails a missing GetBucketAcl statement with the builder's statement as the fix", () => {
        const f = good();
        f.bucketPolicy = policyDocument(f.bucketPolicy!.Statement.filter(s => s.Sid !== EXPORT_BUCKET_SIDS.getBucketAcl));
        const r = runChecks(f)[2];
        assert.strictEqual(r.status, "fail");
        assert.deepStrictEqual(r.fix?.statements, [fixFor(EXPORT_BUCKET_SIDS.getBucketAcl)]);
    });

    it("fails a PutObject whose ACL condition asks another value, and names the condition", () => {
        const f = good();
        f.bucketPolicy = policyDocument(f.bucketPolicy!.Statement.map(s => s.Sid === EXPORT_BUCKET_SIDS.putObject
            ? { ...s, Condition: { ...s.Condition, StringEquals: { ...s.Condition!.StringEquals, "s3:x-amz-acl": "private" } } } : s));
        const r = runChecks(f)[3];
        assert.strictEqual(r.status, "fail");
        assert.ok(r.detail.some(d => /condition on s3:x-amz-acl \(the request sends "bucket-owner-full-control"\)/.test(d)), r.detail.join("\n"));
        assert.deepStrictEqual(r.fix?.statements, [fixFor(EXPORT_BUCKET_SIDS.putObject)]);
    });

    it("fails an explicit Deny of the logs principal and prints that Deny", () => {
        const f = good();
        const deny: PolicyStatement = { Sid: "DenyAllPuts", Effect: "Deny", Principal: "*", Action: "s3:PutObject", Resource: `arn:aws:s3:::${BUCKET}/*` };
        f.bucketPolicy = policyDocument([...f.bucketPolicy!.Statement, deny]);
        const r = runChecks(f)[3];
        assert.strictEqual(r.status, "fail");
        assert.match(r.detail[0], /explicitly denied by statement "DenyAllPuts"/);
        assert.deepStrictEqual(r.fix?.statements, [deny]);
    });

    it("warns when a condition cannot be decided", () => {
        const f = good();
        f.bucketPolicy = exportBucketPolicy({ bucket: BUCKET, region: REGION, sourceOrgId: "o-abcdef1234" });
        assert.deepStrictEqual(statuses(f).slice(2, 4), ["warn", "warn"]);
    });

    it("checks the prefix: a policy for one prefix does not cover any key (a warning naming the prefix), but covers --prefix", () => {
        const f = good();
        f.bucketPolicy = exportBucketPolicy({ bucket: BUCKET, region: REGION, sourceAccounts: [A1], prefixes: ["random-string"] });
        const anyKey = runChecks(f)[3];
        assert.strictEqual(anyKey.status, "warn");
        assert.match(anyKey.title, /s3:PutObject only under random-string\/ /);
        assert.strictEqual(anyKey.fix?.text, "export with --prefix random-string, and pass the same --prefix to doctor to check that prefix");
        assert.strictEqual(runChecks({ ...f, prefix: "random-string" })[3].status, "ok");
        assert.strictEqual(runChecks({ ...f, prefix: "other" })[3].status, "fail");
    });

    it("requires both spellings of a log group ARN when --log-group names one", () => {
        const f = { ...good(), logGroupName: "g1" };
        assert.strictEqual(runChecks(f)[3].status, "ok");
        f.bucketPolicy = policyDocument(f.bucketPolicy!.Statement.map(s => s.Condition?.ArnLike === undefined ? s
            : { ...s, Condition: { ...s.Condition, ArnLike: { "aws:SourceArn": `arn:aws:logs:${REGION}:${A1}:log-group:g1` } } }));
        const r = runChecks(f)[4];
        assert.strictEqual(r.status, "fail");
        assert.match(r.detail[0], /both spellings/);
    });

    it("fails a key policy without the logs statement, and a cross-account caller the policies do not name", () => {
        const f = good();
        f.encryption = { kind: "aws:kms", keyId: KEY, key: { arn: KEY, keyManager: "CUSTOMER", aliases: [], policy: policyDocument(exportKeyStatements({ region: REGION, account: A1 }).slice(0, 1)) } };
        const key = runChecks(f)[4];
        assert.strictEqual(key.status, "fail");
        assert.deepStrictEqual(key.fix?.statements, exportKeyStatements({ region: REGION, account: A1 }).filter(s => s.Sid === EXPORT_KEY_SIDS.logsService));

        const caller = "arn:aws:iam::222222222222:role/Exporter";
        const cross = { ...good(), callerArn: caller, sourceAccount: "222222222222" };
        const r = runChecks(cross);
        assert.deepStrictEqual(r.map(x => `${x.status} ${x.title.split(" ").slice(0, 4).join(" ")}`).slice(2), [
            "fail bucket policy allows logs.us-east-1.amazonaws.com",
            "fail bucket policy allows logs.us-east-1.amazonaws.com",
            "ok key policy allows logs.us-east-1.amazonaws.com",
            "fail bucket policy allows caller",
            "fail key policy allows caller",
        ]);
        assert.strictEqual(r[5].fix?.statements?.[0].Sid, EXPORT_BUCKET_SIDS.callerPutObject);
        assert.strictEqual(r[6].fix?.statements?.[0].Sid, EXPORT_KEY_SIDS.callers);
    });

    it("fails DSSE-KMS, AWS managed keys (by KeyManager or alias/aws/*) and a region mismatch", () => {
        assert.strictEqual(runChecks({ ...good(), encryption: { kind: "aws:kms:dsse", keyId: KEY } })[1].status, "fail");
        assert.strictEqual(runChecks({ ...good(), encryption: { kind: "aws:kms" } })[1].status, "fail");
        assert.strictEqual(runChecks({ ...good(), encryption: { kind: "aws:kms", keyId: "alias/aws/s3" } })[1].status, "fail");
        assert.strictEqual(runChecks({ ...good(), encryption: { kind: "aws:kms", keyId: KEY, key: { arn: KEY, keyManager: "AWS", aliases: [] } } })[1].status, "fail");
        assert.strictEqual(runChecks({ ...good(), encryption: { kind: "aws:kms", keyId: KEY, key: { arn: KEY, keyManager: "CUSTOMER", aliases: ["alias/aws/s3"] } } })[1].status, "fail");
        assert.strictEqual(runChecks({ ...good(), encryption: { kind: "AES256" } })[1].status, "ok");
        const wrong = runChecks({ ...good(), bucketRegion: "eu-west-1" })[0];
        assert.strictEqual(wrong.status, "fail");
        assert.match(wrong.detail[0], /bucket is in eu-west-1 but the log groups are in us-east-1/);
    });
});

describe("doctor: prefixes a bucket policy is scoped to", () => {
    it("lists the object prefixes Allow statements name, without wildcard prefixes or Deny statements", () => {
        const doc = policyDocument([
            ...exportBucketStatements({ bucket: BUCKET, region: REGION, sourceAccounts: [A1], prefixes: ["exports", "a/b"], denyInsecureTransport: false }),
            { Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: [`arn:aws:s3:::${BUCKET}/pub*/*`, `arn:aws:s3:::other/x/*`] },
            { Effect: "Deny", Principal: "*", Action: "s3:PutObject", Resource: `arn:aws:s3:::${BUCKET}/denied/*` },
        ]);
        assert.deepStrictEqual(policyPrefixes(doc, `arn:aws:s3:::${BUCKET}`), ["exports", "a/b"]);
        assert.deepStrictEqual(policyPrefixes(undefined, `arn:aws:s3:::${BUCKET}`), []);
    });
});
