/**
 * `npm run demo`, the README's main command, as a new user runs it: a real process that starts its
 * own moto, backfills a day in hourly chunks, runs doctor twice and gunzips an object.
 */
import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

describe("npm run demo (scripts/demo.ts)", function () {
    this.timeout(120_000);

    it("exports a day in 24 hourly chunks, passes doctor on its bucket, fails it on a bare one, and shows an object", () => {
        const root = path.resolve(__dirname, "..", "..");
        const r = spawnSync(process.execPath, ["-r", "ts-node/register/transpile-only", path.join(root, "scripts", "demo.ts")], {
            cwd: root, encoding: "utf8", env: { ...process.env, TS_NODE_TRANSPILE_ONLY: "true" }, timeout: 110_000,
        });
        const out = `${r.stdout}${r.stderr}`;
        assert.strictEqual(r.status, 0, out);
        assert.match(r.stdout, /chunks +24: 24 completed \(24 in this run, 0 before\), 0 failed/);
        assert.match(r.stderr, /\[24\/24\] \/demo\/checkout/, "progress goes to stderr");
        assert.match(r.stdout, /Result: export would work\./);
        assert.match(r.stdout, /FAIL {2}bucket policy allows logs\.us-east-1\.amazonaws\.com s3:GetBucketAcl/);
        assert.match(r.stdout, /"Sid": "AllowCloudWatchLogsPutObject"/, "the fix is printed");
        assert.match(r.stdout, /\$ gunzip < 000000\.gz[^\n]*\n\d{4}-\d\d-\d\dT[^\n]*"msg":/);
        assert.match(r.stdout, /==> Done in/);
        assert.ok(!out.includes("NodeVersionSupportWarning"), "no SDK notice in the demo's output");
    });

    it("without moto_server, says how to install it and exits 1", () => {
        const root = path.resolve(__dirname, "..", "..");
        const r = spawnSync(process.execPath, ["-r", "ts-node/register/transpile-only", path.join(root, "scripts", "demo.ts")], {
            // An empty PATH directory: no moto_server to find (node itself is started by absolute path).
            cwd: root, encoding: "utf8", env: { ...process.env, PATH: fs.mkdtempSync(path.join(os.tmpdir(), "no-moto-")) }, timeout: 60_000,
        });
        assert.strictEqual(r.status, 1, `${r.stdout}${r.stderr}`);
        assert.match(r.stderr, /moto_server is not installed: run `pip install "moto\[server\]"`/);
    });
});
