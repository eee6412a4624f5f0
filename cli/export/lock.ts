/**
 * A lock on a backfill's checkpoint: `<state file>.lock`, created exclusively (O_EXCL), holding the
 * owner's pid, host and start time. Two runs of the same backfill with the same checkpoint would
 * otherwise both plan, both create and overwrite each other's progress. The second run refuses
 * (it does not wait: a backfill can run for days). A lock whose process is gone on this host is
 * stale and taken over; one from another host is only ever removed by the user.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ValidationError } from "../../policies/validate";

interface LockInfo {
    readonly pid: number;
    readonly host: string;
    readonly startedAt: string;
}

function alive(pid: number): boolean {
    try {
        process.kill(pid, 0);
        return true;
    } catch (e) {
        // EPERM: the process exists but belongs to someone else.
        return (e as NodeJS.ErrnoException).code === "EPERM";
    }
}

function readLock(file: string): LockInfo | undefined {
    try {
        const info = JSON.parse(fs.readFileSync(file, "utf8")) as Partial<LockInfo>;
        return typeof info.pid === "number" && typeof info.host === "string" ? info as LockInfo : undefined;
    } catch {
        return undefined;
    }
}

/**
 * Releases of the locks this process holds, run on exit. One "exit" listener for all of them: a run
 * over many accounts holds a lock per account, and a listener each would pass Node's limit of 10
 * listeners, whose warning lands in the middle of the progress display.
 */
const releases = new Set<() => void>();
let exitHook = false;

function releaseAllOnExit(release: () => void): void {
    releases.add(release);
    if (!exitHook) {
        exitHook = true;
        process.once("exit", () => {
            for (const r of [...releases]) {
                r();
            }
        });
    }
}

/**
 * Takes the lock of `stateFile`; returns its release. Throws a ValidationError naming `--state`
 * when another live run holds it.
 */
export function lockState(stateFile: string): () => void {
    const file = `${stateFile}.lock`;
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const me: LockInfo = { pid: process.pid, host: os.hostname(), startedAt: new Date().toISOString() };
    for (let attempt = 0; attempt < 3; attempt++) {
        try {
            fs.writeFileSync(file, `${JSON.stringify(me)}\n`, { flag: "wx" });
            let released = false;
            const release = (): void => {
                if (!released) {
                    released = true;
                    releases.delete(release);
                    const held = readLock(file);
                    if (held?.pid === me.pid && held.host === me.host) {
                        fs.rmSync(file, { force: true });
                    }
                }
            };
            releaseAllOnExit(release);
            return release;
        } catch (e) {
            if ((e as NodeJS.ErrnoException).code !== "EEXIST") {
                throw new ValidationError("--state", `cannot create the lock ${file} (${(e as Error).message}): fix the folder's permissions, or pass another --state file.`);
            }
        }
        const holder = readLock(file);
        // A lock just being written reads empty for an instant: only a parsed lock of a dead local process is stale.
        if (holder !== undefined && holder.host === me.host && !alive(holder.pid)) {
            fs.rmSync(file, { force: true });
            continue;
        }
        const who = holder === undefined ? "another run" : `another cwlogs-export run (pid ${holder.pid} on ${holder.host}, started ${holder.startedAt})`;
        throw new ValidationError("--state", `${who} holds the lock ${file} of this backfill: wait for it to finish ` +
            `(a second run of the same backfill would race it). If no such run exists, delete ${file} and rerun.`);
    }
    throw new ValidationError("--state", `cannot take the lock ${file}: delete it if no other cwlogs-export run uses ${stateFile}, and rerun.`);
}
