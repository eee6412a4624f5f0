/**
 * `cwlogs-export export --log-group NAME... --from T --to T --bucket B [--prefix P] [--chunk 1d]
 * [--stream-prefix S] [--role-arn ARN] [--state FILE] [--no-wait] [--cancel-on-interrupt]`:
 * a backfill, split into chunks, run one export task at a time through the ExportTask engine,
 * checkpointed so that a rerun resumes it.
 */
import { ListObjectsV2Command } from "@aws-sdk/client-s3";
import { AssumeRoleCommand, GetCallerIdentityCommand } from "@aws-sdk/client-sts";
import { Command, Option } from "commander";
import { ClientBase, logsExportApi, preflight } from "../../dynamic-providers/aws";
import { Timing } from "../../dynamic-providers/engine";
import { accountOfPrincipalArn, ValidationError, validateBucketName, validateLogGroupName, validatePrefix, validateRoleArn } from "../../policies/validate";
import { addAwsOptions, AwsClients, awsClients, AwsFlags, explainAwsError } from "../aws";
import { CliIo, EXIT } from "../io";
import { required } from "../policy";
import { BackfillResult, runBackfill } from "./backfill";
import { chunkCount, formatDuration, isoTime, isRelativeTime, parseChunk, parseTime, planChunks } from "./plan";
import { lockState } from "./lock";
import { writeManifest } from "./manifest";
import { Progress } from "./progress";
import { BackfillState, checkState, ChunkState, countByStatus, defaultStatePath, JobSpec, jobKey, loadState, newState, RECOVER, saveState } from "./state";

/** A backfill is at most this many tasks: each waits for the account's single export slot. */
export const MAX_CHUNKS = 10_000;

/** AWS's default `destinationPrefix` when none is given. */
export const DEFAULT_PREFIX = "exportedlogs";

export interface ExportFlags extends AwsFlags {
    logGroup?: string[];
    from?: string;
    to?: string;
    bucket?: string;
    prefix?: string;
    chunk?: string;
    streamPrefix?: string;
    roleArn?: string;
    state?: string;
    wait?: boolean;
    cancelOnInterrupt?: boolean;
    json?: boolean;
}

/** An error that carries the exit code the command line returns (after the summary was printed). */
export function exitError(message: string, exitCode: number): Error {
    return Object.assign(new Error(message), { exitCode });
}

/** Test and embedding hooks. */
export interface ExportHooks {
    /** Aborts like Ctrl-C. The command line wires SIGINT to it. */
    readonly signal?: AbortSignal;
    readonly now?: () => number;
    /** Engine timing overrides (tests, benchmarks). */
    readonly timing?: Partial<Timing>;
}

interface Parsed {
    readonly job: JobSpec;
    readonly stateFile?: string;
}

/** Validates every flag (throws a ValidationError naming it) before any AWS call. */
export function parseExportFlags(flags: ExportFlags, now: number): Omit<Parsed, "job"> & { job: Omit<JobSpec, "region"> } {
    const groups = flags.logGroup ?? [];
    if (groups.length === 0) {
        throw new ValidationError("--log-group", "is required: name at least one log group to export (repeat the flag or list several).");
    }
    const logGroupNames = [...new Set(groups.map(g => validateLogGroupName(g, "--log-group")))];
    const fromArg = required(flags.from, "--from", "give the start of the range (ISO-8601, ms epoch, or e.g. -7d)");
    const toArg = required(flags.to, "--to", "give the end of the range (ISO-8601, ms epoch, now, or e.g. -1d)");
    const bucket = required(flags.bucket, "--bucket", "name the destination bucket");
    // Existing buckets may have legacy names (uppercase, underscores): only refuse what S3 never accepts.
    if (!/^[A-Za-z0-9._-]{3,255}$/.test(bucket)) {
        validateBucketName(bucket, "--bucket");
    }
    const prefix = flags.prefix === undefined ? DEFAULT_PREFIX : validatePrefix(flags.prefix, "--prefix");
    if (flags.streamPrefix !== undefined && !/^[^:*]{1,512}$/.test(flags.streamPrefix)) {
        throw new ValidationError("--stream-prefix",
            `${JSON.stringify(flags.streamPrefix)} is not a log stream name prefix: use 1 to 512 characters without ":" or "*".`);
    }
    const roleArn = flags.roleArn === undefined ? undefined : validateRoleArn(flags.roleArn, "--role-arn");
    const chunk = flags.chunk ?? "1d";
    const chunkMs = parseChunk(chunk);
    const from = parseTime(fromArg, "--from", now);
    const to = parseTime(toArg, "--to", now);
    if (to > now + 60_000) {
        throw new ValidationError("--to", `${isoTime(to)} is in the future: events that do not exist yet cannot be exported; use now or an earlier time.`);
    }
    if (!(to > from)) {
        throw new ValidationError("--to", `must be after --from (${isoTime(from)}): swap them, or widen the range.`);
    }
    const tasks = chunkCount(from, to, chunkMs) * logGroupNames.length;
    if (tasks > MAX_CHUNKS) {
        throw new ValidationError("--chunk", `${chunk} makes ${tasks} export tasks, more than ${MAX_CHUNKS}: use a larger --chunk (e.g. 1d or 1w).`);
    }
    return {
        job: { logGroupNames, fromArg, toArg, from, to, chunk, chunkMs, bucket, prefix, streamPrefix: flags.streamPrefix, roleArn },
        stateFile: flags.state,
    };
}

