/**
 * The backfill's progress display: on a terminal, a block redrawn in place (one bar per log group,
 * then the active task, elapsed time and an estimate); otherwise plain lines, one per event worth
 * logging, for CI logs and pipes.
 */
import { ProgressEvent } from "../../dynamic-providers/engine";
import { BackfillEvent } from "./backfill";
import { formatDuration, isoTime } from "./plan";
import { BackfillState, ChunkState } from "./state";

export interface ProgressOptions {
    /** Where progress goes (stderr: stdout keeps the summary). */
    readonly write: (text: string) => void;
    /** Redraw in place (a terminal) instead of plain lines. */
    readonly tty: boolean;
    /** Terminal width; defaults to 80. */
    readonly columns?: number;
    /**
     * Terminal height. The block keeps to `rows - 1` lines: a block taller than the screen scrolls
     * its top off, where moving the cursor up can no longer reach it to redraw (stale lines).
     * Defaults to this process's stderr height when `tty` (read at every redraw, so a resize is
     * followed), else unbounded.
     */
    readonly rows?: number;
    /**
     * With `tty`: draw this backfill's own block. `false` when the caller draws one block for
     * several backfills (see ./orgProgress): lines are then those of a terminal (no line per task
     * started: the block shows it), and nothing is redrawn here. Defaults to `true`.
     */
    readonly redraw?: boolean;
    readonly now?: () => number;
}

/** The task a backfill is on, as the progress display shows it. */
export interface ActiveTask {
    readonly chunk: ChunkState;
    /** `starting`, `adopting`, or the task's last status (PENDING, RUNNING, ...). */
    readonly status: string;
    /** Why it waits, while it waits for the account's export slot. */
    readonly note?: string;
}

const BAR = 20;

/** Fewest lines the block is cut to, however small the terminal says it is. */
const MIN_BLOCK = 3;

/** One log group's chunks, counted. */
interface GroupCount {
    readonly name: string;
    readonly total: number;
    readonly done: number;
    readonly failed: number;
    /** A chunk of it has a task that may be running now. */
    readonly active: boolean;
}

/**
 * Which groups get a row of their own when only `slots` rows are free: the active ones first, then
 * those with failures, then those started but not finished, then the rest; shown in their own order.
 * Returns the indexes of the groups shown.
 */
export function pickGroups(groups: readonly GroupCount[], slots: number): number[] {
    const rank = (g: GroupCount): number => g.active ? 0 : g.failed > 0 ? 1 : g.done > 0 && g.done < g.total ? 2 : g.done < g.total ? 3 : 4;
    return groups.map((g, i) => ({ i, r: rank(g) }))
        .sort((a, b) => a.r - b.r || a.i - b.i)
        .slice(0, Math.max(0, slots))
        .map(x => x.i)
        .sort((a, b) => a - b);
}

function range(c: ChunkState): string {
    return `${isoTime(c.from)}..${isoTime(c.to)}`;
}

/** Renders {@link BackfillEvent}s for one backfill. */
export class Progress {
    private readonly start: number;
    private readonly now: () => number;
    private doneThisRun = 0;
    private active?: { chunk: ChunkState; status: string; note?: string };
    private readonly redraw: boolean;
    private finished = false;
    private drawnLines = 0;
    private timer?: NodeJS.Timeout;
    private lastWaitLogged?: ChunkState;

    constructor(private readonly state: BackfillState, private readonly o: ProgressOptions) {
        this.now = o.now ?? Date.now;
        this.start = this.now();
        this.redraw = o.tty && o.redraw !== false;
        if (this.redraw) {
            this.timer = setInterval(() => this.draw(), 1000);
            this.timer.unref();
        }
    }

    /** Elapsed time and the estimate of what is left, e.g. `elapsed 1m02s, about 3m10s left`. */
    timing(): string {
        const left = this.remainingMs();
        return `elapsed ${formatDuration(this.now() - this.start)}${left === undefined ? "" : `, about ${formatDuration(left)} left`}`;
    }

