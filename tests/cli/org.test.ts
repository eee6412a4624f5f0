/**
 * `cwlogs-export export` over many accounts (issue 13, "Many accounts in one run"): an organization
 * in moto (CreateOrganization, CreateAccount), each member reached by STS AssumeRole (moto acts in
 * the role's account), behind the test proxy holding tasks RUNNING with AWS's one-active-task
 * limit per account. In-process through cli/main.ts's main(); as a child process where a kill or a
 * Ctrl-C is what is tested.
 */
import { CreateLogGroupCommand, CreateLogStreamCommand, PutLogEventsCommand } from "@aws-sdk/client-cloudwatch-logs";
import { CreateAccountCommand, CreateOrganizationCommand, ListAccountsCommand, OrganizationsClient } from "@aws-sdk/client-organizations";
import { CreateBucketCommand } from "@aws-sdk/client-s3";
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { BackfillState, loadState } from "../../cli/export/state";
import { runCli, spawnCli } from "../support/cli";
import { replaceEnv } from "../support/env";
import { assumeRole, fixtures } from "../support/exportFixtures";
import { MOTO_ACCOUNT, Moto, startMoto } from "../support/moto";
import { Proxy, startProxy } from "../support/proxy";

const REGION = "us-east-1";
const BUCKET = "org-exports";
const ROLE = "OrganizationAccountAccessRole";
const H = 3_600_000;
const DAY0 = Math.floor(Date.now() / (24 * H)) * 24 * H - 24 * H;
const GROUPS = ["/app/web", "/app/api"];

const iso = (ms: number): string => new Date(ms).toISOString();
const sleep = (ms: number): Promise<void> => new Promise(r => setTimeout(r, ms));
const roleOf = (account: string): string => `arn:aws:iam::${account}:role/${ROLE}`;

interface SummaryJson {
    mode: string;
    accounts: { account: string; status: string; error: string | null; stateFile: string | null; tasks: { created: number; adopted: number } | null;
        plan: { toCreate: number; toAdopt: number; done: number } | null; logGroups: string[]; failedChunks: { message: string }[] }[];
    totals: { accounts: number; accountsFailed: number; tasksCreated: number; tasksAdopted: number; chunks: number; completed: number };
    interrupted: boolean;
}

