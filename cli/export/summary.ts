/**
 * What `cwlogs-export export` prints at the end: the text summary (one account as it always was,
 * several accounts one line each and totals), the dry-run plan, and the one JSON shape of `--json`
 * (documented in the README, "export --json"). Pure: no AWS calls.
 */
import { AccountOutcome } from "./account";
import { formatDuration, isoTime } from "./plan";
import { BackfillState, ChunkState, ChunkStatus, countByStatus, JobSpec } from "./state";

/** What the summary says about the exported objects. */
export type Listing =
    | { readonly objects: number; readonly bytes: number; readonly inTaskFolders: number; readonly truncated: boolean }
    | { readonly error: string };

/** The run as a whole, for the summary. */
export interface RunFacts {
    readonly job: Pick<JobSpec, "from" | "to" | "chunk" | "bucket" | "prefix" | "region">;
    readonly outcomes: readonly AccountOutcome[];
    readonly multi: boolean;
    readonly maxAccounts: number;
    readonly mode: "export" | "no-wait" | "dry-run";
    readonly listed?: Listing;
    readonly elapsedMs: number;
    readonly interrupted: boolean;
    /** Accounts left out by the filters or their Organizations status. */
    readonly skippedAccounts: readonly { readonly account: string; readonly why: string }[];
    /** The flags that reach the same account for `cancel` (`--region`, `--profile`). */
    readonly cancelFlags: string;
}

export function size(bytes: number): string {
    const units = ["B", "KiB", "MiB", "GiB", "TiB"];
    let v = bytes;
    let i = 0;
    while (v >= 1024 && i < units.length - 1) {
        v /= 1024;
        i++;
    }
    return `${i === 0 ? v : v.toFixed(1)} ${units[i]}`;
}

export function chunkLabel(c: Pick<ChunkState, "logGroupName" | "from" | "to">): string {
    return `${c.logGroupName} ${isoTime(c.from)}..${isoTime(c.to)}`;
}

/**
 * An engine message said for the command line: the engine speaks to the ExportTask resource's
 * arguments (`[timeoutMinutes]`); the command's chunk deadline is its own.
 */
export function cliMessage(message: string): string {
    return message.replace(/: raise \[timeoutMinutes\]\./, ": the chunk's deadline (7 days) passed; rerun the same command to wait for the task again (it adopts it).");
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? "" : "s"}`;

/** The `cancel` command that reaches a task of this account. */
export function cancelCommand(taskId: string, o: Pick<AccountOutcome, "roleArn">, cancelFlags: string): string {
    return `cwlogs-export cancel ${taskId}${cancelFlags}${o.roleArn === undefined ? "" : ` --role-arn ${o.roleArn}`}`;
}

/** An account's status word. */
export function accountStatus(o: AccountOutcome, mode: RunFacts["mode"]): "completed" | "failed" | "interrupted" | "started" | "planned" | "nothing-to-export" | "error" {
    if (o.error !== undefined) {
        return "error";
    }
    if (o.notStarted === true) {
        return "interrupted";
    }
    if (o.state === undefined || o.state.chunks.length === 0) {
        return "nothing-to-export";
    }
    if (mode === "dry-run") {
        return "planned";
    }
    const r = o.result;
    if (r === undefined) {
        return "error";
    }
    if (r.startedTask !== undefined) {
        return "started";
    }
    if (r.interrupted) {
        return "interrupted";
    }
    return r.failed.length > 0 || r.stoppedBy !== undefined ? "failed" : "completed";
}

/** Chunks to create, running ones to adopt, and done ones, as a dry run sees the checkpoint. */
export function planCounts(state: BackfillState): { toCreate: number; toAdopt: number; done: number } {
    const n = countByStatus(state);
    return { toCreate: n.pending + n.failed + n.cancelled, toAdopt: n.running, done: n.completed };
}

/** The failed (and cancelled, except the one cancelled on Ctrl-C) chunks of an account. */
function failedChunks(o: AccountOutcome): ChunkState[] {
    const active = o.result?.activeTask;
    return (o.state?.chunks ?? []).filter(c => c.status === "failed" || (c.status === "cancelled" && active?.taskId !== c.taskId));
}

function countsLine(state: BackfillState, alreadyDone: number): string {
    const n = countByStatus(state);
    return `${state.chunks.length}: ${n.completed} completed (${n.completed - alreadyDone} in this run, ${alreadyDone} before), ` +
        `${n.failed} failed, ${n.cancelled} cancelled, ${n.running} running, ${n.pending} not started`;
}

function objectsLine(listed: Listing, bucket: string, prefix: string): string {
    return "error" in listed
        ? `  objects     not listed (${listed.error}); the caller needs s3:ListBucket to count them`
        : `  objects     ${listed.truncated ? "at least " : ""}${listed.objects}, ${size(listed.bytes)} under s3://${bucket}/${prefix}/` +
            `${listed.inTaskFolders > 0 ? ` (${listed.inTaskFolders} in this backfill's task folders)` : ""}`;
}

