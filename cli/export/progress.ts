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
    readonly now?: () => number;
}

const BAR = 20;

function range(c: ChunkState): string {
    return `${isoTime(c.from)}..${isoTime(c.to)}`;
}

/** Renders {@link BackfillEvent}s for one backfill. */
export class Progress {
    private readonly start: number;
    private readonly now: () => number;
    private doneThisRun = 0;
    private active?: { chunk: ChunkState; status: string; note?: string };
    private drawnLines = 0;
    private timer?: NodeJS.Timeout;
    private lastWaitLogged?: ChunkState;

    constructor(private readonly state: BackfillState, private readonly o: ProgressOptions) {
        this.now = o.now ?? Date.now;
        this.start = this.now();
        if (o.tty) {
            this.timer = setInterval(() => this.draw(), 1000);
            this.timer.unref();
        }
    }

    /** Elapsed time and the estimate of what is left, e.g. `elapsed 1m02s, about 3m10s left`. */
    timing(): string {
        const elapsed = this.now() - this.start;
        const left = this.state.chunks.filter(c => c.status === "pending" || c.status === "running").length;
        const eta = this.doneThisRun === 0 || left === 0 ? "" : `, about ${formatDuration((elapsed / this.doneThisRun) * left)} left`;
        return `elapsed ${formatDuration(elapsed)}${eta}`;
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

    /** Clears the redrawn block (TTY) and stops the clock. */
    finish(): void {
        if (this.timer !== undefined) {
            clearInterval(this.timer);
            this.timer = undefined;
        }
        this.clear();
    }

    private line(text: string): void {
        this.clear();
        this.o.write(`${text}\n`);
    }

    private clear(): void {
        if (this.o.tty && this.drawnLines > 0) {
            this.o.write(`\x1b[${this.drawnLines}A\x1b[0J`);
            this.drawnLines = 0;
        }
    }

    /** The block a terminal shows: one bar per log group, then the active task. */
    block(): string[] {
        const width = this.o.columns ?? 80;
        const groups = [...new Set(this.state.chunks.map(c => c.logGroupName))];
        const nameWidth = Math.min(40, Math.max(...groups.map(g => g.length)));
        const lines = groups.map(g => {
            const mine = this.state.chunks.filter(c => c.logGroupName === g);
            const done = mine.filter(c => c.status === "completed").length;
            const failed = mine.filter(c => c.status === "failed" || c.status === "cancelled").length;
            const filled = Math.round((done / mine.length) * BAR);
            const name = g.length > nameWidth ? `…${g.slice(-(nameWidth - 1))}` : g.padEnd(nameWidth);
            return `  ${name} [${"#".repeat(filled)}${".".repeat(BAR - filled)}] ${String(done).padStart(String(mine.length).length)}/${mine.length}` +
                `${failed > 0 ? ` (${failed} failed)` : ""}`;
        });
        const a = this.active;
        const task = a === undefined ? "" : `${a.chunk.taskId === undefined ? "" : `task ${a.chunk.taskId} `}${a.status} `
            + `(${a.chunk.logGroupName} ${isoTime(a.chunk.from)})${a.note === undefined || a.status !== "starting" ? "" : `, ${a.note}`}; `;
        lines.push(`  ${task}${this.timing()}`);
        return lines.map(l => (l.length > width - 1 ? `${l.slice(0, width - 2)}…` : l));
    }

    private draw(): void {
        if (!this.o.tty) {
            return;
        }
        this.clear();
        const lines = this.block();
        this.o.write(`${lines.join("\n")}\n`);
        this.drawnLines = lines.length;
    }
}
