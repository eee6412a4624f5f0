/**
 * The AWS SDK's Node.js version notice (nine lines through process.emitWarning on Node.js < 22) as
 * the command line shows it: one line, once per process, at most once a day. The text below is the
 * SDK's own (@aws-sdk/core, emitWarningIfUnsupportedVersion).
 */
import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { noticeLine, shortenSdkNodeNotice, WarningEmitter } from "../../cli/nodeNotice";

const SDK_TEXT = `NodeVersionSupportWarning: The AWS SDK for JavaScript (v3)
versions published after the first week of January 2027
will require node >=22. You are running node v20.20.2.

To continue receiving updates to AWS services, bug fixes,
and security updates please upgrade to node >=22.

More information can be found at: https://a.co/c895JFp`;

const ROOT = path.resolve(__dirname, "..", "..");

describe("the AWS SDK's Node.js notice on the command line", () => {
    let dir: string;
    beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), "cwlogs-notice-")); });
    afterEach(() => { fs.rmSync(dir, { recursive: true, force: true }); });

    it("says it in one line", () => {
        assert.strictEqual(noticeLine(SDK_TEXT),
            "note: AWS SDK releases published after the first week of January 2027 need Node.js >=22 (this is v20.20.2): " +
            "upgrade Node.js to keep receiving SDK fixes (https://a.co/c895JFp).\n");
    });

    it("prints it once per process and once a day; other warnings pass through", () => {
        const passed: unknown[] = [];
        const written: string[] = [];
        const proc: WarningEmitter = { emitWarning: (w: string | Error) => { passed.push(w); } };
        const stamp = path.join(dir, "cache", "node-notice");
        const day = (iso: string) => () => new Date(iso);
        shortenSdkNodeNotice(proc, t => written.push(t), stamp, day("2026-12-02T10:00:00Z"));
        proc.emitWarning(SDK_TEXT);
        proc.emitWarning(new Error(SDK_TEXT));
        proc.emitWarning("SomethingElse: keep me");
        assert.deepStrictEqual(written, [noticeLine(SDK_TEXT)]);
        assert.deepStrictEqual(passed, ["SomethingElse: keep me"]);

        const sameDay: WarningEmitter = { emitWarning: () => undefined };
        shortenSdkNodeNotice(sameDay, t => written.push(t), stamp, day("2026-12-02T23:00:00Z"));
        sameDay.emitWarning(SDK_TEXT);
        assert.strictEqual(written.length, 1, "a second command the same day prints nothing");

        const nextDay: WarningEmitter = { emitWarning: () => undefined };
        shortenSdkNodeNotice(nextDay, t => written.push(t), stamp, day("2026-12-03T08:00:00Z"));
        nextDay.emitWarning(SDK_TEXT);
        assert.strictEqual(written.length, 2, "the next day it is shown again");
    });

    it("a real command prints at most one line about the Node.js version on stderr (none on Node.js >= 22, none the second time)", function () {
        this.timeout(60_000);
        const env: NodeJS.ProcessEnv = { ...process.env, XDG_CACHE_HOME: path.join(dir, "cache"), AWS_ACCESS_KEY_ID: "x", AWS_SECRET_ACCESS_KEY: "y" };
        delete env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED;
        const run = (): string => spawnSync(process.execPath, ["-r", "ts-node/register/transpile-only", path.join(ROOT, "cli", "main.ts"),
            "status", "--region", "us-east-1", "--endpoint-url", "http://127.0.0.1:1"], { cwd: ROOT, env, encoding: "utf8" }).stderr;
        const first = run();
        const mentions = (s: string): string[] => s.split("\n").filter(l => /node\.?js|node >=|NodeVersionSupportWarning|a\.co\//i.test(l));
        const old = Number(process.versions.node.split(".")[0]) < 22;
        assert.deepStrictEqual(mentions(first), old ? [noticeLine(SDK_TEXT.replace("v20.20.2", process.version)).trimEnd()] : [], first);
        assert.match(first, /cwlogs-export: DescribeExportTasks: cannot reach the AWS endpoint/);
        assert.deepStrictEqual(mentions(run()), [], "the same day: not again");
    });
});