function skippedLine(outcomes: readonly AccountOutcome[]): string | undefined {
    const skipped = outcomes.reduce((n, o) => n + o.skippedGroups.length, 0);
    return skipped === 0 ? undefined : `  skipped     ${plural(skipped, "log group")} with no events in the range (creation time and log stream timestamps)`;
}

/** The end-of-run summary of a single-account run, as text. */
export function formatSummary(f: RunFacts): string {
    const o = f.outcomes[0];
    const j = f.job;
    const lines: string[] = [];
    const state = o.state;
    const r = o.result;
    const groups = state?.job.logGroupNames.length ?? 0;
    lines.push(`Export of ${plural(groups, "log group")}, ${isoTime(j.from)}..${isoTime(j.to)} in ${j.chunk} chunks, to s3://${j.bucket}/${j.prefix}/:`);
    if (state !== undefined && r !== undefined) {
        lines.push(`  chunks      ${countsLine(state, r.alreadyDone)}`);
        lines.push(`  tasks       ${r.created} created, ${r.adopted} adopted from an earlier run`);
    } else {
        lines.push("  chunks      none: nothing to export in this range");
    }
    const skipped = skippedLine(f.outcomes);
    if (skipped !== undefined) {
        lines.push(skipped);
    }
    if (f.listed !== undefined) {
        lines.push(objectsLine(f.listed, j.bucket, j.prefix));
    }
    lines.push(`  elapsed     ${formatDuration(f.elapsedMs)}`);
    if (o.stateFile !== undefined && state !== undefined && state.chunks.length > 0) {
        lines.push(`  checkpoint  ${o.stateFile}`);
    }
    lines.push(...failedLines(f.outcomes, false));
    return `${lines.join("\n")}\n`;
}

function failedLines(outcomes: readonly AccountOutcome[], multi: boolean): string[] {
    const lines: string[] = [];
    const failed = outcomes.flatMap(o => failedChunks(o).map(c => ({ o, c })));
    if (failed.length > 0) {
        lines.push("Failed chunks (rerun the same command to try them again):");
        for (const { o, c } of failed) {
            lines.push(`  ${multi ? `${o.account} ` : ""}${chunkLabel(c)}${c.taskId === undefined ? "" : ` task ${c.taskId}`}: ` +
                `${cliMessage(c.message ?? c.status).split("\n").join("\n    ")}`);
        }
    }
    return lines;
}

