/**
 * `--json` on the commands whose JSON needs no AWS (`policy`): accepted, and the output is the same
 * document. doctor/status/cancel `--json` are parsed in their own moto test files.
 */
import * as assert from "assert";
import { runCli } from "../support/cli";

describe("cwlogs-export --json (no AWS)", () => {
    it("policy kinds accept --json and print the same one JSON document", async () => {
        for (const argv of [
            ["policy", "export-key", "--region", "us-east-1", "--account", "111111111111"],
            ["policy", "export-bucket", "--bucket", "my-exports", "--region", "us-east-1", "--account", "111111111111"],
            ["policy", "delivery-bucket", "--bucket", "my-logs", "--region", "us-east-1", "--source-account", "111111111111"],
        ]) {
            const plain = await runCli(...argv);
            const json = await runCli(...argv, "--json");
            assert.strictEqual(json.code, 0, json.stderr);
            assert.strictEqual(json.stderr, "");
            assert.strictEqual(json.stdout, plain.stdout, argv.join(" "));
            assert.strictEqual(typeof JSON.parse(json.stdout), "object");
        }
    });
});
