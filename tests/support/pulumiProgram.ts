/**
 * Runs a Pulumi project's program the way `pulumi up` / `pulumi preview` does: the Node.js language
 * host (pulumi-language-nodejs) starts `node @pulumi/pulumi/cmd/run` with the monitor and engine
 * addresses, project, stack, working directory and entry point as flags, and the stack's config as
 * JSON in `PULUMI_CONFIG`. Here the monitor and engine are a {@link RecordingMonitor}.
 *
 * Working directory and entry point come from Pulumi.yaml as the CLI computes them
 * (`getPwdMain` in pulumi's pkg/engine): no `main` → the project folder and ".", `main` naming a
 * folder → that folder and ".", `main` naming a file → its folder and its base name. With "." the
 * runner takes the nearest package.json's `exports["."]`/`main` as the program.
 */
import { spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";
import { MonitorOptions, RecordingMonitor } from "./monitor";

const RUNNER = require.resolve("@pulumi/pulumi/cmd/run");

export interface Project {
    /** The folder holding Pulumi.yaml. */
    root: string;
    name: string;
    main?: string;
    /** `runtime.options` of Pulumi.yaml. */
    runtimeOptions: Record<string, unknown>;
    /** Project-level config defaults (`config:` of Pulumi.yaml), keys as written. */
    config: Record<string, unknown>;
}

export function readProject(root: string): Project {
    const doc = yaml.load(fs.readFileSync(path.join(root, "Pulumi.yaml"), "utf8")) as {
        name: string; main?: string; runtime: string | { name: string; options?: Record<string, unknown> };
        config?: Record<string, unknown>;
    };
    const runtimeOptions = typeof doc.runtime === "object" ? doc.runtime.options ?? {} : {};
    const config: Record<string, unknown> = {};
    for (const [key, spec] of Object.entries(doc.config ?? {})) {
        // `key: value`, or `key: { value: ... }` / `key: { default: ... }` (a typed declaration).
        if (spec !== null && typeof spec === "object" && !Array.isArray(spec)) {
            const s = spec as Record<string, unknown>;
            if ("value" in s) {
                config[key] = s.value;
            } else if ("default" in s) {
                config[key] = s.default;
            }
        } else {
            config[key] = spec;
        }
    }
    return { root: path.resolve(root), name: doc.name, main: doc.main, runtimeOptions, config };
}

/** Working directory and entry point the CLI gives the language host (pkg/engine getPwdMain). */
export function pwdAndEntry(project: Project): { pwd: string; entry: string } {
    if (project.main === undefined || project.main === "") {
        return { pwd: project.root, entry: "." };
    }
    const main = path.resolve(project.root, project.main);
    if (fs.statSync(main).isDirectory()) {
        return { pwd: main, entry: "." };
    }
    return { pwd: path.dirname(main), entry: path.basename(main) };
}

/**
 * The stack's config as `PULUMI_CONFIG` carries it: project defaults, then `Pulumi.<stack>.yaml`,
 * then `overrides` (as `pulumi config set` would write them); keys without a namespace are the
 * project's; values are strings, objects and lists as JSON.
 */
export function stackConfig(project: Project, stack: string, overrides: Record<string, unknown> = {}): Record<string, string> {
    const file = path.join(project.root, `Pulumi.${stack}.yaml`);
    const stackDoc = fs.existsSync(file) ? (yaml.load(fs.readFileSync(file, "utf8")) as { config?: Record<string, unknown> } | null) : null;
    const out: Record<string, string> = {};
    for (const [key, value] of [...Object.entries(project.config), ...Object.entries(stackDoc?.config ?? {}), ...Object.entries(overrides)]) {
        const full = key.includes(":") ? key : `${project.name}:${key}`;
        if (value === undefined) {
            delete out[full];
        } else {
            out[full] = typeof value === "string" ? value : (value !== null && typeof value === "object") ? JSON.stringify(value) : String(value);
        }
    }
    return out;
}

export interface RunOptions {
    /** Folder of Pulumi.yaml. */
    dir: string;
    /** Default "dev". */
    stack?: string;
    /** `pulumi preview` rather than `pulumi up`. */
    dryRun?: boolean;
    /** Config set on top of the stack's file; `undefined` removes a key. */
    config?: Record<string, unknown>;
    /** More monitor answers (other stacks' outputs, computed outputs, invokes). */
    monitor?: Omit<MonitorOptions, "project" | "stack" | "dryRun">;
    /** Extra environment (e.g. PULUMI_NODEJS_TRANSPILE_ONLY). */
    env?: Record<string, string>;
    /** The runner is killed after this long (a hung program fails the test instead of CI). Default 180 s. */
    timeoutMs?: number;
}

export interface RunResult {
    monitor: RecordingMonitor;
    exitCode: number | null;
    stdout: string;
    stderr: string;
    /** The program file the runner loaded, from its "Running program '...'" debug log. */
    program: string;
    pwd: string;
    entry: string;
    durationMs: number;
}

/**
 * Runs the project's program once against a fresh recording monitor (closed when the runner exits;
 * its records stay) and resolves when the runner exits. Rejects when it exits non-zero, with the program's error messages (Engine.Log errors) and
 * stderr.
 */
export async function runPulumiProgram(options: RunOptions): Promise<RunResult> {
    const result = await startPulumiProgram(options);
    if (result.exitCode !== 0) {
        throw new Error(`the program of ${options.dir} failed (exit ${result.exitCode}):\n` +
            `${result.monitor.errors.join("\n")}\n${result.stderr}`.trim());
    }
    return result;
}

/** {@link runPulumiProgram} without the exit-code check (for tests of failing programs). */
export async function startPulumiProgram(options: RunOptions): Promise<RunResult> {
    const project = readProject(options.dir);
    const stack = options.stack ?? "dev";
    const { pwd, entry } = pwdAndEntry(project);
    const monitor = await RecordingMonitor.start({ ...options.monitor, project: project.name, stack, dryRun: options.dryRun });
    const config = stackConfig(project, stack, options.config);

    // A fresh `pulumi up` starts the runner without the settings an earlier program in this process
    // (e.g. a test under setMocks) left in the environment; the runner reads them back from there.
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(process.env)) {
        if (v !== undefined && !k.startsWith("PULUMI_") && !k.startsWith("TS_NODE_")) {
            env[k] = v;
        }
    }
    Object.assign(env, {
        PULUMI_CONFIG: JSON.stringify(config),
        PULUMI_CONFIG_SECRET_KEYS: JSON.stringify([]),
    });
    // pulumi-language-nodejs: the `typescript` runtime option defaults to true; `tsconfig` names the file.
    if (project.runtimeOptions.typescript !== false) {
        env.PULUMI_NODEJS_TYPESCRIPT = "true";
    }
    if (typeof project.runtimeOptions.tsconfig === "string") {
        env.PULUMI_NODEJS_TSCONFIG_PATH = project.runtimeOptions.tsconfig;
    }
    Object.assign(env, options.env ?? {});

    const args = [RUNNER, "--monitor", monitor.address, "--engine", monitor.address, "--organization", "organization",
        "--project", project.name, "--stack", stack, "--root-directory", project.root, "--pwd", pwd,
        ...(options.dryRun ? ["--dry-run"] : []), entry];
    const started = Date.now();
    const child = spawn(process.execPath, args, { cwd: pwd, env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", d => { stdout += d; });
    child.stderr.on("data", d => { stderr += d; });
    const timeoutMs = options.timeoutMs ?? 180_000;
    let timedOut = false;
    const timer = setTimeout(() => { timedOut = true; child.kill("SIGKILL"); }, timeoutMs);
    const exitCode = await new Promise<number | null>((resolve, reject) => {
        child.on("error", reject);
        child.on("close", code => resolve(code));
    }).finally(() => clearTimeout(timer));
    // The program is gone: the server has nothing more to answer, its records stay readable.
    await monitor.close();
    if (timedOut) {
        const last = monitor.resources.slice(-3).map(r => `${r.type}::${r.name}`).join(", ");
        throw new Error(`the program of ${options.dir} did not exit within ${timeoutMs / 1000} s (killed); ` +
            `${monitor.resources.length} resources registered, the last: ${last}; errors logged: ${monitor.errors.join("; ") || "none"}\n${stderr}`);
    }
    const running = monitor.logs.map(l => /^Running program '([^']+)'/.exec(l.message)).find(m => m !== null);
    return {
        monitor, exitCode, stdout, stderr, pwd, entry, durationMs: Date.now() - started,
        program: running?.[1] ?? "",
    };
}
