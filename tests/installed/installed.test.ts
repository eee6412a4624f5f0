/**
 * The package as users install it: `npm pack` (its `prepare` builds dist/), then the tarball in a
 * scratch Pulumi program outside the repository, and the package as a monorepo links it (a symlinked
 * local dependency). In each, a tiny program captures the serialized provider under
 * `pulumi.runtime.setMocks`, and the program's own dynamic-provider host, started in the program's
 * folder as `pulumi up` starts it, runs an ExportTask's lifecycle against moto. A consumer program
 * with the README's imports type-checks under Pulumi's template tsconfig and under node16.
 *
 * The scratch programs reuse this repository's installed dependencies (symlinks in their
 * node_modules, the layout npm produces, without a network install); cwlogs-export itself is the
 * unpacked tarball, or a symlink, exactly as npm lays it out.
 */
import * as assert from "assert";
import { execFile } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { promisify } from "util";
import { fixtures, seedExport } from "../support/exportFixtures";
import { Moto, startMoto } from "../support/moto";
import { DIFF, HostError, ProviderHost, startProviderHost } from "../support/providerHost";
import { GET_BUCKET_ACL_FAILED, Proxy, startProxy } from "../support/proxy";

const run = promisify(execFile);
const REPO = path.resolve(__dirname, "..", "..");
const HOUR = 3600_000;
const TSC = path.join(REPO, "node_modules", "typescript", "bin", "tsc");

/** Every entry of this repository's node_modules but cwlogs-export itself, linked into `program`. */
function linkDependencies(program: string): void {
    const nm = path.join(program, "node_modules");
    fs.mkdirSync(nm, { recursive: true });
    for (const entry of fs.readdirSync(path.join(REPO, "node_modules"))) {
        if (entry === "cwlogs-export" || entry === ".bin" || entry.startsWith(".")) {
            continue;
        }
        fs.symlinkSync(path.join(REPO, "node_modules", entry), path.join(nm, entry));
    }
}

function writeProgram(dir: string, dependency: string): void {
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({
        name: "consumer", version: "1.0.0", private: true, main: "index.js",
        dependencies: { "@pulumi/pulumi": "^3", "@pulumi/aws": "^7", "cwlogs-export": dependency },
    }, null, 2));
    fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "name: consumer\nruntime: nodejs\n");
    // Captures what `pulumi up` would store as the ExportTask's __provider, under Pulumi's mocks.
    fs.writeFileSync(path.join(dir, "capture.js"), `
const pulumi = require("@pulumi/pulumi");
let provider;
pulumi.runtime.setMocks({
    newResource(a) { if (a.inputs.__provider) { provider = a.inputs.__provider; } return { id: a.name + "-id", state: a.inputs }; },
    call(a) { return a.inputs; },
}, "consumer", "dev", false);
const { ExportTask } = require("cwlogs-export");
const task = new ExportTask("capture", { logGroupName: "/capture", from: 1700000000000, to: 1700000360000, destination: "capture-bucket" });
task.urn.apply(async () => {
    for (let i = 0; i < 100 && provider === undefined; i++) { await new Promise(r => setTimeout(r, 20)); }
    require("fs").writeFileSync("provider.txt", provider);
});
`);
}

interface Shape {
    name: string;
    program: string;
    provider: string;
}

