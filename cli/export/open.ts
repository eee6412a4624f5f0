/**
 * Opening the checkpoint of a run: resume the same backfill, start a fresh plan, or (`--since-last`)
 * continue each log group from the end of its last completed export in the previous checkpoint.
 */
import { ValidationError } from "../../policies/validate";
import { isRelativeTime, planJobChunks } from "./plan";
import { BackfillState, checkState, defaultStatePath, JobSpec, jobKey, loadState, newState, RECOVER } from "./state";

/** What {@link openState} and {@link openRun} return. */
export interface Opened {
    readonly state: BackfillState;
    readonly file: string;
    readonly resumed: boolean;
    readonly converted?: number;
}

function describeJob(j: Partial<JobSpec>): string {
    return Array.isArray(j.logGroupNames) ? `${j.logGroupNames.join(", ")} from ${j.fromArg} to ${j.toArg} into s3://${j.bucket}/${j.prefix}` : "unreadable job";
}

/** True when `existing` is the same backfill as `job` but for the list of log groups (a prefix or pattern now matches others). */
function sameButGroups(existing: BackfillState, job: JobSpec): boolean {
    try {
        return jobKey({ ...existing.job, logGroupNames: job.logGroupNames }) === jobKey(job);
    } catch {
        return false;
    }
}

/**
 * The state to run: the checkpoint of the same backfill when there is one (with the times it
 * resolved), else a fresh plan. A finished backfill with relative times starts again: `-1d` means
 * another day now.
 */
export function openState(job: JobSpec, stateFile: string | undefined, cwd = process.cwd()): Opened {
    return open(job, stateFile, false, cwd);
}

/** {@link openState}, and with `sinceLast` each group starts where its last completed export ended. */
export function openRun(job: JobSpec, stateFile: string | undefined, sinceLast: boolean, cwd = process.cwd()): Opened {
    return open(job, stateFile, sinceLast, cwd);
}

/**
 * The end of each log group's last completed export in `state`: the `to` of its latest completed
 * chunk, provided every earlier chunk of the group completed too (a gap is exported again).
 */
export function lastCompletedEnds(state: BackfillState): Record<string, number> {
    const ends: Record<string, number> = {};
    const broken = new Set<string>();
    for (const c of [...state.chunks].sort((a, b) => a.from - b.from)) {
        if (broken.has(c.logGroupName)) {
            continue;
        }
        if (c.status === "completed") {
            ends[c.logGroupName] = c.to;
        } else {
            broken.add(c.logGroupName);
        }
    }
    return ends;
}

/**
 * True when `existing` is a finished backfill into the same place (bucket, prefix, chunk, stream
 * prefix, region, role) that `--since-last` continues, whatever its range and groups were.
 */
function continuedBy(existing: BackfillState, job: JobSpec): boolean {
    try {
        return existing.chunks.every(c => c.status === "completed")
            && jobKey({ ...existing.job, logGroupNames: job.logGroupNames, fromArg: job.fromArg, toArg: job.toArg }) === jobKey(job);
    } catch {
        return false;
    }
}

function open(job: JobSpec, stateFile: string | undefined, sinceLast: boolean, cwd: string): Opened {
    const key = jobKey(job);
    const file = stateFile ?? defaultStatePath(job.bucket, key, cwd);
    const existing = loadState(file);
    if (existing !== undefined && existing.key !== key && sinceLast && continuedBy(existing, job)) {
        return continueFrom(existing, job, key, file);
    }
    if (existing !== undefined && existing.key !== key && !sameButGroups(existing, job)) {
        throw new ValidationError("--state", `${file} holds another backfill (${describeJob(existing.job as Partial<JobSpec>)}): ` +
            "pass another --state file, or delete this one to start over.");
    }
    if (existing !== undefined) {
        const wrong = checkState(existing, existing.key === key ? job : { ...job, logGroupNames: existing.job.logGroupNames });
        if (wrong !== undefined) {
            throw new ValidationError("--state", `${file} does not match the backfill this command plans: ${wrong}. It was edited or damaged and is not used: ${RECOVER}`);
        }
    }
    const finished = existing !== undefined && existing.chunks.every(c => c.status === "completed");
    const relative = isRelativeTime(job.fromArg) || isRelativeTime(job.toArg);
    // An unfinished checkpoint is always finished first (its tasks may be running), even when the
    // selection now matches other groups: the next run picks those up.
    if (existing !== undefined && (!finished || (!relative && !sinceLast && existing.key === key))) {
        const { converted, ...state } = existing;
        return { state, file, resumed: true, ...(converted === undefined ? {} : { converted }) };
    }
    if (sinceLast && existing !== undefined) {
        return continueFrom(existing, job, key, file);
    }
    return { state: newState(key, job, planJobChunks(job)), file, resumed: false };
}

/** A fresh plan whose groups start where `previous` (finished) left them. */
function continueFrom(previous: BackfillState, job: JobSpec, key: string, file: string): Opened {
    const ends = lastCompletedEnds(previous);
    const groupFrom: Record<string, number> = {};
    for (const g of job.logGroupNames) {
        if (ends[g] !== undefined && ends[g] > job.from) {
            groupFrom[g] = ends[g];
        }
    }
    const planned: JobSpec = { ...job, groupFrom };
    return { state: newState(key, planned, planJobChunks(planned)), file, resumed: false };
}