describe("cwlogs-export export over many accounts (moto Organizations + STS, proxy with a per-account task limit)", function () {
    this.timeout(90_000);
    let moto: Moto;
    let proxy: Proxy;
    let dir: string;
    let members: string[];
    let restoreEnv: () => void = () => undefined;

    before(async () => {
        moto = await startMoto();
        proxy = await startProxy(moto.endpoint, { holdMs: 300, limitPerAccount: true });
        restoreEnv = replaceEnv({ ...moto.env(REGION), AWS_ENDPOINT_URL: proxy.endpoint });
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "cwlogs-org-"));
        const org = new OrganizationsClient({ endpoint: moto.endpoint, region: REGION, credentials: moto.credentials });
        await org.send(new CreateOrganizationCommand({ FeatureSet: "ALL" }));
        for (const name of ["dev", "stage", "prod"]) {
            await org.send(new CreateAccountCommand({ AccountName: name, Email: `${name}@example.com` }));
        }
        const listed = await org.send(new ListAccountsCommand({}));
        members = (listed.Accounts ?? []).map(a => a.Id as string).filter(id => id !== MOTO_ACCOUNT).sort();
        assert.strictEqual(members.length, 3);
        // One central bucket in the management account (moto lets every account write to it).
        await fixtures(moto.endpoint, moto.credentials).s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
        for (const account of [MOTO_ACCOUNT, ...members]) {
            const creds = account === MOTO_ACCOUNT ? moto.credentials : await assumeRole(moto.endpoint, moto.credentials, roleOf(account));
            const f = fixtures(moto.endpoint, creds);
            for (const g of GROUPS) {
                await f.logs.send(new CreateLogGroupCommand({ logGroupName: g }));
                await f.logs.send(new CreateLogStreamCommand({ logGroupName: g, logStreamName: "s" }));
                await f.logs.send(new PutLogEventsCommand({
                    logGroupName: g, logStreamName: "s",
                    logEvents: Array.from({ length: 8 }, (_, k) => ({ timestamp: DAY0 + k * 30 * 60_000, message: `${account} ${g} ${k}` })),
                }));
            }
        }
    });
    beforeEach(() => {
        proxy.clear();
        proxy.options.holdMs = 300;
    });
    after(async () => {
        restoreEnv();
        fs.rmSync(dir, { recursive: true, force: true });
        await proxy?.stop();
        await moto?.stop();
    });

    const args = (name: string, hours: number, ...extra: string[]): string[] => [
        "export", "--log-group-pattern", "/app/*", "--from", iso(DAY0), "--to", iso(DAY0 + hours * H), "--bucket", BUCKET,
        "--prefix", name, "--chunk", "hour", "--state", path.join(dir, `${name}.json`), ...extra,
    ];
    const stateOf = (name: string, account: string): BackfillState | undefined => {
        // The checkpoint is a snapshot plus its journal: read it as the command does.
        try {
            return loadState(path.join(dir, `${name}.${account}.json`));
        } catch {
            return undefined;
        }
    };
    /** CreateExportTask calls forwarded to moto, per account and task name. */
    const createsPer = (): Record<string, number> => {
        const n: Record<string, number> = {};
        for (const c of proxy.created) {
            n[`${c.account} ${c.taskName}`] = (n[`${c.account} ${c.taskName}`] ?? 0) + 1;
        }
        return n;
    };

    async function until<T>(what: string, fn: () => T | undefined, timeoutMs = 30_000): Promise<T> {
        const deadline = Date.now() + timeoutMs;
        for (;;) {
            const v = fn();
            if (v !== undefined) {
                return v;
            }
            if (Date.now() > deadline) {
                throw new Error(`timed out waiting for ${what}`);
            }
            await sleep(50);
        }
    }

    it("--org-role-name runs every account of the organization side by side, never two tasks at once in one account", async () => {
        const r = await runCli(...args("org", 3, "--org-role-name", ROLE, "--json"));
        assert.strictEqual(r.code, 0, r.stderr);
        const out = JSON.parse(r.stdout) as SummaryJson;
        const all = [MOTO_ACCOUNT, ...members].sort();
        assert.deepStrictEqual(out.accounts.map(a => a.account), all);
        assert.deepStrictEqual(out.accounts.map(a => a.status), all.map(() => "completed"));
        assert.deepStrictEqual(out.accounts.map(a => a.logGroups), all.map(() => ["/app/api", "/app/web"]));
        assert.strictEqual(out.totals.tasksCreated, 4 * 2 * 3);
        // AWS's limit is one active task per account: the proxy refuses a second, and none was tried.
        assert.deepStrictEqual(proxy.maxActiveByAccount, Object.fromEntries(all.map(a => [a, 1])));
        assert.strictEqual(proxy.limitRejections, 0);
        assert.ok(proxy.maxActive >= 2, `accounts overlap: at most ${proxy.maxActive} task(s) were active at once over all accounts`);
        // Every account's tasks were created in that account, each chunk once.
        assert.deepStrictEqual(Object.values(createsPer()).filter(n => n !== 1), []);
        assert.deepStrictEqual(all.map(a => proxy.created.filter(c => c.account === a).length), all.map(() => 6));
        // One checkpoint per account beside --state; the management account runs with the caller's credentials.
        for (const a of all) {
            assert.ok(stateOf("org", a)?.chunks.every(c => c.status === "completed"), `${a}'s checkpoint`);
            assert.strictEqual(out.accounts.find(x => x.account === a)?.stateFile, path.join(dir, `org.${a}.json`));
        }
        assert.strictEqual(stateOf("org", MOTO_ACCOUNT)?.job.roleArn, undefined);
        assert.strictEqual(stateOf("org", members[0])?.job.roleArn, roleOf(members[0]));
    });

    it("an account whose role cannot be assumed is reported, the others complete, exit 1", async () => {
        const denied = members[1];
        proxy.denyAssumeRole(roleOf(denied));
        const r = await runCli(...args("denied", 2, "--org-role-name", ROLE, "--exclude-accounts", MOTO_ACCOUNT));
        assert.strictEqual(r.code, 1, r.stderr);
        assert.match(r.stdout, new RegExp(`^  ${denied}  FAILED: \\[--org-role-name\\] cannot assume ${roleOf(denied)} \\(AccessDenied: `, "m"));
        for (const a of [members[0], members[2]]) {
            assert.match(r.stdout, new RegExp(`^  ${a}  2 log groups, chunks 4: 4 completed \\(4 in this run, 0 before\\)`, "m"));
        }
        assert.match(r.stdout, /^  accounts    2 of 3 ran, 1 failed before exporting/m);
        assert.match(r.stdout, new RegExp(`^  ${MOTO_ACCOUNT}  not run \\(--exclude-accounts\\)`, "m"));
        assert.match(r.stderr, new RegExp(`1 account could not run \\(${denied}\\): fix that and rerun the same command to try it again\\.\\n$`));
        assert.strictEqual(proxy.created.filter(c => c.account === denied).length, 0);
        assert.strictEqual(proxy.created.length, 8);
    });

    it("an account whose CreateExportTask is refused (no bucket-policy grant) stops alone; the other completes, exit 1", async () => {
        proxy.inject("CreateExportTask", "bucket-acl-denied");
        const r = await runCli(...args("refused", 2, "--role-arn", roleOf(members[0]), "--role-arn", roleOf(members[1]), "--json"));
        assert.strictEqual(r.code, 1, r.stderr);
        const out = JSON.parse(r.stdout) as SummaryJson;
        const refused = out.accounts.find(a => a.status === "failed");
        const other = out.accounts.find(a => a.status === "completed");
        assert.ok(refused !== undefined && other !== undefined, r.stdout);
        assert.match(refused.failedChunks[0].message, /GetBucketAcl call on the given bucket failed/);
        assert.deepStrictEqual(other.tasks, { created: 4, adopted: 0 });
        assert.ok(r.stderr.endsWith(`cwlogs-export: CreateExportTask was refused in ${refused.account} (\`cwlogs-export doctor --bucket ${BUCKET} --log-group /app/api ` +
            `--role-arn ${roleOf(refused.account)}\` checks its set-up); 1 chunk failed (listed above): fix that and rerun the same command to try it again.\n`), r.stderr);
    });

    it("after a SIGKILL, a rerun over the same accounts adopts each account's running task: no duplicate", async () => {
        proxy.options.holdMs = 3000;
        const roles = ["--role-arn", roleOf(members[0]), "--role-arn", roleOf(members[2])];
        const run = spawnCli(args("killed", 2, ...roles));
        const running = await until("a running task in both accounts", () => {
            const ids = [members[0], members[2]].map(a => stateOf("killed", a)?.chunks.find(c => c.status === "running")?.taskId);
            return ids.every(id => id !== undefined) ? ids : undefined;
        });
        run.child.kill("SIGKILL");
        await run.exit;
        assert.strictEqual(proxy.active(), 2, "the killed run's tasks still run, one per account");

        proxy.options.holdMs = 200;
        const r = await runCli(...args("killed", 2, ...roles, "--json"));
        assert.strictEqual(r.code, 0, r.stderr);
        const out = JSON.parse(r.stdout) as SummaryJson;
        assert.ok(out.totals.tasksAdopted >= 2, `adopted ${out.totals.tasksAdopted}`);
        for (const [i, a] of [members[0], members[2]].entries()) {
            const chunk = stateOf("killed", a)?.chunks.find(c => c.taskId === running[i]);
            assert.strictEqual(chunk?.adopted, true, `${a}: the killed run's task ${running[i]} is adopted`);
            assert.strictEqual(chunk?.status, "completed");
            assert.match(r.stderr, new RegExp(`^\\[${a}\\] Resuming: [0-2] of 4 chunks already exported`, "m"));
        }
        assert.deepStrictEqual(createsPer(), Object.fromEntries(Object.keys(createsPer()).map(k => [k, 1])));
        assert.strictEqual(proxy.created.length, 8, "2 accounts x 2 groups x 2 hours, each created once over both runs");
        assert.deepStrictEqual(proxy.maxActiveByAccount, { [members[0]]: 1, [members[2]]: 1 });
    });

    it("Ctrl-C stops every account and lists each running task with the cancel command that reaches it", async () => {
        proxy.options.holdMs = 10_000;
        const roles = ["--role-arn", roleOf(members[0]), "--role-arn", roleOf(members[1])];
        const run = spawnCli(args("sigint", 2, ...roles));
        const ids = await until("a running task in both accounts", () => {
            const found = [members[0], members[1]].map(a => stateOf("sigint", a)?.chunks.find(c => c.status === "running")?.taskId);
            return found.every(id => id !== undefined) ? found as string[] : undefined;
        });
        run.child.kill("SIGINT");
        assert.strictEqual(await run.exit, 130, run.out.stderr);
        for (const [i, id] of ids.entries()) {
            const a = members[i];
            assert.ok(run.out.stderr.includes(`  ${a}: task ${id} is still RUNNING and finishes on its own; \`cwlogs-export cancel ${id} --role-arn ${roleOf(a)}\` cancels it.`), run.out.stderr);
        }
        assert.match(run.out.stderr, /Rerun the same command to resume \(it adopts the running tasks\)\.\n$/);
        assert.strictEqual(proxy.created.length, 2, "no further chunk started after Ctrl-C");
        assert.strictEqual(proxy.count("CancelExportTask"), 0);

        // status takes the same account options: one table, an ACCOUNT column.
        const status = await runCli("status", "--status-code", "RUNNING", ...roles);
        assert.strictEqual(status.code, 0, status.stderr);
        assert.match(status.stdout, /^ACCOUNT +TASK ID +STATUS/);
        for (const [i, id] of ids.entries()) {
            assert.match(status.stdout, new RegExp(`^${members[i]} +${id} +RUNNING +/app/`, "m"));
        }
        // The printed cancel command reaches the task in its account.
        const printed = new RegExp(`\`cwlogs-export (cancel ${ids[1]} --role-arn \\S+)\``).exec(run.out.stderr)?.[1] as string;
        const cancel = await runCli(...printed.split(" "));
        assert.strictEqual(cancel.code, 0, cancel.stderr);
        assert.strictEqual(proxy.count("CancelExportTask"), 1);
        const after = await runCli("status", ids[1], "--role-arn", roleOf(members[1]));
        assert.match(after.stdout, new RegExp(`^${members[1]} +${ids[1]} +CANCELLED`, "m"));
    });

    it("Ctrl-C before an account's turn (--max-accounts 1) starts nothing in it", async () => {
        proxy.options.holdMs = 10_000;
        const run = spawnCli(args("turns", 1, "--role-arn", roleOf(members[0]), "--role-arn", roleOf(members[2]), "--max-accounts", "1"));
        const id = await until("the first account's task", () => stateOf("turns", members[0])?.chunks.find(c => c.status === "running")?.taskId);
        run.child.kill("SIGINT");
        assert.strictEqual(await run.exit, 130, run.out.stderr);
        assert.match(run.out.stdout, new RegExp(`^  ${members[2]}  not started \\(Ctrl-C came before its turn\\)$`, "m"));
        assert.ok(run.out.stderr.includes(`  ${members[0]}: task ${id} is still RUNNING and finishes on its own;`), run.out.stderr);
        assert.deepStrictEqual(proxy.created.map(c => c.account), [members[0]]);
        assert.strictEqual(stateOf("turns", members[2]), undefined, "no checkpoint for the account that never started");
    });

    it("doctor takes the same account options: one report per account, as that account's CloudWatch Logs", async () => {
        const r = await runCli("doctor", "--bucket", BUCKET, "--log-group", "/app/web", "--org-role-name", ROLE, "--accounts", `${members[0]},${members[2]}`);
        const headers = r.stdout.split("\n").filter(l => l.startsWith("Checking s3://"));
        assert.deepStrictEqual(headers, [members[0], members[2]].map(a => `Checking s3://${BUCKET} as an export destination for CloudWatch Logs of account ${a} in ${REGION}:`), r.stderr);
    });

    it("--dry-run over the organization prints the plan and creates nothing", async () => {
        const r = await runCli(...args("dry", 3, "--org-role-name", ROLE, "--accounts", `${members[0]},${members[1]}`, "--dry-run", "--json"));
        assert.strictEqual(r.code, 0, r.stderr);
        const out = JSON.parse(r.stdout) as SummaryJson;
        assert.strictEqual(out.mode, "dry-run");
        assert.deepStrictEqual(out.accounts.map(a => [a.account, a.status, a.plan]), [members[0], members[1]].map(a => [a, "planned", { toCreate: 6, toAdopt: 0, done: 0 }]));
        assert.strictEqual(proxy.count("CreateExportTask"), 0);
        assert.ok(!fs.existsSync(path.join(dir, `dry.${members[0]}.json`)), "no checkpoint written");
        const text = await runCli(...args("dry", 3, "--org-role-name", ROLE, "--accounts", members[0], "--dry-run"));
        assert.strictEqual(text.code, 0, text.stderr);
        assert.match(text.stdout, new RegExp(`^  account ${members[0]}: 2 log groups, 6 chunks: 6 tasks to create, 0 running to adopt or wait for, 0 already done`, "m"));
        assert.match(text.stdout, /^Total: 6 export tasks to create\. Run the same command without --dry-run to export\.$/m);
        assert.strictEqual(proxy.count("CreateExportTask"), 0);
    });

    for (const [what, extra, flag, message] of [
        ["--max-accounts 0", ["--role-arn", roleOf("111111111111"), "--max-accounts", "0"], "--max-accounts", /"0" is not a number of accounts/],
        ["an account ID of 4 digits in --accounts", ["--org-role-name", ROLE, "--accounts", "1234"], "--accounts", /"1234" is not an AWS account ID/],
        ["--accounts without a list of accounts", ["--accounts", "111111111111"], "--accounts", /filters the accounts of --org-role-name/],
        ["--org-role-name with --role-arn", ["--org-role-name", ROLE, "--role-arn", roleOf("111111111111")], "--org-role-name", /and --role-arn both/],
        ["a role ARN as --org-role-name", ["--org-role-name", roleOf("111111111111")], "--org-role-name", /is not an IAM role name/],
        ["a missing --accounts-file", ["--accounts-file", "/nonexistent/accounts.txt"], "--accounts-file", /cannot read \/nonexistent\/accounts\.txt/],
        ["a bad --log-group-pattern", ["--log-group-pattern", "/app/[a-z]"], "--log-group-pattern", /is not a log group pattern/],
    ] as const) {
        it(`refuses ${what} with exit 2 naming ${flag}, before any call`, async () => {
            const r = await runCli(...args("bad", 1, ...extra));
            assert.strictEqual(r.code, 2, r.stderr);
            assert.match(r.stderr, new RegExp(`^cwlogs-export: \\[${flag}\\] `));
            assert.match(r.stderr, message);
            assert.strictEqual(proxy.seen.length, 0);
        });
    }

    it("reads --accounts-file: role ARNs, and account IDs with --org-role-name", async () => {
        const file = path.join(dir, "accounts.txt");
        fs.writeFileSync(file, `# exports\n${roleOf(members[0])}\n${members[1]}   # by ID\n\n`);
        const r = await runCli(...args("file", 1, "--accounts-file", file, "--org-role-name", ROLE, "--log-group-pattern", "/app/web", "--json"));
        assert.strictEqual(r.code, 0, r.stderr);
        const out = JSON.parse(r.stdout) as SummaryJson;
        assert.deepStrictEqual(out.accounts.map(a => [a.account, a.status, a.tasks?.created]), [[members[0], "completed", 2], [members[1], "completed", 2]]);
        fs.writeFileSync(file, `${members[1]}\n`);
        const bad = await runCli(...args("file", 1, "--accounts-file", file));
        assert.strictEqual(bad.code, 2);
        assert.match(bad.stderr, new RegExp(`^cwlogs-export: \\[--accounts-file\\] ${file.replace(/[.]/g, "\\.")} line 1 is the account ID ${members[1]} without a role: add --org-role-name NAME`));
    });
});
