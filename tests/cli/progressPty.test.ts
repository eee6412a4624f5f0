/**
 * The export progress view on a real terminal: the CLI runs as a child process under a 15-row,
 * 100-column pseudo-terminal with 25 log groups (more than the terminal has rows), and what it wrote
 * is replayed through a terminal-screen model. The block must keep within the screen (never ask to
 * move the cursor above the top row) and leave no stale bar lines behind the summary.
 */
import { CreateLogGroupCommand, CreateLogStreamCommand, PutLogEventsCommand } from "@aws-sdk/client-cloudwatch-logs";
import { CreateBucketCommand } from "@aws-sdk/client-s3";
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { fixtures } from "../support/exportFixtures";
import { Moto, startMoto } from "../support/moto";
import { Proxy, startProxy } from "../support/proxy";
import { runInPty } from "../support/pty";
import { Screen } from "../support/terminal";

const ROOT = path.resolve(__dirname, "..", "..");
const H = 3_600_000;
const DAY = 24 * H;
const DAY0 = Math.floor(Date.now() / DAY) * DAY - DAY;
const ROWS = 15;
const COLS = 100;

describe("export progress under a 15-row pseudo-terminal (25 log groups)", function () {
    this.timeout(120_000);
    let moto: Moto;
    let proxy: Proxy;
    let dir: string;

    before(async () => {
        moto = await startMoto();
        proxy = await startProxy(moto.endpoint, { holdMs: 50 });
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "cwlogs-pty-test-"));
        const f = fixtures(moto.endpoint, moto.credentials);
        await f.s3.send(new CreateBucketCommand({ Bucket: "pty-bucket" }));
        // Each group holds an event in the hour exported (groups without one would be skipped as empty).
        for (let i = 0; i < 25; i++) {
            const logGroupName = `/svc/group-${String(i).padStart(2, "0")}`;
            await f.logs.send(new CreateLogGroupCommand({ logGroupName }));
            await f.logs.send(new CreateLogStreamCommand({ logGroupName, logStreamName: "s" }));
            await f.logs.send(new PutLogEventsCommand({ logGroupName, logStreamName: "s", logEvents: [{ timestamp: DAY0 + 60_000, message: `event ${i}` }] }));
        }
    });

    after(async () => {
        fs.rmSync(dir, { recursive: true, force: true });
        await proxy?.stop();
        await moto?.stop();
    });

    it("keeps the block within the screen and leaves no stale lines", async () => {
        const groups = Array.from({ length: 25 }, (_, i) => `/svc/group-${String(i).padStart(2, "0")}`);
        const run = await runInPty(ROWS, COLS, [process.execPath, "-r", "ts-node/register/transpile-only", path.join(ROOT, "cli", "main.ts"),
            "export", "--log-group", ...groups, "--from", new Date(DAY0).toISOString(), "--to", new Date(DAY0 + H).toISOString(),
            "--bucket", "pty-bucket", "--prefix", "pty", "--chunk", "hour", "--state", path.join(dir, "state.json")], {
            cwd: ROOT, env: { ...process.env, ...moto.env("us-east-1"), AWS_ENDPOINT_URL: proxy.endpoint },
        });
        assert.strictEqual(run.code, 0, run.output);
        const raw = run.output;
        const screen = new Screen(ROWS, COLS);
        screen.write(raw);
        assert.strictEqual(screen.lostUps, 0, "never asked to redraw a line that had scrolled off");
        const text = screen.transcript();
        const stale = text.filter(l => /\[[#.]{20}\]/.test(l) || /more log groups:/.test(l));
        assert.deepStrictEqual(stale, [], "no bar or summary row of the block is left behind");
        const ups = [...raw.matchAll(/\x1b\[(\d+)A/g)].map(m => Number(m[1]));
        assert.ok(ups.length > 0, "the block was redrawn in place");
        assert.ok(Math.max(...ups) <= ROWS - 1, `the block never exceeds ${ROWS - 1} lines (moved up ${Math.max(...ups)})`);
        assert.match(raw, /\+ \d+ more log groups: \d+ complete, \d+\/\d+ chunks done/, "the groups that do not fit are summed up");

        assert.strictEqual(text.filter(l => /^\[\d+\/25\] \/svc\/group-\d\d .* completed \(task /.test(l)).length, 25, "one line per finished task");
        assert.ok(text.some(l => /^Export of 25 log groups/.test(l)), text.join("\n"));
    });
});
