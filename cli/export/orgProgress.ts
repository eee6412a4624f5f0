/**
 * The progress display of an export over several accounts on a terminal: one block for the whole
 * run, redrawn in place (a row per account that is working, aggregate rows for those that do not
 * fit, a total line), with each account's finished tasks and notes printed above it, prefixed by
 * the account. Elsewhere (pipes, CI logs) every account prints plain `[account]` lines instead
 * (./progress with `tty: false`), which this module does not touch.
 */
import { BackfillEvent } from "./backfill";
import { formatDuration, isoTime } from "./plan";
import { ActiveTask, Progress, ProgressOptions } from "./progress";
import { BackfillState } from "./state";

/** Where an account is in the run. */
export type AccountPhase =
    /** Not started yet (`--max-accounts` accounts run at once). */
    | "waiting"
    /** Assuming its role, selecting its log groups, checking its set-up. */
    | "starting"
    /** Its backfill runs. */
    | "running"
    /** Finished, every chunk exported. */
    | "done"
    /** Could not run, or some of its chunks failed. */
    | "failed";

/** One account as the block shows it. */
export interface AccountView {
    readonly account: string;
    readonly phase: AccountPhase;
    /** Chunks of its backfill (0 before its log groups are known). */
    readonly total: number;
    readonly done: number;
    readonly failed: number;
    /** What it is doing now, e.g. `task 1a2b RUNNING (/app/web 2026-11-01T00:00:00Z)`. */
    readonly doing?: string;
}

const BAR = 20;

/** Fewest lines the block is cut to, however small the terminal says it is. */
const MIN_BLOCK = 3;

const RANK: Record<AccountPhase, number> = { running: 0, starting: 1, failed: 2, waiting: 3, done: 4 };

/**
 * Which accounts get a row of their own when only `slots` rows are free: the running ones first,
 * then those starting, then failed, waiting and finished ones; shown in their own order. Returns
 * the indexes of the accounts shown.
 */
export function pickAccounts(views: readonly AccountView[], slots: number): number[] {
    return views.map((v, i) => ({ i, r: RANK[v.phase] }))
        .sort((a, b) => a.r - b.r || a.i - b.i)
        .slice(0, Math.max(0, slots))
        .map(x => x.i)
        .sort((a, b) => a - b);
}

function plural(n: number, one: string, many = `${one}s`): string {
    return `${n} ${n === 1 ? one : many}`;
}

function accountRow(v: AccountView, nameWidth: number): string {
    const filled = v.total === 0 ? 0 : Math.round((v.done / v.total) * BAR);
    const counts = v.total === 0 ? "" : ` ${String(v.done).padStart(String(v.total).length)}/${v.total}${v.failed > 0 ? ` (${v.failed} failed)` : ""}`;
    const what = v.phase === "running" ? v.doing ?? (v.total > 0 && v.done + v.failed === v.total ? "finishing: manifest" : "reading AWS's task list")
        : v.phase === "starting" ? "starting: role, log groups, checks"
            : v.phase === "waiting" ? "waiting for its turn"
                : v.phase === "done" ? "done"
                    : "FAILED (see above)";
    return `  ${v.account.padEnd(nameWidth)} [${"#".repeat(filled)}${".".repeat(BAR - filled)}]${counts}${what === "" ? "" : `  ${what}`}`;
}

/**
 * The block: a row per account (bar, chunks done, what it does), then, when they do not all fit in
 * `rows - 1` lines, the running, starting and failed accounts keep their rows and the others are
 * summed up in one (`+ 6 more accounts: 4 done, 2 waiting, 0 failed`), and last a total line ending
 * with `timing`. Lines are cut to `columns - 1` characters. `rows` undefined: no height limit.
 */
export function orgBlock(views: readonly AccountView[], o: { rows?: number; columns?: number; timing: string }): string[] {
    const width = o.columns ?? 80;
    const room = o.rows === undefined ? Infinity : Math.max(MIN_BLOCK, o.rows - 1);
    const shown = views.length + 1 <= room ? views.map((_, i) => i) : pickAccounts(views, room - 2);
    const nameWidth = Math.max(1, ...shown.map(i => views[i].account.length));
    const lines = shown.map(i => accountRow(views[i], nameWidth));
    if (shown.length < views.length) {
        const rest = views.filter((_, i) => !shown.includes(i));
        const count = (...phases: AccountPhase[]): number => rest.filter(v => phases.includes(v.phase)).length;
        const active = count("running", "starting");
        lines.push(`  + ${plural(rest.length, "more account")}: ${active > 0 ? `${active} running, ` : ""}` +
            `${count("done")} done, ${count("waiting")} waiting, ${count("failed")} failed`);
    }
    const sum = (f: (v: AccountView) => number): number => views.reduce((n, v) => n + f(v), 0);
    const finished = views.filter(v => v.phase === "done" || v.phase === "failed").length;
    const failedAccounts = views.filter(v => v.phase === "failed").length;
    const running = views.filter(v => v.phase === "running" || v.phase === "starting").length;
    const failedChunks = sum(v => v.failed);
    lines.push(`  ${finished}/${plural(views.length, "account")} finished${failedAccounts > 0 ? ` (${failedAccounts} failed)` : ""}` +
        `${running > 0 ? `, ${running} running` : ""}; ${sum(v => v.done)}/${sum(v => v.total)} chunks done` +
        `${failedChunks > 0 ? ` (${failedChunks} failed)` : ""}; ${o.timing}`);
    return lines.map(l => (l.length > width - 1 ? `${l.slice(0, width - 2)}…` : l));
}

