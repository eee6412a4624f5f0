/** Runs the command line in-process through cli/main.ts's `main`, capturing what it writes. */
import { ChildProcess, spawn } from "child_process";
import * as path from "path";
import { main } from "../../cli/main";

const ROOT = path.resolve(__dirname, "..", "..");

export interface CliRun { code: number; stdout: string; stderr: string }

export async function runCli(...argv: string[]): Promise<CliRun> {
    let stdout = "";
    let stderr = "";
    const code = await main(argv, { stdout: t => { stdout += t; }, stderr: t => { stderr += t; } });
    return { code, stdout, stderr };
}

/** A command line started as its own process (where a kill, a Ctrl-C or a race is what is tested). */
export interface SpawnedCli {
    readonly child: ChildProcess;
    readonly out: { stdout: string; stderr: string };
    readonly exit: Promise<number | null>;
}

const running = new Set<ChildProcess>();

/** Starts `cli/main.ts` in a child Node.js process with the test's environment plus `env`. */
export function spawnCli(argv: readonly string[], env: Record<string, string> = {}): SpawnedCli {
    const child = spawn(process.execPath, ["-r", "ts-node/register/transpile-only", path.join(ROOT, "cli", "main.ts"), ...argv], {
        cwd: ROOT, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"],
    });
    running.add(child);
    const out = { stdout: "", stderr: "" };
    child.stdout?.on("data", (d: Buffer) => { out.stdout += d.toString(); });
    child.stderr?.on("data", (d: Buffer) => { out.stderr += d.toString(); });
    const exit = new Promise<number | null>(resolve => child.on("exit", code => {
        running.delete(child);
        resolve(code);
    }));
    return { child, out, exit };
}

/**
 * Kills every command line a test started and left running (a test that failed before it waited
 * for its child): a child left behind would keep retrying against a stopped emulator and keep
 * mocha from ever exiting. Run after each test by the root hook in tests/support/hooks.ts.
 */
export async function killLeftoverClis(): Promise<number> {
    const left = [...running];
    await Promise.all(left.map(child => new Promise<void>(resolve => {
        child.once("exit", () => resolve());
        child.kill("SIGKILL");
    })));
    return left.length;
}
