/**
 * One account's part of `cwlogs-export export`: assume its role, select its log groups, open (and
 * lock) its checkpoint, check the set-up, and run its backfill through the engine queue of that
 * account and region. The command runs one of these per account, side by side.
 */
import { CloudWatchLogsClient } from "@aws-sdk/client-cloudwatch-logs";
import { ClientBase, logsExportApi, preflightBucket, preflightLogGroup } from "../../dynamic-providers/aws";
import { ExportApi, ExportTaskInfo, listExportTasks, pickAdoptable, Timing } from "../../dynamic-providers/engine";
import { ValidationError } from "../../policies/validate";
import { AccountTarget, assumeRoleFor, callerIdentity, mapBounded } from "../accounts";
import { AwsClients, explainAwsError } from "../aws";
import { BackfillEvent, BackfillResult, chunkRequest, readTaskLists, runBackfill, TaskLists, tasksNotBefore } from "./backfill";
import { describeInterruptedTask } from "./interrupt";
import { lockState } from "./lock";
import { EarlyListings, writeManifest } from "./manifest";
import { chunkCount } from "./plan";
import { GroupSelector, LOOKUPS_AT_ONCE, namesOnly, resolveGroups, selectorIdentity } from "./select";
import { cancelCommand } from "./summary";
import { BackfillState, defaultStatePath, JobSpec, jobKey, loadState, saveState } from "./state";
import { openRun } from "./open";

/** A backfill is at most this many tasks per account: each waits for the account's single export slot. */
export const MAX_CHUNKS = 10_000;

/** What every account shares. */
export interface AccountContext {
    /** The job without the parts that differ per account (log groups, role, region). */
    readonly job: Omit<JobSpec, "region" | "roleArn" | "logGroupNames">;
    readonly selector: GroupSelector;
    /** `--state` as given; `undefined`: the default path per backfill. */
    readonly stateFile?: string;
    /** Several accounts: each checkpoint goes beside `--state`, named after its account. */
    readonly multi: boolean;
    /** The flag that named the roles (`--role-arn`, `--accounts-file`, `--org-role-name`). */
    readonly roleFlag: string;
    readonly clients: AwsClients;
    readonly region: string;
    readonly wait: boolean;
    readonly dryRun: boolean;
    readonly sinceLast: boolean;
    readonly skipEmpty: boolean;
    readonly cancelOnInterrupt: boolean;
    /** The flags `cancel` needs to reach the same region and profile (` --region R --profile P`). */
    readonly cancelFlags: string;
    readonly signal?: AbortSignal;
    readonly timing?: Partial<Timing>;
    /** Progress sink for this account (its own Progress display). */
    readonly progress: (state: BackfillState, account: string | undefined) => { onEvent(e: BackfillEvent): void; finish(): void };
    /** Notes for the user (stderr). */
    readonly note: (text: string) => void;
}

/** What one account did. */
export interface AccountOutcome {
    readonly account?: string;
    readonly roleArn?: string;
    stateFile?: string;
    state?: BackfillState;
    result?: BackfillResult;
    groups: string[];
    skippedGroups: { readonly logGroupName: string; readonly why: string }[];
    /** Groups the selection saw in DescribeLogGroups: the preflight need not look them up again. */
    listed?: ReadonlySet<string>;
    /** Why the account could not run (AssumeRole denied, a missing log group or bucket, a bad checkpoint). */
    error?: Error;
    /** Ctrl-C came before this account's turn (`--max-accounts`): nothing of it ran. */
    notStarted?: boolean;
    /**
     * After Ctrl-C, the task left running as AWS describes it now (it may have ended since the last
     * poll), as the sentence to print, with the `cancel` command that reaches it.
     */
    activeTaskNow?: string;
}

/**
 * The checkpoint of one account in a run over several: `<state>.<account>.json` beside `--state`
 * (`exports.json` -> `exports.111122223333.json`).
 */