    /** The estimate of what is left (from this run's pace); `undefined` before the first chunk ends or after the last. */
    remainingMs(): number | undefined {
        const left = this.state.chunks.filter(c => c.status === "pending" || c.status === "running").length;
        return this.doneThisRun === 0 || left === 0 ? undefined : ((this.now() - this.start) / this.doneThisRun) * left;
    }

    /** The task the backfill is on, if any. */
    activeTask(): ActiveTask | undefined {
        return this.active;
    }

    onEvent(e: BackfillEvent): void {
        switch (e.kind) {
            case "resumed":
                if (e.completed > 0 || e.adopted > 0) {
                    const running = e.running === undefined ? "" : `; task ${e.running.taskId} (${e.running.logGroupName} ${range(e.running)}) is still running and is adopted`;
                    this.line(`Resuming: ${e.completed} of ${this.state.chunks.length} chunks already exported${e.adopted > 0 ? ` (${e.adopted} found in AWS's task list)` : ""}${running}.`);
                }
                break;
            case "retrying":
                this.line(`task ${e.taskId} (${e.chunk.logGroupName} ${range(e.chunk)}) ended ${e.statusCode} after the last run` +
                    `${e.message === undefined ? "" : `: ${e.message}`}; exporting that chunk again`);
                break;
            case "start":
                this.active = { chunk: e.chunk, status: e.adopting ? "adopting" : "starting" };
                break;
            case "engine":
                this.onEngine(e.chunk, e.event);
                break;
            case "done": {
                this.doneThisRun++;
                const c = e.chunk;
                const n = this.state.chunks.filter(x => x.status === "completed").length;
                const what = c.status === "completed" ? "completed" : c.status === "cancelled" ? "CANCELLED" : "FAILED";
                const took = c.durationMs !== undefined ? formatDuration(c.durationMs) : formatDuration(e.wallMs);
                this.line(`[${n}/${this.state.chunks.length}] ${c.logGroupName} ${range(c)} ${what}` +
                    `${c.taskId === undefined ? "" : ` (task ${c.taskId}, ${took})`}; ${this.timing()}` +
                    `${c.status === "completed" || c.message === undefined ? "" : `\n    ${c.message.split("\n").join("\n    ")}`}`);
                this.active = undefined;
                break;
            }
        }
        this.draw();
    }

    private onEngine(chunk: ChunkState, ev: ProgressEvent): void {
        if (this.active === undefined) {
            this.active = { chunk, status: "starting" };
        }
        switch (ev.kind) {
            case "created":
                this.active.status = "PENDING";
                if (!this.o.tty) {
                    this.line(`started task ${ev.taskId}: ${chunk.logGroupName} ${range(chunk)}`);
                }
                break;
            case "adopted":
                this.active.status = ev.statusCode ?? "RUNNING";
                this.line(`adopted task ${ev.taskId} (${ev.statusCode ?? "active"}), started earlier for ${chunk.logGroupName} ${range(chunk)}`);
                break;
            case "status":
                this.active.status = ev.statusCode ?? "?";
                break;
            case "waiting-for-slot": {
                const holder = ev.holderTaskId === undefined ? "another task" : `task ${ev.holderTaskId}`;
                this.active.note = `waiting: ${holder} holds the account's one export slot`;
                if (this.lastWaitLogged !== chunk) {
                    this.lastWaitLogged = chunk;
                    this.line(`waiting: ${holder} holds the account's one active export slot; checking again with backoff`);
                }
                break;
            }
            case "retry":
                this.line(`retrying ${ev.operation} in ${formatDuration(ev.delayMs)} after ${ev.error}`);
                break;
        }
    }

    /** Clears the redrawn block (TTY) and stops the clock; later lines are printed without it. */
    finish(): void {
        this.finished = true;
        if (this.timer !== undefined) {
            clearInterval(this.timer);
            this.timer = undefined;
        }
        this.clear();
    }

    /** Prints `text` (whole lines) above the block, as the display's own lines are. */
    print(text: string): void {
        this.line(text.replace(/\n$/, ""));
        this.draw();
    }

    private line(text: string): void {
        this.clear();
        this.o.write(`${text}\n`);
    }

    private clear(): void {
        if (this.redraw && this.drawnLines > 0) {
            this.o.write(`\x1b[${this.drawnLines}A\x1b[0J`);
            this.drawnLines = 0;
        }
    }

    /** The terminal's height, when known. */
    private rows(): number | undefined {
        const rows = this.o.rows ?? (this.o.tty ? process.stderr.rows : undefined);
        return typeof rows === "number" && rows > 0 ? rows : undefined;
    }

    /**
     * The block a terminal shows: one bar per log group, then the active task. With more groups than
     * the terminal has rows for, the active groups (then failing, then started ones) keep their bars
     * and the others are summed up in one row.
     */
    block(): string[] {
        const width = this.o.columns ?? 80;
        const names = [...new Set(this.state.chunks.map(c => c.logGroupName))];
        const activeGroup = this.active?.chunk.logGroupName;
        const groups: GroupCount[] = names.map(name => {
            const mine = this.state.chunks.filter(c => c.logGroupName === name);
            return {
                name, total: mine.length,
                done: mine.filter(c => c.status === "completed").length,
                failed: mine.filter(c => c.status === "failed" || c.status === "cancelled").length,
                active: name === activeGroup || mine.some(c => c.status === "running"),
            };
        });
        const rows = this.rows();
        const room = rows === undefined ? Infinity : Math.max(MIN_BLOCK, rows - 1) - 1;
        const shown = groups.length <= room ? groups.map((_, i) => i) : pickGroups(groups, room - 1);
        const nameWidth = Math.min(40, Math.max(...shown.map(i => groups[i].name.length), 1));
        const lines = shown.map(i => {
            const g = groups[i];
            const filled = Math.round((g.done / g.total) * BAR);
            const name = g.name.length > nameWidth ? `…${g.name.slice(-(nameWidth - 1))}` : g.name.padEnd(nameWidth);
            return `  ${name} [${"#".repeat(filled)}${".".repeat(BAR - filled)}] ${String(g.done).padStart(String(g.total).length)}/${g.total}` +
                `${g.failed > 0 ? ` (${g.failed} failed)` : ""}`;
        });
        if (shown.length < groups.length) {
            const rest = groups.filter((_, i) => !shown.includes(i));
            const chunks = rest.reduce((n, g) => n + g.total, 0);
            const done = rest.reduce((n, g) => n + g.done, 0);
            const failed = rest.reduce((n, g) => n + g.failed, 0);
            const complete = rest.filter(g => g.done === g.total).length;
            lines.push(`  + ${rest.length} more log group${rest.length === 1 ? "" : "s"}: ${complete} complete, ` +
                `${done}/${chunks} chunks done${failed > 0 ? `, ${failed} failed` : ""}`);
        }
        const a = this.active;
        const task = a === undefined ? "" : `${a.chunk.taskId === undefined ? "" : `task ${a.chunk.taskId} `}${a.status} `
            + `(${a.chunk.logGroupName} ${isoTime(a.chunk.from)})${a.note === undefined || a.status !== "starting" ? "" : `, ${a.note}`}; `;
        lines.push(`  ${task}${this.timing()}`);
        return lines.map(l => (l.length > width - 1 ? `${l.slice(0, width - 2)}…` : l));
    }

    private draw(): void {
        if (!this.redraw || this.finished) {
            return;
        }
        this.clear();
        const lines = this.block();
        this.o.write(`${lines.join("\n")}\n`);
        this.drawnLines = lines.length;
    }
}