/** The end-of-run summary of a run over several accounts: one line per account, then totals. */
export function formatMultiSummary(f: RunFacts): string {
    const j = f.job;
    const ok = f.outcomes.filter(o => o.error === undefined);
    const lines = [`Export of ${plural(f.outcomes.length, "account")} (${f.maxAccounts} at a time), ${isoTime(j.from)}..${isoTime(j.to)} in ${j.chunk} chunks, ` +
        `to s3://${j.bucket}/${j.prefix}/:`];
    for (const o of f.outcomes) {
        const id = (o.account ?? "?").padEnd(12);
        if (o.error !== undefined) {
            lines.push(`  ${id}  FAILED: ${o.error.message.split("\n").join("\n    ")}`);
            continue;
        }
        if (o.notStarted === true) {
            lines.push(`  ${id}  not started (Ctrl-C came before its turn)`);
            continue;
        }
        const s = o.state;
        const r = o.result;
        const skipped = o.skippedGroups.length > 0 ? ` (${o.skippedGroups.length} skipped: no events)` : "";
        if (s === undefined || s.chunks.length === 0 || r === undefined) {
            lines.push(`  ${id}  ${plural(o.groups.length, "log group")}${skipped}: nothing to export`);
            continue;
        }
        lines.push(`  ${id}  ${plural(s.job.logGroupNames.length, "log group")}${skipped}, chunks ${countsLine(s, r.alreadyDone)}; ` +
            `tasks ${r.created} created, ${r.adopted} adopted`);
    }
    for (const s of f.skippedAccounts) {
        lines.push(`  ${s.account.padEnd(12)}  not run (${s.why})`);
    }
    const t = totals(f);
    lines.push(`  accounts    ${ok.length} of ${f.outcomes.length} ran${f.outcomes.length > ok.length ? `, ${f.outcomes.length - ok.length} failed before exporting (listed above)` : ""}`);
    lines.push(`  chunks      ${t.chunks}: ${t.completed} completed (${t.completed - t.completedBefore} in this run, ${t.completedBefore} before), ` +
        `${t.failed} failed, ${t.cancelled} cancelled, ${t.running} running, ${t.pending} not started`);
    lines.push(`  tasks       ${t.tasksCreated} created, ${t.tasksAdopted} adopted from an earlier run`);
    const skipped = skippedLine(f.outcomes);
    if (skipped !== undefined) {
        lines.push(skipped);
    }
    if (f.listed !== undefined) {
        lines.push(objectsLine(f.listed, j.bucket, j.prefix));
    }
    lines.push(`  elapsed     ${formatDuration(f.elapsedMs)}`);
    const files = f.outcomes.filter(o => o.stateFile !== undefined && (o.state?.chunks.length ?? 0) > 0).map(o => o.stateFile as string);
    if (files.length > 0) {
        lines.push(`  checkpoints ${files.join("\n              ")}`);
    }
    lines.push(...failedLines(f.outcomes, true));
    return `${lines.join("\n")}\n`;
}

/** The plan of a dry run, as text. */
export function formatPlan(f: RunFacts): string {
    const j = f.job;
    const lines = [`Plan (dry run: nothing is created), ${isoTime(j.from)}..${isoTime(j.to)} in ${j.chunk} chunks, to s3://${j.bucket}/${j.prefix}/:`];
    let create = 0;
    for (const o of f.outcomes) {
        const who = f.multi ? `account ${o.account}` : "this account";
        if (o.error !== undefined) {
            lines.push(`  ${who}: FAILED: ${o.error.message}`);
            continue;
        }
        const s = o.state;
        if (s === undefined || s.chunks.length === 0) {
            lines.push(`  ${who}: nothing to export${o.skippedGroups.length > 0 ? ` (${plural(o.skippedGroups.length, "log group")} without events in the range)` : ""}`);
        } else {
            const p = planCounts(s);
            create += p.toCreate;
            lines.push(`  ${who}: ${plural(s.job.logGroupNames.length, "log group")}, ${plural(s.chunks.length, "chunk")}: ` +
                `${p.toCreate} tasks to create, ${p.toAdopt} running to adopt or wait for, ${p.done} already done` +
                `${o.stateFile === undefined ? "" : ` (checkpoint ${o.stateFile})`}`);
            for (const g of s.job.logGroupNames) {
                const mine = s.chunks.filter(c => c.logGroupName === g);
                const first = mine[0];
                const todo = mine.filter(c => c.status !== "completed").length;
                lines.push(`    ${g}: ${plural(mine.length, "chunk")}${first === undefined ? " (nothing new since the last export)" : ` from ${isoTime(first.from)}`}, ${todo} to do`);
            }
        }
        for (const g of o.skippedGroups) {
            lines.push(`    ${g.logGroupName}: skipped, ${g.why}`);
        }
    }
    for (const s of f.skippedAccounts) {
        lines.push(`  account ${s.account}: not run (${s.why})`);
    }
    lines.push(`Total: ${plural(create, "export task")} to create. Run the same command without --dry-run to export.`);
    return `${lines.join("\n")}\n`;
}