/**
 * The state to run: the checkpoint of the same backfill when there is one (with the times it
 * resolved), else a fresh plan. A finished backfill with relative times starts again: `-1d` means
 * another day now.
 */
export function openState(job: JobSpec, stateFile: string | undefined, cwd = process.cwd()): { state: BackfillState; file: string; resumed: boolean; converted?: number } {
    const key = jobKey(job);
    const file = stateFile ?? defaultStatePath(job.bucket, key, cwd);
    const existing = loadState(file);
    if (existing !== undefined && existing.key !== key) {
        const j = existing.job as Partial<JobSpec>;
        const what = Array.isArray(j.logGroupNames) ? `${j.logGroupNames.join(", ")} from ${j.fromArg} to ${j.toArg} into s3://${j.bucket}/${j.prefix}` : "unreadable job";
        throw new ValidationError("--state", `${file} holds another backfill (${what}): pass another --state file, or delete this one to start over.`);
    }
    if (existing !== undefined) {
        const wrong = checkState(existing, job);
        if (wrong !== undefined) {
            throw new ValidationError("--state", `${file} does not match the backfill this command plans: ${wrong}. It was edited or damaged and is not used: ${RECOVER}`);
        }
    }
    const relative = isRelativeTime(job.fromArg) || isRelativeTime(job.toArg);
    if (existing !== undefined && !(relative && existing.chunks.every(c => c.status === "completed"))) {
        const { converted, ...state } = existing;
        return { state, file, resumed: true, ...(converted === undefined ? {} : { converted }) };
    }
    return { state: newState(key, job, planChunks(job.logGroupNames, job.from, job.to, job.chunkMs)), file, resumed: false };
}

async function assumeRole(clients: AwsClients, roleArn: string): Promise<ClientBase["credentials"]> {
    try {
        const out = await clients.sts().send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: "cwlogs-export" }));
        const c = out.Credentials;
        if (c?.AccessKeyId === undefined || c.SecretAccessKey === undefined) {
            throw new Error("no credentials returned");
        }
        return { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken };
    } catch (e) {
        throw new Error(`[--role-arn] cannot assume ${roleArn} (${(e as Error).name}: ${(e as Error).message}): ` +
            "check that the role's trust policy names the caller (see `cwlogs-export policy export-caller`).");
    }
}

async function callerAccount(clients: AwsClients, roleArn: string | undefined): Promise<string | undefined> {
    if (roleArn !== undefined) {
        return accountOfPrincipalArn(roleArn);
    }
    try {
        return (await clients.sts().send(new GetCallerIdentityCommand({}))).Account;
    } catch (e) {
        throw explainAwsError(e, "GetCallerIdentity");
    }
}

/** Preflight messages name provider arguments; the shell user typed flags. */
function flagNames(e: unknown): Error {
    const err = e instanceof Error ? e : new Error(String(e));
    const names: Record<string, string> = { destination: "--bucket", logGroupName: "--log-group", region: "--region", roleArn: "--role-arn" };
    const message = err.message.replace(/\[(destination|logGroupName|region|roleArn)\]/g, (_, n: string) => `[${names[n]}]`);
    return message === err.message ? err : new Error(message);
}

/** What the summary says about the exported objects. */
export type Listing =
    | { readonly objects: number; readonly bytes: number; readonly inTaskFolders: number; readonly truncated: boolean }
    | { readonly error: string };

