/** The program side of ExportTask (under setMocks): type token, default task name, time inputs, warnings. */
import * as assert from "assert";
import { captureExportTask } from "../support/captureProvider";

describe("ExportTask resource (program side)", () => {
    const base = { logGroupName: "/g", destination: "bucket-ok", from: 1_700_000_000_000, to: 1_700_000_360_000 };

    it("registers as cwlogs:ExportTask with a stable default task name from the resource name and inputs", async () => {
        const a = await captureExportTask("nightly", base);
        assert.strictEqual(a.type, "pulumi-nodejs:dynamic/cwlogs:ExportTask");
        assert.match(String(a.inputs.taskName), /^nightly-[0-9a-f]{12}$/);
        const again = await captureExportTask("nightly", base);
        assert.strictEqual(again.inputs.taskName, a.inputs.taskName);
        const moved = await captureExportTask("nightly", { ...base, to: base.to + 1 });
        assert.notStrictEqual(moved.inputs.taskName, a.inputs.taskName);
        const named = await captureExportTask("named", { ...base, taskName: "mine" });
        assert.strictEqual(named.inputs.taskName, "mine");
    });

    it("sends a Date as milliseconds", async () => {
        const a = await captureExportTask("dates", { ...base, from: new Date(base.from) });
        assert.strictEqual(a.inputs.from, base.from);
    });

    it("warns when [to] is within the last 12 hours (CloudWatch Logs User Guide, S3Export.html)", async () => {
        const warnings: string[] = [];
        const original = console.warn;
        console.warn = (...m: unknown[]) => { warnings.push(m.join(" ")); };
        try {
            await captureExportTask("recent", { ...base, to: Date.now() - 3600_000 });
            await captureExportTask("old", { ...base });
        } finally {
            console.warn = original;
        }
        assert.strictEqual(warnings.filter(w => w.includes("[to]")).length, 1, warnings.join("\n"));
        assert.match(warnings.find(w => w.includes("[to]")) ?? "", /within the last 12 hours: log data can take up to 12 hours/);
    });
});
