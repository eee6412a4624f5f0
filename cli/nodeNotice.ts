/**
 * The AWS SDK for JavaScript v3 warns, through `process.emitWarning`, when Node.js is older than its
 * releases from January 2027 need ("NodeVersionSupportWarning", nine lines). Printed by every command
 * it would bury the command's own output, so the command-line entry (never the library) turns it into
 * one line, shown at most once a day on a machine (a stamp file in the user's cache directory).
 * `AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true` (the SDK's own switch) silences it.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const SDK_NOTICE = /^(?:Warning: )?NodeVersionSupportWarning\b/;

/** The SDK's notice as one line. */
export function noticeLine(text: string): string {
    const need = /require node >=\s*(\d+)/i.exec(text)?.[1];
    const running = /running node (v\d+(?:\.\d+)*)/i.exec(text)?.[1] ?? process.version;
    const when = /published after (.+?)\s*\n/i.exec(text)?.[1];
    const link = /(https?:\/\/\S+)/.exec(text)?.[1];
    if (need === undefined) {
        return `note: ${text.split("\n").map(l => l.trim()).filter(l => l !== "").join(" ")}\n`;
    }
    return `note: AWS SDK releases${when === undefined ? "" : ` published after ${when}`} need Node.js >=${need} (this is ${running}): ` +
        `upgrade Node.js to keep receiving SDK fixes${link === undefined ? "" : ` (${link})`}.\n`;
}

/** Where the day the notice was last shown is kept. */
export function stampFile(env: NodeJS.ProcessEnv = process.env): string {
    const cache = env.XDG_CACHE_HOME !== undefined && env.XDG_CACHE_HOME !== "" ? env.XDG_CACHE_HOME : path.join(env.HOME ?? os.homedir(), ".cache");
    return path.join(cache, "cwlogs-export", "node-notice");
}

/** True (and the stamp written) unless the notice was already shown today; a stamp that cannot be read or written never hides it. */
function firstToday(file: string, today: string): boolean {
    try {
        if (fs.readFileSync(file, "utf8").trim() === today) {
            return false;
        }
    } catch {
        // no stamp yet
    }
    try {
        fs.mkdirSync(path.dirname(file), { recursive: true });
        fs.writeFileSync(file, `${today}\n`);
    } catch {
        // a read-only home: shown on every command, still one line
    }
    return true;
}

/** The part of `process` this touches. */
export interface WarningEmitter {
    emitWarning: (warning: string | Error, ...rest: never[]) => void;
}

/**
 * Wraps `proc.emitWarning`: the SDK's Node.js notice becomes one line through `write`, once per
 * process and at most once a day (per `stamp`); every other warning passes through unchanged.
 */
export function shortenSdkNodeNotice(proc: WarningEmitter = process as unknown as WarningEmitter,
    write: (text: string) => void = t => { process.stderr.write(t); },
    stamp: string | undefined = stampFile(), now: () => Date = () => new Date()): void {
    const original = proc.emitWarning.bind(proc);
    let handled = false;
    proc.emitWarning = (warning: string | Error, ...rest: never[]): void => {
        const text = typeof warning === "string" ? warning : warning.message;
        if (!SDK_NOTICE.test(text)) {
            original(warning, ...rest);
            return;
        }
        if (!handled) {
            handled = true;
            if (stamp === undefined || firstToday(stamp, now().toISOString().slice(0, 10))) {
                write(noticeLine(text));
            }
        }
    };
}