interface Totals {
    accounts: number;
    accountsFailed: number;
    logGroups: number;
    logGroupsSkipped: number;
    chunks: number;
    completedBefore: number;
    tasksCreated: number;
    tasksAdopted: number;
    completed: number; failed: number; cancelled: number; running: number; pending: number;
}

function totals(f: RunFacts): Totals {
    const t: Totals = {
        accounts: f.outcomes.length, accountsFailed: f.outcomes.filter(o => o.error !== undefined).length,
        logGroups: 0, logGroupsSkipped: 0, chunks: 0, completedBefore: 0, tasksCreated: 0, tasksAdopted: 0,
        completed: 0, failed: 0, cancelled: 0, running: 0, pending: 0,
    };
    for (const o of f.outcomes) {
        t.logGroups += o.state?.job.logGroupNames.length ?? 0;
        t.logGroupsSkipped += o.skippedGroups.length;
        if (o.state !== undefined) {
            const n = countByStatus(o.state);
            t.chunks += o.state.chunks.length;
            for (const k of Object.keys(n) as ChunkStatus[]) {
                t[k] += n[k];
            }
        }
        t.completedBefore += o.result?.alreadyDone ?? (o.state === undefined ? 0 : countByStatus(o.state).completed);
        t.tasksCreated += o.result?.created ?? 0;
        t.tasksAdopted += o.result?.adopted ?? 0;
    }
    return t;
}

/**
 * The `--json` document: the same shape for one account and many, for a full run, `--no-wait` and
 * `--dry-run` (README, "export --json"). Times are ISO-8601 strings.
 */
export function summaryJson(f: RunFacts): unknown {
    const j = f.job;
    return {
        mode: f.mode,
        region: j.region, bucket: j.bucket, prefix: j.prefix, from: isoTime(j.from), to: isoTime(j.to), chunk: j.chunk,
        accounts: f.outcomes.map(o => {
            const s = o.state;
            const n = s === undefined ? undefined : countByStatus(s);
            const r = o.result;
            const started = r?.startedTask;
            const active = r?.activeTask;
            return {
                account: o.account ?? null,
                roleArn: o.roleArn ?? null,
                status: accountStatus(o, f.mode),
                error: o.error?.message ?? null,
                stateFile: s !== undefined && s.chunks.length > 0 ? o.stateFile ?? null : null,
                logGroups: s?.job.logGroupNames ?? o.groups,
                skippedLogGroups: o.skippedGroups,
                chunks: n === undefined || s === undefined ? null : { total: s.chunks.length, ...n, completedBefore: r?.alreadyDone ?? n.completed },
                tasks: r === undefined ? null : { created: r.created, adopted: r.adopted },
                plan: f.mode === "dry-run" && s !== undefined ? planCounts(s) : null,
                startedTask: started === undefined ? null : {
                    taskId: started.taskId, logGroupName: started.chunk.logGroupName, from: isoTime(started.chunk.from), to: isoTime(started.chunk.to),
                    alreadyRunning: started.alreadyRunning,
                },
                runningTask: active === undefined ? null : {
                    taskId: active.taskId, cancelled: active.cancelled, cancelCommand: active.cancelled ? null : cancelCommand(active.taskId, o, f.cancelFlags),
                },
                failedChunks: failedChunks(o).map(c => ({
                    logGroupName: c.logGroupName, from: isoTime(c.from), to: isoTime(c.to), taskId: c.taskId ?? null, status: c.status, message: c.message === undefined ? null : cliMessage(c.message),
                })),
            };
        }),
        skippedAccounts: f.skippedAccounts,
        totals: totals(f),
        objects: f.listed ?? null,
        elapsedMs: f.elapsedMs,
        interrupted: f.interrupted,
    };
}
