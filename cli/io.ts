/**
 * What a command writes to, so the command line can run in-process in tests and as a real process.
 */
export interface CliIo {
    stdout(text: string): void;
    stderr(text: string): void;
    /** stderr is a terminal: progress is redrawn in place instead of printed line by line. */
    readonly isTTY?: boolean;
    /** Width of that terminal. */
    readonly columns?: number;
    /** Height of that terminal: the progress block keeps within it. */
    readonly rows?: number;
}

/** The process's own streams. */
export const processIo: CliIo = {
    stdout: text => { process.stdout.write(text); },
    stderr: text => { process.stderr.write(text); },
    get isTTY() { return process.stderr.isTTY === true; },
    get columns() { return process.stderr.columns; },
    get rows() { return process.stderr.rows; },
};

/**
 * Exit codes of `cwlogs-export` (documented in the README):
 * 0 success; 1 the operation ran and failed (an export failed, `doctor` found a problem);
 * 2 bad usage: an unknown or missing flag, or a value that fails validation;
 * 130 `export` was interrupted (Ctrl-C) before the backfill finished.
 */
export const EXIT = { ok: 0, failed: 1, usage: 2, interrupted: 130 } as const;

/** Commander's collector for repeatable flags (`--prefix a --prefix b`). */
export function collect(value: string, previous: string[] | undefined): string[] {
    return [...(previous ?? []), value];
}