/**
 * Objects and bytes under `<prefix>/` (AWS's permission-check object `aws-logs-write-test` left
 * out), and how many are in this backfill's task folders (`<prefix>/<taskId>/...`, AWS's layout).
 */
async function listExported(clients: AwsClients, state: BackfillState): Promise<Listing> {
    const ids = new Set(state.chunks.filter(c => c.status === "completed" && c.taskId !== undefined).map(c => c.taskId as string));
    let objects = 0;
    let bytes = 0;
    let inTaskFolders = 0;
    let token: string | undefined;
    try {
        for (let page = 0; page < 100; page++) {
            const out = await clients.s3().send(new ListObjectsV2Command({ Bucket: state.job.bucket, Prefix: `${state.job.prefix}/`, ContinuationToken: token }));
            for (const o of out.Contents ?? []) {
                const rest = (o.Key ?? "").slice(state.job.prefix.length + 1);
                if (rest.endsWith("aws-logs-write-test")) {
                    continue;
                }
                objects++;
                bytes += o.Size ?? 0;
                if (ids.has(rest.split("/")[0])) {
                    inTaskFolders++;
                }
            }
            token = out.IsTruncated === true ? out.NextContinuationToken : undefined;
            if (token === undefined) {
                return { objects, bytes, inTaskFolders, truncated: false };
            }
        }
        return { objects, bytes, inTaskFolders, truncated: true };
    } catch (e) {
        return { error: `${(e as Error).name}: ${(e as Error).message}` };
    }
}

function size(bytes: number): string {
    const units = ["B", "KiB", "MiB", "GiB", "TiB"];
    let v = bytes;
    let i = 0;
    while (v >= 1024 && i < units.length - 1) {
        v /= 1024;
        i++;
    }
    return `${i === 0 ? v : v.toFixed(1)} ${units[i]}`;
}

function chunkLabel(c: ChunkState): string {
    return `${c.logGroupName} ${isoTime(c.from)}..${isoTime(c.to)}`;
}

