/**
 * The ExportTask provider as Pulumi serializes it into state (`__provider`): small, no SDK client,
 * no credentials, and loadable the way the dynamic-provider host loads it.
 */
import * as assert from "assert";
import * as fs from "fs";
import { builtinModules } from "module";
import * as os from "os";
import * as path from "path";
import { captureSerializedProvider } from "../support/captureProvider";
import { startProviderHost } from "../support/providerHost";

// The host's loader (a dependency of @pulumi/pulumi).
const requireFromString = require("require-from-string") as (code: string) => { handler: () => unknown };

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

    it("is small: a shell that loads the implementation from the installed package", () => {
        // Not only tidiness: when a create fails after the task exists, the host returns the
        // properties, __provider included, in gRPC trailers, and Node's HTTP/2 refuses header blocks
        // over 64 KiB: the host then never answers. The provider used to capture the engine (about
        // 58 KB from this repository); the guard stays far below the cliff so long inputs fit too.
        // tests/installed measures the registry-install and symlinked-package shapes.
        console.log(`      serialized provider, this repository: ${serialized.length} characters`);
        assert.ok(serialized.length < 10_000, `serialized provider is ${serialized.length} characters: ` +
            "keep it under 10,000 (see the comment above): load code at run time instead of capturing it");
        assert.match(serialized, /"cwlogs-export\/provider-runtime"/, "it loads the implementation by package name");
    });

    it("captures no credentials", () => {
        for (const s of [secret, secretKey, "session-token-should-never-appear", "accessKeyId: \"", "secretAccessKey: \""]) {
            assert.ok(!serialized.includes(s), `found ${s}`);
        }
    });

    it("captures no SDK client and no module of this package, only Node's own modules", () => {
        assert.doesNotMatch(serialized, /CloudWatchLogsClient|smithy|@aws-sdk/i);
        assert.doesNotMatch(serialized, /runExport|checkInputs|preflight/, "the engine is loaded at run time, not captured");
        const required = [...new Set([...serialized.matchAll(/require\("([^"]+)"\)/g)].map(m => m[1]))].sort();
        assert.ok(required.includes("module"), required.join(", "));
        assert.deepStrictEqual(required.filter(m => !builtinModules.includes(m)), [], "only Node's own modules");
    });

    it("loads like the host loads it, and check runs the package's validators behind it", async () => {
        const provider = requireFromString(serialized).handler() as Record<string, unknown>;
        for (const m of ["check", "diff", "create", "read", "update", "delete"]) {
            assert.strictEqual(typeof provider[m], "function", m);
        }
        const host = await startProviderHost({});
        try {
            const r = await host.check({ __provider: serialized, logGroupName: "/g", from: 1_700_000_000, to: Date.now() - 1000, destination: "bucket-ok" });
            assert.deepStrictEqual(r.failures, [{
                property: "from",
                reason: "[from] 1700000000 looks like seconds, not milliseconds since the epoch (CreateExportTask takes ms): write 1700000000000.",
            }]);
            assert.strictEqual(r.inputs.destinationPrefix, "exportedlogs");
            assert.strictEqual(r.inputs.waitForCompletion, true);
            assert.strictEqual(r.inputs.timeoutMinutes, 60);
        } finally {
            await host.stop();
        }
    });

    it("inside a checkout, also from a folder with a package.json of its own (an example)", async () => {
        const example = fs.mkdtempSync(path.join(__dirname, "..", "..", "examples", ".own-package-"));
        fs.writeFileSync(path.join(example, "package.json"), JSON.stringify({ name: "an-example", private: true }));
        const host = await startProviderHost({}, { cwd: example });
        try {
            const r = await host.check({ __provider: serialized, logGroupName: "/g", from: 1_700_000_000_000, to: 1_700_000_360_000, destination: "bucket-ok" });
            assert.deepStrictEqual(r.failures, []);
        } finally {
            await host.stop();
            fs.rmSync(example, { recursive: true, force: true });
        }
    });

    it("where the package cannot be found, the host's error says how to install it", async () => {
        const host = await startProviderHost({}, { cwd: os.tmpdir() });
        try {
            await assert.rejects(host.check({ __provider: serialized, logGroupName: "/g", from: 1_700_000_000_000, to: 1_700_000_360_000, destination: "bucket-ok" }),
                (e: Error) => e.message.startsWith(`ExportTask: the dynamic-provider host could not load cwlogs-export/provider-runtime from ${os.tmpdir()}: ` +
                    "install the package in the Pulumi program's folder (npm install cwlogs-export) and run pulumi there. (Cannot find module"));
        } finally {
            await host.stop();
        }
    });
});
