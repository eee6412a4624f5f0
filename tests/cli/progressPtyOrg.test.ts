/**
 * The export progress view over many accounts on a real terminal (issue 13: "The TTY progress view
 * stays within the terminal's height with any number of groups and accounts"): an organization in
 * moto (CreateOrganization, CreateAccount x 15, each member reached by STS AssumeRole), behind the
 * test proxy with AWS's one-task limit per account; the CLI runs as a child process under a 15-row,
 * 110-column pseudo-terminal over its 16 accounts (more than the terminal has rows), and what it
 * wrote is replayed through a terminal-screen model. One block for the whole run: never taller than
 * the screen, never asking to move the cursor above the top row, cleared before the summary; every
 * finished task printed above it, prefixed by its account.
 */
import { CreateLogGroupCommand, CreateLogStreamCommand, PutLogEventsCommand } from "@aws-sdk/client-cloudwatch-logs";
import { CreateAccountCommand, CreateOrganizationCommand, ListAccountsCommand, OrganizationsClient } from "@aws-sdk/client-organizations";
import { CreateBucketCommand } from "@aws-sdk/client-s3";
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { assumeRole, fixtures } from "../support/exportFixtures";
import { MOTO_ACCOUNT, Moto, startMoto } from "../support/moto";
import { Proxy, startProxy } from "../support/proxy";
import { runInPty } from "../support/pty";
import { Screen } from "../support/terminal";

const ROOT = path.resolve(__dirname, "..", "..");
const REGION = "us-east-1";
const ROLE = "OrganizationAccountAccessRole";
const H = 3_600_000;
const DAY0 = Math.floor(Date.now() / (24 * H)) * 24 * H - 24 * H;
const ROWS = 15;
const COLS = 110;
const MEMBERS = 15;
const GROUP = "/app/web";

describe("export progress over 16 accounts under a 15-row pseudo-terminal", function () {
    this.timeout(180_000);
    let moto: Moto;
    let proxy: Proxy;
    let dir: string;
    let accounts: string[];

    before(async () => {
        moto = await startMoto();
        proxy = await startProxy(moto.endpoint, { holdMs: 300, limitPerAccount: true });
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "cwlogs-pty-org-"));
        const org = new OrganizationsClient({ endpoint: moto.endpoint, region: REGION, credentials: moto.credentials });
        await org.send(new CreateOrganizationCommand({ FeatureSet: "ALL" }));
        for (let i = 0; i < MEMBERS; i++) {
            await org.send(new CreateAccountCommand({ AccountName: `member-${i}`, Email: `member-${i}@example.com` }));
        }
        accounts = ((await org.send(new ListAccountsCommand({}))).Accounts ?? []).map(a => a.Id as string).sort();
        assert.strictEqual(accounts.length, MEMBERS + 1);
        await fixtures(moto.endpoint, moto.credentials).s3.send(new CreateBucketCommand({ Bucket: "pty-org-bucket" }));
        // Each account's group holds an event in the hours exported (a group without one would be skipped as empty).
        for (const account of accounts) {
            const creds = account === MOTO_ACCOUNT ? moto.credentials : await assumeRole(moto.endpoint, moto.credentials, `arn:aws:iam::${account}:role/${ROLE}`);
            const f = fixtures(moto.endpoint, creds);
            await f.logs.send(new CreateLogGroupCommand({ logGroupName: GROUP }));
            await f.logs.send(new CreateLogStreamCommand({ logGroupName: GROUP, logStreamName: "s" }));
            await f.logs.send(new PutLogEventsCommand({ logGroupName: GROUP, logStreamName: "s", logEvents: [{ timestamp: DAY0 + 60_000, message: account }] }));
        }
    });

    after(async () => {
        fs.rmSync(dir, { recursive: true, force: true });
        await proxy?.stop();
        await moto?.stop();
    });

    it("draws one block for the run within the screen, the active accounts in it, finished tasks above it, no stale lines", async () => {
        // Twelve accounts at once: more running accounts than the block has rows for them.
        const run = await runInPty(ROWS, COLS, [process.execPath, "-r", "ts-node/register/transpile-only", path.join(ROOT, "cli", "main.ts"),
            "export", "--log-group", GROUP, "--from", new Date(DAY0).toISOString(), "--to", new Date(DAY0 + 2 * H).toISOString(),
            "--bucket", "pty-org-bucket", "--prefix", "pty-org", "--chunk", "hour", "--state", path.join(dir, "state.json"),
            "--org-role-name", ROLE, "--max-accounts", "12"], {
            cwd: ROOT, env: { ...process.env, ...moto.env(REGION), AWS_ENDPOINT_URL: proxy.endpoint }, timeoutMs: 150_000,
        });
        assert.strictEqual(run.code, 0, run.output);
        const raw = run.output;
        // A process warning (e.g. more than 10 listeners of one event, a listener per account) would land inside the block.
        assert.doesNotMatch(raw, /\(node:\d+\)/, "no Node.js warning");
        const screen = new Screen(ROWS, COLS);
        screen.write(raw);
        assert.strictEqual(screen.lostUps, 0, "never asked to redraw a line that had scrolled off");
        const ups = [...raw.matchAll(/\x1b\[(\d+)A/g)].map(m => Number(m[1]));
        assert.ok(ups.length > 0, "the block was redrawn in place");
        assert.ok(Math.max(...ups) <= ROWS - 1, `the block never exceeds ${ROWS - 1} lines (moved up ${Math.max(...ups)})`);

        // Every frame of the block (what was drawn between two clears) fits, and ends with the total line.
        const frames = raw.split(/\x1b\[\d+A\x1b\[0J/).map(f => f.split(/\r?\n/).filter(l => /^ {2}(\d{12} +\[|\+ \d+ more accounts:|\d+\/16 accounts finished)/.test(l)))
            .filter(f => f.length > 0);
        assert.ok(frames.length > 5, `${frames.length} frames`);
        for (const f of frames) {
            assert.ok(f.length <= ROWS - 1, `a frame of ${f.length} lines:\n${f.join("\n")}`);
            assert.match(f[f.length - 1], /^ {2}\d+\/16 accounts finished/);
        }
        assert.ok(frames.some(f => f.some(l => /^ {2}\+ \d+ more accounts: (\d+ running, )?\d+ done, \d+ waiting, \d+ failed$/.test(l))),
            "the accounts that do not fit are summed up");
        // Twelve accounts running at once and 12 rows free: those shown are all running; the others are counted as running.
        assert.ok(frames.some(f => f.filter(l => /^ {2}\d{12} +\[[#.]{20}\] +\d\/2 {2}task \S+ (PENDING|RUNNING)/.test(l)).length >= 6),
            "the running accounts keep their rows, with their task");

        const text = screen.transcript();
        const stale = text.filter(l => /\[[#.]{20}\]/.test(l) || /more accounts:/.test(l) || /accounts finished/.test(l));
        assert.deepStrictEqual(stale, [], "no row of the block is left behind");
        for (const account of accounts) {
            assert.strictEqual(text.filter(l => new RegExp(`^\\[${account}\\] \\[\\d/2\\] ${GROUP} .* completed \\(task `).test(l)).length, 2,
                `${account}: one line per finished task, prefixed by the account`);
        }
        assert.ok(text.some(l => /^Export of 16 accounts \(12 at a time\)/.test(l)), text.join("\n"));
        assert.ok(text.some(l => /^  accounts    16 of 16 ran$/.test(l)), text.join("\n"));
        assert.strictEqual(proxy.limitRejections, 0);
    });
});
