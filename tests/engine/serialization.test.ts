/**
 * The ExportTask provider as Pulumi serializes it into state (`__provider`): small, no SDK client,
 * no credentials, and loadable the way the dynamic-provider host loads it.
 */
import * as assert from "assert";
import { captureSerializedProvider } from "../support/captureProvider";

// The host's loader (a dependency of @pulumi/pulumi).
const requireFromString = require("require-from-string") as (code: string) => { handler: () => Record<string, unknown> };

describe("ExportTask provider serialization", function () {
    this.timeout(30_000);
    const secret = "AKIAIOSFODNN7EXAMPLE-should-never-appear";
    const secretKey = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    let serialized: string;
    const saved = { ...process.env };

    before(async () => {
        // Credentials in the environment of the program must not leak into the serialized provider.
        process.env.AWS_ACCESS_KEY_ID = secret;
        process.env.AWS_SECRET_ACCESS_KEY = secretKey;
        process.env.AWS_SESSION_TOKEN = "session-token-should-never-appear";
        serialized = await captureSerializedProvider();
    });
    after(() => {
        for (const k of ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"]) {
            if (saved[k] === undefined) {
                delete process.env[k];
            } else {
                process.env[k] = saved[k];
            }
        }
    });

    it("is small: the engine and validators, not whole modules", () => {
        // Not only tidiness: when a create fails after the task exists, the host returns the
        // properties, __provider included, in gRPC trailers, and Node's HTTP/2 header-block limit
        // (64 KiB) then makes the host hang instead of answering. The ExportTask FAILED-create test
        // measured that at about 61 KB of provider; keep a margin.
        assert.ok(serialized.length < 59_000, `serialized provider is ${serialized.length} characters: ` +
            "above about 61 KB a failed create's answer no longer fits Node's HTTP/2 trailers (see the comment above)");
        assert.ok(serialized.length > 5_000, "it holds the provider's code");
    });

    it("captures no credentials", () => {
        for (const s of [secret, secretKey, "session-token-should-never-appear", "accessKeyId: \"", "secretAccessKey: \""]) {
            assert.ok(!serialized.includes(s), `found ${s}`);
        }
    });

    it("captures no SDK client: the SDK is imported inside the methods", () => {
        assert.doesNotMatch(serialized, /require\("@aws-sdk\//);
        assert.doesNotMatch(serialized, /CloudWatchLogsClient\s*=|__CloudWatchLogsClient|smithy/i);
        for (const m of ["client-cloudwatch-logs", "client-s3", "client-sts"]) {
            assert.ok(serialized.includes(`await import("@aws-sdk/${m}")`), `imports @aws-sdk/${m} lazily`);
        }
        // The only packages it requires at load time: Pulumi's log module and Node's crypto.
        const required = [...serialized.matchAll(/require\("([^"]+)"\)/g)].map(m => m[1]).sort();
        assert.deepStrictEqual([...new Set(required)], ["@pulumi/pulumi/log/index.js", "crypto"]);
    });

    it("loads like the host loads it, and its check works inside the serialized closure", async () => {
        const provider = requireFromString(serialized).handler() as {
            check(olds: unknown, news: unknown): Promise<{ failures: { property: string; reason: string }[]; inputs: Record<string, unknown> }>;
        };
        for (const m of ["check", "diff", "create", "read", "update", "delete"]) {
            assert.strictEqual(typeof provider[m as keyof typeof provider], "function", m);
        }
        const now = Date.now();
        const r = await provider.check({}, { logGroupName: "/g", from: 1_700_000_000, to: now - 1000, destination: "bucket-ok" });
        assert.deepStrictEqual(r.failures, [{
            property: "from",
            reason: "[from] 1700000000 looks like seconds, not milliseconds since the epoch (CreateExportTask takes ms): write 1700000000000.",
        }]);
        assert.strictEqual(r.inputs.destinationPrefix, "exportedlogs");
        assert.strictEqual(r.inputs.waitForCompletion, true);
        assert.strictEqual(r.inputs.timeoutMinutes, 60);
    });
});