describe("the installed package (npm pack, scratch programs, their own dynamic-provider host, moto)", function () {
    this.timeout(600_000);
    let scratch: string;
    let tarball: string;
    const shapes: Shape[] = [];
    let moto: Moto;
    let proxy: Proxy;

    before(async () => {
        scratch = fs.mkdtempSync(path.join(os.tmpdir(), "cwlogs-installed-"));
        const packed = await run("npm", ["pack", "--pack-destination", scratch, "--json"], { cwd: REPO, maxBuffer: 64 << 20 });
        const json = packed.stdout.slice(packed.stdout.indexOf("["));
        tarball = path.join(scratch, (JSON.parse(json) as { filename: string }[])[0].filename);

        // As the registry installs it: the tarball's package/ folder unpacked into node_modules.
        const registry = path.join(scratch, "registry");
        writeProgram(registry, `file:${tarball}`);
        linkDependencies(registry);
        const installed = path.join(registry, "node_modules", "cwlogs-export");
        fs.mkdirSync(installed);
        await run("tar", ["-xzf", tarball, "-C", installed, "--strip-components=1"]);

        // As a monorepo links it (`npm install ../cwlogs-export`, a `file:` folder dependency).
        const linked = path.join(scratch, "linked");
        writeProgram(linked, `file:${REPO}`);
        linkDependencies(linked);
        fs.symlinkSync(REPO, path.join(linked, "node_modules", "cwlogs-export"));

        for (const [name, program] of [["registry install", registry], ["symlinked package", linked]]) {
            await run(process.execPath, ["capture.js"], { cwd: program });
            shapes.push({ name, program, provider: fs.readFileSync(path.join(program, "provider.txt"), "utf8") });
        }
        moto = await startMoto();
        proxy = await startProxy(moto.endpoint);
    });
    after(async () => {
        await proxy?.stop();
        await moto?.stop();
        if (scratch !== undefined) {
            fs.rmSync(scratch, { recursive: true, force: true });
        }
    });

    it("the tarball holds the build, README, LICENSE and package.json; no tests, sources or source maps", async () => {
        const list = (await run("tar", ["-tzf", tarball])).stdout.trim().split("\n").map(p => p.replace(/^package\//, ""));
        for (const f of ["LICENSE", "README.md", "package.json", "dist/index.js", "dist/index.d.ts", "dist/policies/index.js",
            "dist/dynamic-providers/provider.js", "dist/dynamic-providers/loader.js", "dist/cli/main.js"]) {
            assert.ok(list.includes(f), `${f} is in the tarball`);
        }
        const stray = list.filter(p => !/^dist\/.*\.(js|d\.ts)$/.test(p) && !["LICENSE", "README.md", "package.json"].includes(p));
        assert.deepStrictEqual(stray, []);
        // The ScheduledExport function's bundle, which the component deploys (esbuild, from handlers/).
        assert.ok(list.includes("dist/bundles/scheduledExport/index.js"), "the ScheduledExport bundle is in the tarball");
        // Every built file comes from a source of this build (no leftovers of removed modules).
        const orphans = list.filter(p => p.startsWith("dist/"))
            .map(p => p.replace(/^dist\/bundles\//, "handlers/").replace(/^dist\//, "").replace(/\.(js|d\.ts)$/, ".ts"))
            .filter(p => !fs.existsSync(path.join(REPO, p)));
        assert.deepStrictEqual(orphans, []);
        assert.match(fs.readFileSync(path.join(REPO, "LICENSE"), "utf8"), /Apache License\s+Version 2\.0, January 2004[\s\S]*END OF TERMS AND CONDITIONS/);
    });

    it("the serialized provider stays under 10,000 characters in every install shape", () => {
        for (const s of shapes) {
            console.log(`      serialized provider, ${s.name}: ${s.provider.length} characters`);
            assert.ok(s.provider.length < 10_000, `${s.name}: ${s.provider.length} characters`);
            assert.match(s.provider, /"cwlogs-export\/provider-runtime"/);
        }
    });

    for (const shapeName of ["registry install", "symlinked package"]) {
        it(`${shapeName}: the program's own host runs check, create, read, diff, update, delete, and a FAILED create answers`, async () => {
            const shape = shapes.find(s => s.name === shapeName);
            assert.ok(shape, "captured");
            const slug = shapeName.startsWith("registry") ? "registry" : "linked";
            const f = fixtures(moto.endpoint, moto.credentials);
            const now = Date.now();
            await seedExport(f, `/installed/${slug}`, `installed-${slug}`, now - 2 * HOUR, ["installed line"]);
            proxy.clear();
            const host: ProviderHost = await startProviderHost({ ...moto.env("us-east-1"), AWS_ENDPOINT_URL: proxy.endpoint }, { program: shape.program });
            try {
                const news = (extra: Record<string, unknown> = {}) => ({
                    __provider: shape.provider, logGroupName: `/installed/${slug}`, from: now - 3 * HOUR, to: now - HOUR,
                    destination: `installed-${slug}`, taskName: `installed-${slug}`, ...extra,
                });
                const checked = await host.check(news());
                assert.deepStrictEqual(checked.failures, []);
                const created = await host.create(checked.inputs);
                assert.strictEqual(created.properties.status, "COMPLETED");
                assert.strictEqual(created.properties.__provider, shape.provider);
                const read = await host.read(created.id, { ...created.properties, status: "RUNNING" });
                assert.strictEqual(read.properties.status, "COMPLETED");
                const changed = (await host.check(news({ timeoutMinutes: 5 }), checked.inputs)).inputs;
                const d = await host.diff(created.id, created.properties, changed);
                assert.strictEqual(d.changes, DIFF.DIFF_SOME);
                assert.deepStrictEqual(d.replaces, []);
                const updated = await host.update(created.id, created.properties, changed);
                assert.strictEqual(updated.timeoutMinutes, 5);
                await host.delete(created.id, updated);
                assert.strictEqual(proxy.count("CreateExportTask"), 1);
                assert.strictEqual(proxy.count("CancelExportTask"), 0);

                // The wire limit: a FAILED create with 512-character inputs answers with its partial state.
                const long = (head: string, fill: string) => head + fill.repeat(512 - head.length);
                proxy.failTasks("long-", GET_BUCKET_ACL_FAILED);
                const failing = await host.check(news({ taskName: long("long-", "t"), destinationPrefix: long("long/", "p") }));
                const started = Date.now();
                const hang = new Promise<"no answer">(resolve => setTimeout(() => resolve("no answer"), 30_000).unref());
                const e = await Promise.race([host.create(failing.inputs).then(() => undefined, (x: HostError) => x), hang]);
                assert.ok(e instanceof HostError, `the host answered: ${String(e)}`);
                assert.ok(Date.now() - started < 15_000);
                assert.strictEqual(e.initFailure?.properties.status, "FAILED");
                assert.ok(e.message.includes(GET_BUCKET_ACL_FAILED), e.message);
            } finally {
                await host.stop();
            }
        });
    }

    it("a consumer with the README's imports type-checks under Pulumi's template tsconfig (moduleResolution node) and node16", async () => {
        const registry = shapes.find(s => s.name === "registry install")?.program;
        assert.ok(registry);
        fs.writeFileSync(path.join(registry, "index.ts"), `
import * as pulumi from "@pulumi/pulumi";
import { ExportBucket, ExportTask, requireStackOutput, validateBucketName, validateKmsKeyArn } from "cwlogs-export";
import { exportBucketPolicy, exportKeyPolicy, exportCallerPolicy } from "cwlogs-export/policies";
import { ExportCallerRole } from "cwlogs-export/dist/components/exportCallerRole";

const exportsBucket = new ExportBucket("exports", { destinationPrefixes: ["exports-7f3a9c"], logGroupNames: ["my-log-group"] });
const task = new ExportTask("nightly", { logGroupName: "my-log-group", from: "2024-01-01T00:00:00Z", to: "2024-01-02T00:00:00Z", destination: exportsBucket.bucketName });
const archive = new pulumi.StackReference("acme/cwlogs-export-archive/dev");
export const bucket = requireStackOutput(archive, "bucketName", validateBucketName);
export const key = requireStackOutput(archive, "kmsKeyArn", validateKmsKeyArn);
export const status = task.status;
export const builders = [typeof exportBucketPolicy, typeof exportKeyPolicy, typeof exportCallerPolicy];
export const deep = typeof ExportCallerRole;
`);
        // The deep import, as Node resolves it at run time from the consumer (no ".js" needed).
        const deep = await run(process.execPath, ["-p", "require.resolve('cwlogs-export/dist/components/exportCallerRole')"], { cwd: registry });
        assert.match(deep.stdout.trim(), /node_modules\/cwlogs-export\/dist\/components\/exportCallerRole\.js$/);
        // Pulumi's TypeScript template (pulumi/templates typescript/tsconfig.json). TypeScript 6
        // deprecates moduleResolution "node" (node10); the template's TypeScript 5 does not need the
        // flag. skipLibCheck: checking @pulumi/aws's 3,000 declaration files takes minutes and says
        // nothing about this package; the imports are still resolved and the program checked.
        const template = {
            compilerOptions: {
                strict: true, outDir: "bin", target: "es2020", module: "commonjs", moduleResolution: "node", sourceMap: true,
                experimentalDecorators: true, pretty: true, noFallthroughCasesInSwitch: true, noImplicitReturns: true,
                forceConsistentCasingInFileNames: true, ignoreDeprecations: "6.0", skipLibCheck: true,
            },
            files: ["index.ts"],
        };
        const node16 = { compilerOptions: { ...template.compilerOptions, module: "node16", moduleResolution: "node16" }, files: ["index.ts"] };
        fs.writeFileSync(path.join(registry, "tsconfig.json"), JSON.stringify(template));
        fs.writeFileSync(path.join(registry, "tsconfig.node16.json"), JSON.stringify(node16));
        const check = (project: string) => run(process.execPath, [TSC, "-p", project, "--noEmit"], { cwd: registry, maxBuffer: 16 << 20 })
            .then(() => "", (e: { stdout?: string }) => e.stdout ?? String(e));
        const [a, b] = await Promise.all([check("tsconfig.json"), check("tsconfig.node16.json")]);
        assert.strictEqual(a, "", `moduleResolution node:\n${a}`);
        assert.strictEqual(b, "", `node16:\n${b}`);
    });
});