/** The end-of-run summary, as text. */
export function formatSummary(state: BackfillState, file: string, r: BackfillResult, listed: Listing | undefined, elapsedMs: number): string {
    const j = state.job;
    const n = countByStatus(state);
    const doneNow = n.completed - r.alreadyDone;
    const lines = [
        `Export of ${j.logGroupNames.length} log group${j.logGroupNames.length === 1 ? "" : "s"}, ${isoTime(j.from)}..${isoTime(j.to)} in ${j.chunk} chunks, to s3://${j.bucket}/${j.prefix}/:`,
        `  chunks      ${state.chunks.length}: ${n.completed} completed (${doneNow} in this run, ${r.alreadyDone} before), ` +
            `${n.failed} failed, ${n.cancelled} cancelled, ${n.running} running, ${n.pending} not started`,
        `  tasks       ${r.created} created, ${r.adopted} adopted from an earlier run`,
    ];
    if (listed !== undefined) {
        lines.push("error" in listed
            ? `  objects     not listed (${listed.error}); the caller needs s3:ListBucket to count them`
            : `  objects     ${listed.truncated ? "at least " : ""}${listed.objects}, ${size(listed.bytes)} under s3://${j.bucket}/${j.prefix}/` +
                `${listed.inTaskFolders > 0 ? ` (${listed.inTaskFolders} in this backfill's task folders)` : ""}`);
    }
    lines.push(`  elapsed     ${formatDuration(elapsedMs)}`, `  checkpoint  ${file}`);
    const failed = state.chunks.filter(c => c.status === "failed" || (c.status === "cancelled" && r.activeTask?.taskId !== c.taskId));
    if (failed.length > 0) {
        lines.push("Failed chunks (rerun the same command to try them again):");
        for (const c of failed) {
            lines.push(`  ${chunkLabel(c)}${c.taskId === undefined ? "" : ` task ${c.taskId}`}: ${(c.message ?? c.status).split("\n").join("\n    ")}`);
        }
    }
    return `${lines.join("\n")}\n`;
}

/** Runs `export`. Returns normally on success; throws an error with `exitCode` otherwise. */
export async function runExportCommand(io: CliIo, flags: ExportFlags, hooks: ExportHooks = {}): Promise<void> {
    const now = hooks.now ?? Date.now;
    const started = now();
    const parsed = parseExportFlags(flags, started);
    const clients = awsClients(flags);
    const region = await clients.region();
    const job: JobSpec = { ...parsed.job, region };
    const stateFile = parsed.stateFile ?? defaultStatePath(job.bucket, jobKey(job));
    const release = lockState(stateFile);
    try {
        await runLocked(io, flags, hooks, { job, stateFile, clients, region, started });
    } finally {
        release();
    }
}

/** Tolerance of the clock comparison: the `Date` header has whole seconds, and the answer took time. */
const CLOCK_SLACK_MS = 60_000;
/** "Log data can take up to 12 hours to become available for export" (S3Export page). */
const EXPORTABLE_AFTER_MS = 12 * 3_600_000;
const EXPORT_PAGE = "https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/S3Export.html";

/**
 * Refuses a `--to` in the future of AWS's clock (a local clock running fast would otherwise export
 * a range whose end has not happened yet and call it complete), and warns when it is within the
 * last 12 hours. `serverNow` is AWS's time when the flags were read.
 */
export function checkToAgainstServer(to: number, serverNow: number, localNow: number): { warning?: string } {
    if (to > serverNow + CLOCK_SLACK_MS) {
        const ahead = localNow - serverNow;
        const clock = ahead > CLOCK_SLACK_MS ? ` This machine's clock is ${formatDuration(ahead)} ahead of AWS's: fix it (e.g. NTP).` : "";
        throw new ValidationError("--to", `${isoTime(to)} is in the future of AWS's clock (the Date header of its answer says ${isoTime(Math.floor(serverNow / 1000) * 1000)}): ` +
            `events that do not exist yet cannot be exported; pass an earlier --to.${clock}`);
    }
    if (to > serverNow - EXPORTABLE_AFTER_MS) {
        return {
            warning: `warning: [--to] ${isoTime(to)} is within the last 12 hours: log data can take up to 12 hours to become available ` +
                `for export (${EXPORT_PAGE}), so this export may miss recent events.\n`,
        };
    }
    return {};
}

interface Prepared {
    readonly job: JobSpec;
    readonly stateFile: string;
    readonly clients: AwsClients;
    readonly region: string;
    readonly started: number;
}

async function runLocked(io: CliIo, flags: ExportFlags, hooks: ExportHooks, p: Prepared): Promise<void> {
    const { job, clients, region, started } = p;
    const now = hooks.now ?? Date.now;
    const { state, file, converted } = openState(job, p.stateFile);
    if (converted !== undefined) {
        io.stderr(`note: ${file} was written by an earlier cwlogs-export (checkpoint version ${converted}, inclusive chunk ends); ` +
            "it is read as the same chunks with exclusive ends and rewritten in the current format.\n");
    }

    const credentials = job.roleArn === undefined ? undefined : await assumeRole(clients, job.roleArn);
    const base: ClientBase = {
        region, endpoint: clients.config.endpoint,
        ...(credentials === undefined ? { profile: clients.config.profile } : { credentials }),
    };
    const account = await callerAccount(clients, job.roleArn);
    const serverNow = clients.serverNow();
    if (serverNow !== undefined) {
        // AWS's time when the flags were read: the local clock then, less how far it runs ahead of AWS's.
        const { warning } = checkToAgainstServer(job.to, started - (Date.now() - serverNow), started);
        if (warning !== undefined) {
            io.stderr(warning);
        }
    }
    if (state.chunks.some(c => c.status !== "completed")) {
        for (const group of state.job.logGroupNames) {
            try {
                await preflight(base, region, group, state.job.bucket);
            } catch (e) {
                throw flagNames(e);
            }
        }
    }
    const api = await logsExportApi(base);
    const progress = new Progress(state, { write: io.stderr, tty: io.isTTY === true, columns: io.columns });
    let result: BackfillResult;
    try {
        result = await runBackfill({
            api, state,
            save: s => saveState(file, s),
            file,
            queueKey: `${account ?? "?"}:${region}`,
            wait: flags.wait !== false,
            signal: hooks.signal,
            cancelOnInterrupt: flags.cancelOnInterrupt === true,
            onEvent: e => progress.onEvent(e),
            explain: { bucket: state.job.bucket, region, account, roleArn: job.roleArn },
            timing: hooks.timing,
        });
    } catch (e) {
        throw e instanceof ValidationError ? e : explainAwsError(e, "export");
    } finally {
        progress.finish();
    }
    await writeManifest(clients.s3(), state, file, io.stderr);

    if (result.startedTask !== undefined) {
        const t = result.startedTask;
        const n = countByStatus(state);
        io.stdout(`${t.alreadyRunning ? "Still running" : "Started"}: task ${t.taskId} for ${chunkLabel(t.chunk)} ` +
            `(${n.completed} of ${state.chunks.length} chunks done). --no-wait returns now: rerun the same command to record it and start the next chunk; ` +
            `\`cwlogs-export status ${t.taskId}\` shows it.\n`);
        return;
    }
    const listed = state.chunks.some(c => c.status === "completed") ? await listExported(clients, state) : undefined;
    const summary = formatSummary(state, file, result, listed, now() - started);
    io.stdout(flags.json === true ? `${JSON.stringify({
        stateFile: file, job: state.job, counts: countByStatus(state), created: result.created, adopted: result.adopted,
        alreadyDone: result.alreadyDone, objects: listed, interrupted: result.interrupted, activeTask: result.activeTask,
        failed: result.failed.map(c => ({ logGroupName: c.logGroupName, from: c.from, to: c.to, taskId: c.taskId, status: c.status, message: c.message })),
    }, null, 2)}\n` : summary);

    if (result.interrupted) {
        const a = result.activeTask;
        const what = a === undefined
            ? "no task of this backfill was running."
            : a.cancelled
                ? `task ${a.taskId} was cancelled (--cancel-on-interrupt).`
                : `task ${a.taskId} is still running and finishes on its own; \`cwlogs-export cancel ${a.taskId}\` cancels it.`;
        throw exitError(`interrupted: no further chunk was started; ${what} Rerun the same command to resume${a !== undefined && !a.cancelled ? " (it adopts that task)" : ""}.`, EXIT.interrupted);
    }
    if (result.stoppedBy !== undefined) {
        throw exitError(`stopped: CreateExportTask was refused, so the remaining chunks were not tried. ` +
            `\`cwlogs-export doctor --bucket ${state.job.bucket} --log-group ${state.job.logGroupNames[0]}\` checks the set-up; fix it and rerun the same command.`, EXIT.failed);
    }
    if (result.failed.length > 0) {
        throw exitError(`${result.failed.length} chunk${result.failed.length === 1 ? "" : "s"} failed (listed above): rerun the same command to try ${result.failed.length === 1 ? "it" : "them"} again.`, EXIT.failed);
    }
}

/** Registers `export` on `program`; SIGINT (Ctrl-C) stops the backfill cleanly. */
export function registerExportCommand(program: Command, io: CliIo): void {
    const cmd = program.command("export")
        .description("export log groups to S3 over a time range, in chunks, one export task at a time; resumable")
        .addOption(new Option("--log-group <name...>", "log group(s) to export (repeat the flag or list several)"))
        .addOption(new Option("--from <time>", "start of the range: ISO-8601 (2026-11-01T00:00:00Z, 2026-11-01), ms epoch, or relative (-7d, -12h)"))
        .addOption(new Option("--to <time>", "end of the range, exclusive: same forms, or now"))
        .addOption(new Option("--bucket <name>", "destination bucket, in the log groups' region"))
        .addOption(new Option("--prefix <prefix>", `key prefix of the exported objects (default: ${DEFAULT_PREFIX}, AWS's default)`))
        .addOption(new Option("--chunk <size>", "one export task per chunk: hour, day, week or a duration (30m, 6h, 2d)").default("1d"))
        .addOption(new Option("--stream-prefix <prefix>", "export only log streams whose name starts with this"))
        .addOption(new Option("--role-arn <arn>", "assume this role for the export calls (cross-account caller; CloudWatch Logs User Guide, S3ExportTasks.html)"))
        .addOption(new Option("--state <file>", "checkpoint file (default: ./.cwlogs-export/<bucket>-<hash>.json)"))
        .addOption(new Option("--no-wait", "start the next chunk's task (or report the running one) and return without waiting"))
        .addOption(new Option("--cancel-on-interrupt", "on Ctrl-C, cancel the running task instead of leaving it to finish"))
        .addOption(new Option("--json", "print the summary as JSON"))
        .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
        .exitOverride();
    addAwsOptions(cmd).action(async (_opts: ExportFlags, command: Command) => {
        const controller = new AbortController();
        const onSigint = (): void => {
            io.stderr("\nCtrl-C: stopping after the current step; no new chunk will start (Ctrl-C again quits at once).\n");
            controller.abort();
        };
        process.once("SIGINT", onSigint);
        try {
            await runExportCommand(io, command.optsWithGlobals<ExportFlags>(), { signal: controller.signal });
        } finally {
            process.removeListener("SIGINT", onSigint);
        }
    });
}
