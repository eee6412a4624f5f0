/**
 * examples/cross-account-export under mocks, both halves in one test: the archive program runs as
 * account B, its stack outputs become what the workload program's StackReference reads as account
 * A, and (source role first) the workload's outputs are what the archive's StackReference reads.
 * The policies each side writes are then evaluated together with @cloud-copilot/iam-simulate.
 *
 * Seed 003 ("Exportation intercomptes"): step 2 the caller's S3/KMS statements, step 3 the bucket
 * policy with the caller statement, step 4 the key policy's "Enable IAM Role Permissions".
 */
import * as assert from "assert";
import { InstalledMocks, installMocks, Recorded } from "../support/mocks";
import { runProgram, settled, loadProgram } from "../support/programs";
import { decide } from "../support/simulate";
import type { PolicyDocument, PolicyStatement } from "../../policies";

const A = "111111111111";
const B = "222222222222";
const C = "333333333333";
const REGION = "us-east-1";
const PREFIX = "exports-7f3a9c";
const ARCHIVE = "cwlogs-export-archive";
const WORKLOAD = "cwlogs-export-workload";
const ARCHIVE_STACK = `acme/${ARCHIVE}/dev`;
const WORKLOAD_STACK = `acme/${WORKLOAD}/dev`;

/** IAM roles get the ARN and name AWS would give them, in the mocks' account. */
function state(account: string) {
    return (r: { type: string; name: string; inputs: Record<string, unknown> }): Record<string, unknown> | undefined => {
        if (r.type === "aws:iam/role:Role") {
            const name = (r.inputs.name as string | undefined) ?? `${r.name}-1a2b3c4`;
            return { name, arn: `arn:aws:iam::${account}:role/${name}` };
        }
        return undefined;
    };
}

function mocks(account: string, project: string, stackOutputs: Record<string, Record<string, unknown>> = {}): InstalledMocks {
    return installMocks({ accountId: account, region: REGION, project, stack: "dev", state: state(account), stackOutputs });
}

const workloadConfig = (phase: "role" | "export") => ({
    phase, archiveStack: ARCHIVE_STACK, logGroupNames: ["my-log-group"],
    exportFrom: "2025-01-01T00:00:00Z", exportTo: "2025-01-02T00:00:00Z",
});

function policyOf(r: Recorded, input: string): PolicyDocument {
    return JSON.parse(r.inputs[input] as string) as PolicyDocument;
}

function sid(doc: PolicyDocument, id: string): PolicyStatement {
    const s = doc.Statement.find(x => x.Sid === id);
    assert.ok(s, `no statement ${id} in ${JSON.stringify(doc)}`);
    return s;
}

/** What both accounts' policies allow together, for one request. */
interface Deployed {
    bucket: string;
    keyArn: string;
    bucketPolicy: PolicyDocument;
    keyPolicy: PolicyDocument;
    callerPolicy: PolicyDocument;
    callerRoleArn: string;
}

const acl = { "s3:x-amz-acl": "bucket-owner-full-control" };

function put(d: Deployed, principal: string, identity: PolicyDocument[], key = `${PREFIX}/task-1/my-stream/000000.gz`, context: Record<string, string> = acl) {
    return decide({
        principal, action: "s3:PutObject", resource: `arn:aws:s3:::${d.bucket}/${key}`, resourceAccount: B,
        resourcePolicy: d.bucketPolicy, identityPolicies: identity, context,
    });
}

function useKey(d: Deployed, principal: string, identity: PolicyDocument[], action = "kms:GenerateDataKey") {
    return decide({ principal, action, resource: d.keyArn, resourceAccount: B, resourcePolicy: d.keyPolicy, identityPolicies: identity });
}

/** CloudWatch Logs itself writing an export of `account`'s log group (seed 003's confused-deputy keys). */
function logsPut(d: Deployed, account: string) {
    return decide({
        principal: `logs.${REGION}.amazonaws.com`, action: "s3:PutObject", resource: `arn:aws:s3:::${d.bucket}/${PREFIX}/t/s/000000.gz`,
        resourceAccount: B, resourcePolicy: d.bucketPolicy,
        context: { ...acl, "aws:SourceAccount": account, "aws:SourceArn": `arn:aws:logs:${REGION}:${account}:log-group:my-log-group` },
    });
}