export function accountStatePath(stateFile: string, account: string): string {
    return /\.json$/i.test(stateFile) ? stateFile.replace(/\.json$/i, `.${account}.json`) : `${stateFile}.${account}.json`;
}

/** Preflight messages name provider arguments; the shell user typed flags. */
export function flagNames(e: unknown, roleFlag = "--role-arn"): Error {
    const err = e instanceof Error ? e : new Error(String(e));
    const names: Record<string, string> = { destination: "--bucket", logGroupName: "--log-group", region: "--region", roleArn: roleFlag };
    const message = err.message
        .replace(/\[(destination|logGroupName|region|roleArn)\]/g, (_, n: string) => `[${names[n]}]`)
        // Pulumi advice of the provider's preflight, said for the command line.
        .replace(/: create it first \(e\.g\. with the ExportBucket component\) and make the ExportTask depend on its bucket policy\./,
            ": create it first, with the bucket policy CloudWatch Logs needs (`cwlogs-export policy --help` prints it), or check --bucket and --region.")
        .replace(/AWS_ENDPOINT_URL, \[--region\]/, "--endpoint-url / AWS_ENDPOINT_URL, --region");
    return message === err.message ? err : Object.assign(new Error(message), { name: err.name });
}

/**
 * A copy of `state` (never saved) in which the chunks whose task AWS lists (by name, range and
 * destination, as a real run adopts them) are completed or running: what a dry run reports.
 */
async function withAwsTasks(api: ExportApi, state: BackfillState): Promise<BackfillState> {
    const options = { deadline: Date.now() + 120_000 };
    const known: ExportTaskInfo[] = [];
    for (const status of ["PENDING", "RUNNING", "COMPLETED"] as const) {
        known.push(...await listExportTasks(api, status, 20, options));
    }
    const chunks = state.chunks.map(c => {
        if (c.status === "completed") {
            return { ...c };
        }
        const t = pickAdoptable(known, chunkRequest(state, c));
        return t === undefined ? { ...c } : { ...c, taskId: t.taskId, status: t.statusCode === "COMPLETED" ? "completed" as const : "running" as const };
    });
    return { ...state, chunks };
}

/** The account's log groups with events in the range (all selected ones with `--no-skip-empty`). */
async function selectGroups(ctx: AccountContext, base: ClientBase, outcome: AccountOutcome): Promise<string[]> {
    let groups = [...ctx.selector.names];
    if (!namesOnly(ctx.selector) || ctx.skipEmpty) {
        const logs = new CloudWatchLogsClient({ ...base });
        try {
            const r = await resolveGroups(logs, ctx.selector, ctx.job.from, ctx.job.to, { skipEmpty: ctx.skipEmpty, streamPrefix: ctx.job.streamPrefix });
            groups = r.groups;
            outcome.skippedGroups = r.skipped;
            outcome.listed = new Set(r.groups.filter(g => !r.unlisted.includes(g)));
        } catch (e) {
            throw explainAwsError(e, "DescribeLogGroups");
        } finally {
            logs.destroy();
        }
    }
    outcome.groups = groups;
    return groups;
}

/** Work {@link exportAccount} starts before the log groups are known (see there). */
interface Early {
    /** The bucket's preflight: resolves to its error, or `undefined` when it passed. */
    readonly bucket: Promise<unknown>;
    readonly api: Promise<ExportApi>;
    /**
     * The task lists read ahead, for a backfill whose COMPLETED tasks must be read back to
     * `notBefore` (`undefined` when the read ahead does not reach that far).
     */
    readonly lists?: (notBefore: number) => Promise<TaskLists> | undefined;
}

