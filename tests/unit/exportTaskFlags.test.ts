/**
 * ExportTask's `waitForCompletion` as stack config delivers it: `pulumi config set wait true` stores
 * the string "true", which used to count as false (the task was then not waited for).
 */
import * as assert from "assert";
import { checkInputs } from "../../dynamic-providers/inputs";

describe("ExportTask inputs: waitForCompletion must be a boolean", () => {
    const now = Date.parse("2025-06-01T00:00:00Z");
    const good = { logGroupName: "/g", from: "2025-05-01T00:00:00Z", to: now - 3600_000, destination: "bucket-ok" };

    for (const value of ["true", "false", 1]) {
        it(`refuses ${JSON.stringify(value)}, naming the argument and the fix`, () => {
            const r = checkInputs({ ...good, waitForCompletion: value }, now);
            assert.deepStrictEqual(r.failures, [{
                property: "waitForCompletion",
                reason: `[waitForCompletion] expected true or false, got ${JSON.stringify(value)}: write waitForCompletion: true or false. ` +
                    'From stack config, read it with `config.requireBoolean("waitForCompletion")`.',
            }]);
        });
    }

    it("takes true, false, and absent (defaults to true)", () => {
        assert.strictEqual(checkInputs({ ...good, waitForCompletion: false }, now).inputs.waitForCompletion, false);
        assert.strictEqual(checkInputs({ ...good, waitForCompletion: true }, now).inputs.waitForCompletion, true);
        const r = checkInputs(good, now);
        assert.deepStrictEqual(r.failures, []);
        assert.strictEqual(r.inputs.waitForCompletion, true);
    });
});
