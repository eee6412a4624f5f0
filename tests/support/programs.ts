/**
 * Runs an example program under the mocks installed last, the way `pulumi up` runs it: its module is
 * evaluated afresh (so one test can run a program twice, e.g. before and after a config change),
 * and every stack output is resolved.
 */
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { InstalledMocks } from "./mocks";

const EXAMPLES = path.resolve(__dirname, "../../examples");

/** The value, or the rejection, of an output: Output's internal promise() carries the error. */
export function settled<T>(o: pulumi.Output<T>): Promise<T> {
    return (o as unknown as { promise(): Promise<T> }).promise();
}

/**
 * Replaces the program's configuration with `config` (keys without a namespace are `<project>:<key>`;
 * objects as JSON, as `pulumi config set --path` stores them; earlier values of the project's keys
 * are dropped) and evaluates `examples/<dir>/index.ts`. Returns its module exports.
 */
export function loadProgram(dir: string, project: string, config: Record<string, unknown>): Record<string, unknown> {
    const next: Record<string, string> = {};
    for (const [key, value] of Object.entries(pulumi.runtime.allConfig())) {
        if (!key.startsWith(`${project}:`)) {
            next[key] = value;
        }
    }
    for (const [key, value] of Object.entries(config)) {
        next[key.includes(":") ? key : `${project}:${key}`] = typeof value === "string" ? value : JSON.stringify(value);
    }
    pulumi.runtime.setAllConfig(next);
    const root = path.join(EXAMPLES, dir);
    for (const file of Object.keys(require.cache)) {
        if (file.startsWith(EXAMPLES + path.sep)) {
            delete require.cache[file];
        }
    }
    return require(path.join(root, "index")) as Record<string, unknown>;
}

/** {@link loadProgram}, then every stack output resolved (a rejected output rejects). */
export async function runProgram(m: InstalledMocks, dir: string, project: string, config: Record<string, unknown>): Promise<Record<string, unknown>> {
    const exports = loadProgram(dir, project, config);
    const outputs: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(exports)) {
        outputs[key] = await settled(pulumi.output(value));
    }
    await m.settled();
    return outputs;
}