function startEarly(ctx: AccountContext, base: ClientBase, account: string | undefined, opened: ReturnType<typeof openRun> | undefined): Early {
    const bucket = preflightBucket(base, ctx.region, ctx.job.bucket).then(() => undefined, (e: unknown) => e);
    const api = logsExportApi(base);
    api.catch(() => undefined);
    // Not started in a dry run (it lists tasks its own way) or when nothing is left to do.
    if (ctx.dryRun || (opened?.resumed === true && opened.state.chunks.length === 0)) {
        return { bucket, api };
    }
    // Every chunk of a new plan ends after --from (--since-last may start earlier: then the
    // backfill reads for itself); a resumed plan has its own chunks.
    const notBefore = tasksNotBefore(opened?.resumed === true ? opened.state.chunks : [{ to: ctx.job.from }]);
    const recorded = opened?.resumed === true && opened.state.chunks.some(c => c.taskId !== undefined);
    let lists: Promise<TaskLists> | undefined;
    const start = (): Promise<TaskLists> => {
        lists ??= api.then(a => readTaskLists(a, `${account ?? "?"}:${ctx.region}`, notBefore, recorded));
        return lists;
    };
    // Nobody may wait for it (the account fails first): its rejection is then nobody's business.
    start().catch(() => undefined);
    return { bucket, api, lists: need => (need >= notBefore ? start() : undefined) };
}