describe("examples/cross-account-export: archive (B) and workload (A) through stack references (mocks)", function () {
    this.timeout(60_000);

    describe("account-wide principal: archive first, then workload", () => {
        let archive: Record<string, unknown>;
        let workload: Record<string, unknown>;
        let b: InstalledMocks;
        let a: InstalledMocks;
        let d: Deployed;

        before(async () => {
            b = mocks(B, ARCHIVE);
            archive = await runProgram(b, "cross-account-export/archive", ARCHIVE, {
                workloadAccountIds: [A], prefix: PREFIX, callerPrincipal: "account",
            });
            a = mocks(A, WORKLOAD, { [ARCHIVE_STACK]: archive });
            workload = await runProgram(a, "cross-account-export/workload", WORKLOAD, workloadConfig("export"));
            d = {
                bucket: archive.bucketName as string, keyArn: archive.kmsKeyArn as string,
                bucketPolicy: policyOf(b.named("archive-policy"), "policy"), keyPolicy: policyOf(b.named("archive-key"), "policy"),
                callerPolicy: policyOf(a.named("workload-caller-export-policy"), "policy"), callerRoleArn: workload.callerRoleArn as string,
            };
        });

        it("the archive exports what the workload reads: bucket, key, region, prefix, account", () => {
            assert.deepStrictEqual(Object.keys(archive).sort(),
                ["accountId", "bucketArn", "bucketName", "callerPrincipalArns", "kmsKeyArn", "prefix", "region"]);
            assert.strictEqual(archive.accountId, B);
            assert.strictEqual(archive.region, REGION);
            assert.strictEqual(archive.prefix, PREFIX);
            assert.strictEqual(archive.bucketArn, `arn:aws:s3:::${archive.bucketName}`);
            assert.match(archive.kmsKeyArn as string, new RegExp(`^arn:aws:kms:${REGION}:${B}:key/`));
            assert.deepStrictEqual(archive.callerPrincipalArns, [`arn:aws:iam::${A}:root`]);
        });

        it("the workload reads the archive stack by the configured name, and its ExportTask targets B's bucket and prefix as A's caller role", () => {
            const refs = a.resources.filter(r => r.type === "pulumi:pulumi:StackReference");
            assert.deepStrictEqual(refs.map(r => [r.name, r.read]), [[ARCHIVE_STACK, true]]);
            const task = a.named("workload-export-my-log-group");
            assert.strictEqual(task.type, "pulumi-nodejs:dynamic/cwlogs:ExportTask");
            assert.strictEqual(task.inputs.destination, archive.bucketName);
            assert.strictEqual(task.inputs.destinationPrefix, PREFIX);
            assert.strictEqual(task.inputs.logGroupName, "my-log-group");
            assert.strictEqual(task.inputs.region, REGION);
            assert.match(workload.callerRoleArn as string, new RegExp(`^arn:aws:iam::${A}:role/`));
            assert.strictEqual(task.inputs.roleArn, workload.callerRoleArn);
            assert.ok(task.dependencies.includes(a.named("workload-caller-export-policy").urn), "the export waits for the role's policy");
            assert.deepStrictEqual(workload.callerRoleArns, [workload.callerRoleArn]);
            assert.strictEqual(workload.accountId, A);
        });

        it("A's caller role policy names B's bucket under B's prefix and B's key (seed 003, step 2)", () => {
            assert.strictEqual(sid(d.callerPolicy, "ExportDestinationPutObject").Resource, `arn:aws:s3:::${d.bucket}/${PREFIX}/*`);
            assert.strictEqual(sid(d.callerPolicy, "ExportDestinationKmsKey").Resource, d.keyArn);
            const trust = policyOf(a.named("workload-caller-role"), "assumeRolePolicy");
            assert.deepStrictEqual(trust.Statement[0].Principal, { AWS: `arn:aws:iam::${A}:root` }, "the deploying account may assume it");
        });

        it("B's bucket and key policies name A's account: as source account, log group owner and caller (seed 003, steps 3-4)", () => {
            const logsPutStatement = sid(d.bucketPolicy, "AllowCloudWatchLogsPutObject");
            assert.deepStrictEqual(logsPutStatement.Condition?.StringEquals?.["aws:SourceAccount"], [A]);
            assert.deepStrictEqual(logsPutStatement.Condition?.ArnLike?.["aws:SourceArn"], [`arn:aws:logs:${REGION}:${A}:log-group:*`]);
            assert.strictEqual(logsPutStatement.Resource, `arn:aws:s3:::${d.bucket}/${PREFIX}/*`);
            const caller = sid(d.bucketPolicy, "AllowCrossAccountCallerPutObject");
            assert.deepStrictEqual(caller.Principal, { AWS: `arn:aws:iam::${A}:root` });
            assert.deepStrictEqual(caller.Condition, { StringEquals: acl }, "seed 003's condition only");
            assert.deepStrictEqual(sid(d.keyPolicy, "Enable IAM Role Permissions").Principal, { AWS: `arn:aws:iam::${A}:root` });
        });

        it("by evaluation: A's caller role writes under B's prefix with the ACL header and uses B's key; A's other roles do not", async () => {
            const role = d.callerRoleArn;
            assert.strictEqual(await put(d, role, [d.callerPolicy]), "Allowed");
            assert.strictEqual(await put(d, role, [d.callerPolicy], undefined, {}), "ImplicitlyDenied", "without the ACL header");
            assert.strictEqual(await put(d, role, [d.callerPolicy], "elsewhere/x.gz"), "ImplicitlyDenied", "outside B's prefix");
            assert.strictEqual(await useKey(d, role, [d.callerPolicy]), "Allowed");
            assert.strictEqual(await useKey(d, role, [d.callerPolicy], "kms:Decrypt"), "Allowed");
            const other = `arn:aws:iam::${A}:role/another`;
            assert.strictEqual(await put(d, other, []), "ImplicitlyDenied");
            assert.strictEqual(await useKey(d, other, []), "ImplicitlyDenied");
            // The account-wide principal delegates to A's IAM: a role of A given the same policy would
            // be allowed. That is the trade-off of this order; callerPrincipal=role removes it.
            assert.strictEqual(await put(d, other, [d.callerPolicy]), "Allowed");
        });

        it("by evaluation: CloudWatch Logs may write exports of A's log groups, not of a third account C's", async () => {
            assert.strictEqual(await logsPut(d, A), "Allowed");
            assert.strictEqual(await logsPut(d, C), "ImplicitlyDenied");
            assert.strictEqual(await decide({
                principal: `logs.${REGION}.amazonaws.com`, action: "s3:GetBucketAcl", resource: `arn:aws:s3:::${d.bucket}`, resourceAccount: B,
                resourcePolicy: d.bucketPolicy, context: { "aws:SourceAccount": C, "aws:SourceArn": `arn:aws:logs:${REGION}:${C}:log-group:x` },
            }), "ImplicitlyDenied");
        });
    });

    describe("source role first: workload (phase role), archive (callerPrincipal role), workload (phase export)", () => {
        let first: Record<string, unknown>;
        let archive: Record<string, unknown>;
        let workload: Record<string, unknown>;
        let a1: InstalledMocks;
        let b: InstalledMocks;
        let a2: InstalledMocks;
        let d: Deployed;

        before(async () => {
            a1 = mocks(A, WORKLOAD);
            first = await runProgram(a1, "cross-account-export/workload", WORKLOAD, workloadConfig("role"));
            b = mocks(B, ARCHIVE, { [WORKLOAD_STACK]: first });
            archive = await runProgram(b, "cross-account-export/archive", ARCHIVE, {
                workloadAccountIds: [A], prefix: PREFIX, callerPrincipal: "role", workloadStacks: [WORKLOAD_STACK],
            });
            a2 = mocks(A, WORKLOAD, { [ARCHIVE_STACK]: archive });
            workload = await runProgram(a2, "cross-account-export/workload", WORKLOAD, workloadConfig("export"));
            d = {
                bucket: archive.bucketName as string, keyArn: archive.kmsKeyArn as string,
                bucketPolicy: policyOf(b.named("archive-policy"), "policy"), keyPolicy: policyOf(b.named("archive-key"), "policy"),
                callerPolicy: policyOf(a2.named("workload-caller-export-policy"), "policy"), callerRoleArn: workload.callerRoleArn as string,
            };
        });

        it("phase role creates only the caller role, without reading the archive stack", () => {
            assert.deepStrictEqual(a1.resources.filter(r => r.type === "pulumi:pulumi:StackReference"), []);
            assert.deepStrictEqual(a1.ofType("pulumi-nodejs:dynamic/cwlogs:ExportTask"), []);
            const policy = policyOf(a1.named("workload-caller-export-policy"), "policy");
            assert.deepStrictEqual(policy.Statement.map(s => s.Sid), ["CloudWatchLogsExportLogGroups", "CloudWatchLogsExportTasks"]);
            assert.match(first.callerRoleArn as string, new RegExp(`^arn:aws:iam::${A}:role/`));
        });

        it("the archive reads the workload stack's callerRoleArns and names exactly that role in its bucket and key policies", () => {
            assert.deepStrictEqual(b.resources.filter(r => r.type === "pulumi:pulumi:StackReference").map(r => r.name), [WORKLOAD_STACK]);
            assert.deepStrictEqual(sid(d.bucketPolicy, "AllowCrossAccountCallerPutObject").Principal, { AWS: first.callerRoleArn });
            assert.deepStrictEqual(sid(d.keyPolicy, "Enable IAM Role Permissions").Principal, { AWS: first.callerRoleArn });
            assert.deepStrictEqual(sid(d.bucketPolicy, "AllowCloudWatchLogsPutObject").Condition?.StringEquals?.["aws:SourceAccount"], [A]);
        });

        it("phase export keeps the same role and adds B's bucket, prefix and key to it, and the ExportTask as that role", () => {
            assert.strictEqual(workload.callerRoleArn, first.callerRoleArn, "the role the archive names");
            const task = a2.named("workload-export-my-log-group");
            assert.strictEqual(task.inputs.destination, d.bucket);
            assert.strictEqual(task.inputs.destinationPrefix, PREFIX);
            assert.strictEqual(task.inputs.roleArn, first.callerRoleArn);
            assert.strictEqual(sid(d.callerPolicy, "ExportDestinationKmsKey").Resource, d.keyArn);
        });

        it("by evaluation: only A's caller role may write and use the key, even against another role of A with the same policy", async () => {
            assert.strictEqual(await put(d, d.callerRoleArn, [d.callerPolicy]), "Allowed");
            assert.strictEqual(await useKey(d, d.callerRoleArn, [d.callerPolicy]), "Allowed");
            const other = `arn:aws:iam::${A}:role/another`;
            assert.strictEqual(await put(d, other, [d.callerPolicy]), "ImplicitlyDenied");
            assert.strictEqual(await useKey(d, other, [d.callerPolicy]), "ImplicitlyDenied");
            assert.strictEqual(await logsPut(d, C), "ImplicitlyDenied");
            assert.strictEqual(await logsPut(d, A), "Allowed");
        });
    });

    describe("bad input across the stacks", () => {
        it("an archive output that is missing: the error names the stack and the output", async () => {
            const { kmsKeyArn: _dropped, ...withoutKey } = {
                bucketName: "archive-abc1234", bucketArn: "arn:aws:s3:::archive-abc1234", kmsKeyArn: "x", region: REGION, prefix: PREFIX, accountId: B,
            };
            const m = mocks(A, WORKLOAD, { [ARCHIVE_STACK]: withoutKey });
            const program = loadProgram("cross-account-export/workload", WORKLOAD, workloadConfig("export"));
            await assert.rejects(settled(program.callerPolicyJson as never), (e: Error) => {
                assert.ok(e.message.endsWith(`Stack "${ARCHIVE_STACK}" has no output "kmsKeyArn" (its outputs: accountId, bucketArn, bucketName, prefix, region): ` +
                    `run \`pulumi up\` in that stack first, or check the stack name and that its program exports "kmsKeyArn".`), e.message);
                return true;
            });
            await m.settled();
            assert.deepStrictEqual(m.ofType("aws:iam/rolePolicy:RolePolicy"), [], "no policy written");
        });

        it("an archive in another region than the workload: refused before the role's policy or the export", async () => {
            const m = mocks(A, WORKLOAD, { [ARCHIVE_STACK]: {
                bucketName: "archive-abc1234", kmsKeyArn: `arn:aws:kms:eu-west-1:${B}:key/abcd`, region: "eu-west-1", prefix: PREFIX, accountId: B,
            } });
            const program = loadProgram("cross-account-export/workload", WORKLOAD, workloadConfig("export"));
            await assert.rejects(settled(program.callerPolicyJson as never), (e: Error) => {
                assert.ok(e.message.endsWith(
                    '[destinationRegion] the destination bucket is in "eu-west-1" but the log groups are in "us-east-1": CloudWatch Logs only exports ' +
                    'to a bucket in the log group\'s region (CloudWatch Logs User Guide, S3ExportTasks.html). Deploy the source side to "eu-west-1" (its provider\'s region or [region]), ' +
                    'or export to a bucket in "us-east-1".'), e.message);
                return true;
            });
            await m.settled();
            assert.deepStrictEqual(m.ofType("aws:iam/rolePolicy:RolePolicy"), []);
            assert.deepStrictEqual(m.ofType("pulumi-nodejs:dynamic/cwlogs:ExportTask"), []);
        });

        it("a workload stack whose caller role is in an account the archive does not list", async () => {
            const stray = `arn:aws:iam::${C}:role/caller`;
            const m = mocks(B, ARCHIVE, { [WORKLOAD_STACK]: { callerRoleArns: [stray] } });
            const program = loadProgram("cross-account-export/archive", ARCHIVE, {
                workloadAccountIds: [A], prefix: PREFIX, callerPrincipal: "role", workloadStacks: [WORKLOAD_STACK],
            });
            await assert.rejects(settled(program.callerPrincipalArns as never), (e: Error) => {
                assert.strictEqual(e.message, `Output "callerRoleArns" of stack "${WORKLOAD_STACK}" is not usable (item 0): ` +
                    `the role "${stray}" is in account ${C}, which is not in [workloadAccountIds] (${A}): add ${C} to workloadAccountIds, ` +
                    "or point [workloadStacks] at that account's workload stack.");
                return true;
            });
            await m.settled();
            assert.deepStrictEqual(m.ofType("aws:s3/bucketPolicy:BucketPolicy"), []);
        });

        it("malformed account IDs and modes in config fail before anything is created, naming the key", () => {
            mocks(B, ARCHIVE);
            assert.throws(() => loadProgram("cross-account-export/archive", ARCHIVE, { workloadAccountIds: ["1111"], callerPrincipal: "account" }),
                { message: '[workloadAccountIds[0]] "1111" is not an AWS account ID: use the 12-digit account number, e.g. "111122223333".' });
            // `pulumi config set --path` stores digits as a number: a leading zero would be lost.
            assert.throws(() => loadProgram("cross-account-export/archive", ARCHIVE, { workloadAccountIds: [12345678901], callerPrincipal: "account" }),
                { message: "[workloadAccountIds[0]] 12345678901 was stored as a number, which drops an account ID's leading zeros: set it as a string, " +
                    "`pulumi config set --path 'workloadAccountIds[0]' <12-digit ID> --type string`." });
            assert.throws(() => loadProgram("cross-account-export/archive", ARCHIVE, { workloadAccountIds: [A], callerPrincipal: "everyone" }),
                { message: '[callerPrincipal] "everyone" is not a caller principal: use "role" (the workload stacks\' caller roles, deployed first) ' +
                    'or "account" (the workload accounts, this stack first).' });
            mocks(A, WORKLOAD);
            assert.throws(() => loadProgram("cross-account-export/workload", WORKLOAD, { ...workloadConfig("export"), phase: "later" }),
                { message: '[phase] "later" is not a phase: use "role" (only the caller role, for the archive to name) or "export" (permissions on the archive and the exports).' });
            assert.throws(() => loadProgram("cross-account-export/workload", WORKLOAD, { ...workloadConfig("role"), scheduledExport: true }),
                { message: '[scheduledExport] the scheduled export writes into the archive\'s bucket, which the "role" phase does not read yet: ' +
                    'set it after the archive stack is up, with phase "export" (`pulumi config set phase export`).' });
        });
    });
});