/** Prefixes every line of `text` with `[account] `. */
export function prefixLines(text: string, account: string): string {
    return text.replace(/^(?=.)/gm, `[${account}] `);
}

function describeActive(a: ActiveTask | undefined): string | undefined {
    if (a === undefined) {
        return undefined;
    }
    return `${a.chunk.taskId === undefined ? "" : `task ${a.chunk.taskId} `}${a.status} (${a.chunk.logGroupName} ${isoTime(a.chunk.from)})` +
        `${a.note === undefined || a.status !== "starting" ? "" : `, ${a.note}`}`;
}

interface Slot {
    readonly account: string;
    phase: AccountPhase;
    state?: BackfillState;
    progress?: Progress;
}

/** The block of a run over several accounts on a terminal, and the lines printed above it. */
export class OrgProgress {
    private readonly slots: Slot[];
    private readonly start: number;
    private readonly now: () => number;
    private drawnLines = 0;
    private timer?: NodeJS.Timeout;

    /** `accounts`: the run's accounts, in the order they are shown. `o.tty` is taken as true. */
    constructor(accounts: readonly string[], private readonly o: Omit<ProgressOptions, "tty" | "redraw">) {
        this.slots = accounts.map(account => ({ account, phase: "waiting" }));
        this.now = o.now ?? Date.now;
        this.start = this.now();
        this.timer = setInterval(() => this.draw(), 1000);
        this.timer.unref();
    }

    /** Account `i` began its own work (role, selection, checks). */
    starting(i: number): void {
        this.slots[i].phase = "starting";
        this.draw();
    }

    /** Account `i`'s backfill starts: the sink of its events. */
    attach(i: number, state: BackfillState): { onEvent(e: BackfillEvent): void; finish(): void } {
        const slot = this.slots[i];
        slot.phase = "running";
        slot.state = state;
        slot.progress = new Progress(state, {
            write: t => this.print(prefixLines(t, slot.account)), tty: true, redraw: false, columns: this.o.columns, now: this.o.now,
        });
        const progress = slot.progress;
        this.draw();
        return {
            onEvent: e => {
                progress.onEvent(e);
                this.draw();
            },
            finish: () => {
                progress.finish();
                this.draw();
            },
        };
    }

    /** Account `i` ended; `failed`: it could not run, or chunks of it failed. */
    ended(i: number, failed: boolean): void {
        this.slots[i].phase = failed ? "failed" : "done";
        this.draw();
    }

    /** Prints `text` (whole lines) above the block. */
    print(text: string): void {
        this.clear();
        this.o.write(text.endsWith("\n") ? text : `${text}\n`);
        this.draw();
    }

    /** Each account as the block shows it. */
    views(): AccountView[] {
        return this.slots.map(s => {
            const chunks = s.state?.chunks ?? [];
            return {
                account: s.account, phase: s.phase, total: chunks.length,
                done: chunks.filter(c => c.status === "completed").length,
                failed: chunks.filter(c => c.status === "failed" || c.status === "cancelled").length,
                doing: describeActive(s.progress?.activeTask()),
            };
        });
    }

    /** Elapsed time, and (once every account runs) the estimate of the slowest one. */
    timing(): string {
        const waiting = this.slots.some(s => s.phase === "waiting" || s.phase === "starting");
        const left = this.slots.filter(s => s.phase === "running").map(s => s.progress?.remainingMs());
        const eta = waiting || left.length === 0 || left.some(x => x === undefined) ? undefined : Math.max(...left as number[]);
        return `elapsed ${formatDuration(this.now() - this.start)}${eta === undefined ? "" : `, about ${formatDuration(eta)} left`}`;
    }

    block(): string[] {
        return orgBlock(this.views(), { rows: this.rows(), columns: this.o.columns, timing: this.timing() });
    }

    /** Clears the block and stops the clock (before the summary). */
    finish(): void {
        if (this.timer !== undefined) {
            clearInterval(this.timer);
            this.timer = undefined;
        }
        this.clear();
    }

    /** The terminal's height, when known (read at every redraw, so a resize is followed). */
    private rows(): number | undefined {
        const rows = this.o.rows ?? process.stderr.rows;
        return typeof rows === "number" && rows > 0 ? rows : undefined;
    }

    private clear(): void {
        if (this.drawnLines > 0) {
            this.o.write(`\x1b[${this.drawnLines}A\x1b[0J`);
            this.drawnLines = 0;
        }
    }

    private draw(): void {
        if (this.timer === undefined) {
            return;
        }
        this.clear();
        const lines = this.block();
        this.o.write(`${lines.join("\n")}\n`);
        this.drawnLines = lines.length;
    }
}