/** Runs (or, with `dryRun`, plans) the backfill of one account. Throws only in single-account runs' own errors. */
export async function exportAccount(ctx: AccountContext, target: AccountTarget): Promise<AccountOutcome> {
    const { clients, region } = ctx;
    const credentials = target.roleArn === undefined ? undefined : await assumeRoleFor(clients.config, target.roleArn, ctx.roleFlag);
    const base: ClientBase = {
        region, endpoint: clients.config.endpoint,
        ...(credentials === undefined ? { profile: clients.config.profile } : { credentials }),
    };
    const account = target.account ?? await callerIdentity(clients.config);
    const outcome: AccountOutcome = { account, roleArn: target.roleArn, groups: [], skippedGroups: [] };

    const base0 = { ...ctx.job, region, ...(target.roleArn === undefined ? {} : { roleArn: target.roleArn }) };
    const given = ctx.stateFile === undefined ? undefined : ctx.multi ? accountStatePath(ctx.stateFile, account ?? "caller") : ctx.stateFile;
    // The default path names the selection, not the groups it matched today; --since-last runs form
    // their own series, whatever their --from and --to.
    const pathJob = { ...base0, logGroupNames: selectorIdentity(ctx.selector), ...(ctx.sinceLast ? { fromArg: "since-last", toArg: "since-last" } : {}) };
    const stateFile = given ?? defaultStatePath(ctx.job.bucket, jobKey(pathJob));
    outcome.stateFile = stateFile;
    // A dry run reads the checkpoint and writes nothing, so it needs no lock.
    const release = ctx.dryRun ? () => undefined : lockState(stateFile);
    try {
        // A checkpoint is checked (and an unfinished one resumed as it is) before any AWS call.
        const existing = loadState(stateFile);
        let opened = existing === undefined ? undefined : openRun({ ...base0, logGroupNames: existing.job.logGroupNames }, stateFile, ctx.sinceLast);
        // What does not depend on the log groups starts now, beside their selection: the bucket's
        // checks, and (for a run that creates tasks) the task lists the backfill reconciles with,
        // read back to the oldest chunk any selection can have. In an organization's run each
        // account's first task waits for all of these; one after the other they took about a second.
        const ahead = startEarly(ctx, base, account, opened);
        const queueKey = `${account ?? "?"}:${region}`;
        if (opened === undefined || !opened.resumed || opened.state.chunks.every(c => c.status === "completed")) {
            const groups = await selectGroups(ctx, base, outcome);
            if (groups.length === 0) {
                return outcome;
            }
            const tasks = chunkCount(ctx.job.from, ctx.job.to, ctx.job.chunkMs) * groups.length;
            if (tasks > MAX_CHUNKS) {
                throw new ValidationError("--chunk", `${ctx.job.chunk} makes ${tasks} export tasks${ctx.multi ? ` in account ${account}` : ""}, ` +
                    `more than ${MAX_CHUNKS}: use a larger --chunk (e.g. 1d or 1w).`);
            }
            opened = openRun({ ...base0, logGroupNames: groups }, stateFile, ctx.sinceLast);
        } else {
            outcome.groups = [...opened.state.job.logGroupNames];
        }
        const { state, file, converted } = opened;
        const job = state.job;
        outcome.state = state;
        if (converted !== undefined) {
            ctx.note(`note: ${file} was written by an earlier cwlogs-export (checkpoint version ${converted}, inclusive chunk ends); ` +
                "it is read as the same chunks with exclusive ends and rewritten in the current format.\n");
        }
        if (state.chunks.length > 0 && state.chunks.some(c => c.status !== "completed")) {
            // The groups' checks side by side: before the first task, each round trip counts. Groups
            // DescribeLogGroups just listed need no second look; the bucket (the same for every
            // group) was checked beside the selection, and its verdict comes after the groups'.
            const toCheck = state.job.logGroupNames.filter(g => outcome.listed?.has(g) !== true);
            const checks = await mapBounded(toCheck, LOOKUPS_AT_ONCE, group => preflightLogGroup(base, region, group));
            const failed = checks.find((c): c is PromiseRejectedResult => c.status === "rejected");
            if (failed !== undefined) {
                throw flagNames(failed.reason, ctx.roleFlag);
            }
            const bucketError = await ahead.bucket;
            if (bucketError !== undefined) {
                throw flagNames(bucketError, ctx.roleFlag);
            }
        }
        if (state.chunks.length === 0) {
            return outcome;
        }
        const api = await ahead.api;
        if (ctx.dryRun) {
            outcome.state = await withAwsTasks(api, state);
            return outcome;
        }
        const progress = ctx.progress(state, ctx.multi ? account : undefined);
        // Each completed task's folder is listed for the manifest while the next task runs (from its
        // creation on, so that the listing does not compete with that create): listed at the end, an
        // organization's hundreds of folders delayed the summary by seconds. The manifest lists what is left.
        const listings = new EarlyListings(() => ctx.clients.s3(), state.job.bucket, state.job.prefix);
        let completed: string[] = [];
        const listAhead = (e: BackfillEvent): void => {
            if (e.kind === "done" && e.chunk.status === "completed" && e.chunk.taskId !== undefined) {
                completed.push(e.chunk.taskId);
            } else if (e.kind === "engine" && e.event.kind === "created") {
                completed.forEach(id => listings.add(id));
                completed = [];
            }
        };
        try {
            outcome.result = await runBackfill({
                api, state,
                save: s => saveState(file, s),
                file,
                queueKey,
                wait: ctx.wait,
                signal: ctx.signal,
                cancelOnInterrupt: ctx.cancelOnInterrupt,
                lists: ahead.lists?.(tasksNotBefore(state.chunks)),
                onEvent: e => {
                    listAhead(e);
                    progress.onEvent(e);
                },
                explain: { bucket: state.job.bucket, region, account, roleArn: job.roleArn },
                timing: ctx.timing,
            });
        } catch (e) {
            throw e instanceof ValidationError ? e : explainAwsError(e, "export");
        } finally {
            progress.finish();
        }
        const active = outcome.result.interrupted ? outcome.result.activeTask : undefined;
        if (active !== undefined && !active.cancelled) {
            outcome.activeTaskNow = await describeInterruptedTask(api, active.taskId, undefined, cancelCommand(active.taskId, outcome, ctx.cancelFlags));
        }
        // What was exported where, beside the checkpoint (`verify --manifest` checks it later).
        await writeManifest(ctx.clients.s3(), state, file, ctx.note, listings.started);
        return outcome;
    } finally {
        release();
    }
}
