/**
 * `cwlogs-export export (--log-group NAME... | --log-group-prefix P | --log-group-pattern GLOB)
 * --from T --to T --bucket B [--prefix P] [--chunk 1d] [--stream-prefix S]
 * [--role-arn ARN... | --accounts-file FILE | --org-role-name NAME] [--state FILE] [--no-wait]
 * [--dry-run] [--since-last] [--json] [--cancel-on-interrupt]`: a backfill, split into chunks, run
 * one export task at a time per account through the ExportTask engine, accounts side by side,
 * checkpointed so that a rerun resumes it.
 */
import { ListObjectsV2Command } from "@aws-sdk/client-s3";
import { GetCallerIdentityCommand } from "@aws-sdk/client-sts";
import { Command, Option } from "commander";
import { setMaxListeners } from "events";
import { Timing } from "../../dynamic-providers/engine";
import { partitionOfRegion } from "../../policies/partition";
import { ValidationError, validateBucketName, validatePrefix } from "../../policies/validate";
import {
    AccountFlags, AccountSelection, addAccountOptions, isMultiAccount, listOrgAccounts, mapBounded, parseAccountFlags, selectAccounts,
} from "../accounts";
import { addAwsOptions, AwsClients, awsClients, AwsFlags, explainAwsError } from "../aws";
import { CliIo, collect, EXIT } from "../io";
import { required } from "../policy";
import { AccountContext, AccountOutcome, exportAccount, MAX_CHUNKS } from "./account";
import { chunkCount, formatDuration, isoTime, parseChunk, parseTime } from "./plan";
import { OrgProgress, prefixLines } from "./orgProgress";
import { Progress } from "./progress";
import { GroupSelector, parseSelector } from "./select";
import { JobSpec } from "./state";
import { cancelCommand, chunkLabel, formatMultiSummary, formatPlan, formatSummary, Listing, RunFacts, summaryJson } from "./summary";

export { MAX_CHUNKS } from "./account";
export { openState } from "./open";
export { formatSummary, Listing } from "./summary";

/** AWS's default `destinationPrefix` when none is given. */
export const DEFAULT_PREFIX = "exportedlogs";

export interface ExportFlags extends AwsFlags, Omit<AccountFlags, "roleArn"> {
    logGroup?: string[];
    logGroupPrefix?: string[];
    logGroupPattern?: string[];
    from?: string;
    to?: string;
    bucket?: string;
    prefix?: string;
    chunk?: string;
    streamPrefix?: string;
    /** Repeatable; a single string is read as one. */
    roleArn?: string | string[];
    state?: string;
    wait?: boolean;
    cancelOnInterrupt?: boolean;
    json?: boolean;
    dryRun?: boolean;
    sinceLast?: boolean;
    /** `--no-skip-empty` sets it `false`. */
    skipEmpty?: boolean;
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

/** The flags, validated. `job.logGroupNames` are the exact names (`--log-group`); prefixes and patterns are in `selector`. */
export interface ParsedExport {
    readonly job: Omit<JobSpec, "region">;
    readonly stateFile?: string;
    readonly selector: GroupSelector;
    readonly accounts: AccountSelection;
}

function roleArns(flags: ExportFlags): string[] | undefined {
    return typeof flags.roleArn === "string" ? [flags.roleArn] : flags.roleArn;
}

/** Validates every flag (throws a ValidationError naming it) before any AWS call. */
export function parseExportFlags(flags: ExportFlags, now: number): ParsedExport {
    const selector = parseSelector(flags.logGroup, flags.logGroupPrefix, flags.logGroupPattern);
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
    const partition = (flags.region === undefined ? undefined : partitionOfRegion(flags.region)) ?? "aws";
    const accounts = parseAccountFlags({ ...flags, roleArn: roleArns(flags) }, partition);
    const single = accounts.source.kind === "roles" && !isMultiAccount(accounts) ? accounts.source.roles[0].roleArn : undefined;
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
    const tasks = chunkCount(from, to, chunkMs) * Math.max(1, selector.names.length);
    if (tasks > MAX_CHUNKS) {
        throw new ValidationError("--chunk", `${chunk} makes ${tasks} export tasks, more than ${MAX_CHUNKS}: use a larger --chunk (e.g. 1d or 1w).`);
    }
    if (flags.dryRun === true && flags.wait === false) {
        throw new ValidationError("--dry-run", "and --no-wait: a dry run starts nothing; leave one of them out.");
    }
    return {
        job: {
            logGroupNames: selector.names, fromArg, toArg, from, to, chunk, chunkMs, bucket, prefix, streamPrefix: flags.streamPrefix,
            ...(single === undefined ? {} : { roleArn: single }),
        },
        stateFile: flags.state,
        selector,
        accounts,
    };
}

/**
 * Objects and bytes under `<prefix>/` (AWS's permission-check object `aws-logs-write-test` left
 * out), and how many are in the task folders of `taskIds` (`<prefix>/<taskId>/...`, AWS's layout).
 */
async function listExported(clients: AwsClients, bucket: string, prefix: string, taskIds: ReadonlySet<string>): Promise<Listing> {
    let objects = 0;
    let bytes = 0;
    let inTaskFolders = 0;
    let token: string | undefined;
    try {
        for (let page = 0; page < 100; page++) {
            const out = await clients.s3().send(new ListObjectsV2Command({ Bucket: bucket, Prefix: `${prefix}/`, ContinuationToken: token }));
            for (const o of out.Contents ?? []) {
                const rest = (o.Key ?? "").slice(prefix.length + 1);
                if (rest.endsWith("aws-logs-write-test")) {
                    continue;
                }
                objects++;
                bytes += o.Size ?? 0;
                if (taskIds.has(rest.split("/")[0])) {
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

/** The flags `cancel` needs to reach the same region and profile. */
function cancelFlags(flags: ExportFlags): string {
    return `${flags.region === undefined ? "" : ` --region ${flags.region}`}${flags.profile === undefined ? "" : ` --profile ${flags.profile}`}`;
}

/** Runs `export`. Returns normally on success; throws an error with `exitCode` otherwise. */
export async function runExportCommand(io: CliIo, flags: ExportFlags, hooks: ExportHooks = {}): Promise<void> {
    const now = hooks.now ?? Date.now;
    const started = now();
    const parsed = parseExportFlags(flags, started);
    const clients = awsClients({ region: flags.region, profile: flags.profile, endpointUrl: flags.endpointUrl });
    const region = await clients.region();
    const partition = partitionOfRegion(region) ?? "aws";
    const selection = region === flags.region ? parsed.accounts : parseAccountFlags({ ...flags, roleArn: roleArns(flags) }, partition);
    const multi = isMultiAccount(selection);

    // Who the caller is (the organization's own account runs with its own credentials) and AWS's clock.
    let caller: string | undefined;
    try {
        caller = (await clients.sts().send(new GetCallerIdentityCommand({}))).Account;
    } catch (e) {
        throw explainAwsError(e, "GetCallerIdentity");
    }
    const serverNow = clients.serverNow();
    if (serverNow !== undefined) {
        // AWS's time when the flags were read: the local clock then, less how far it runs ahead of AWS's.
        const { warning } = checkToAgainstServer(parsed.job.to, started - (Date.now() - serverNow), started);
        if (warning !== undefined) {
            io.stderr(warning);
        }
    }
    const org = selection.source.kind === "org" ? await listOrgAccounts(clients.config) : undefined;
    const { targets, skipped: skippedAccounts } = selectAccounts(selection, org, caller, partition);
    const roleFlag = selection.source.kind === "org" ? "--org-role-name" : selection.source.kind === "roles" ? selection.source.flag : "--role-arn";
    const mode: RunFacts["mode"] = flags.dryRun === true ? "dry-run" : flags.wait === false ? "no-wait" : "export";
    const json = flags.json === true;

    const { logGroupNames: _names, roleArn: _role, ...shared } = parsed.job;
    const ctx: AccountContext = {
        job: shared, selector: parsed.selector, stateFile: parsed.stateFile, multi, roleFlag, clients, region,
        wait: flags.wait !== false, dryRun: mode === "dry-run", sinceLast: flags.sinceLast === true, skipEmpty: flags.skipEmpty !== false,
        cancelOnInterrupt: flags.cancelOnInterrupt === true, cancelFlags: cancelFlags(flags), signal: hooks.signal, timing: hooks.timing,
        note: text => io.stderr(text),
        progress: (state, account) => {
            const progress = new Progress(state, account === undefined
                ? { write: io.stderr, tty: io.isTTY === true, columns: io.columns, rows: io.rows }
                // Several accounts: plain lines, each naming its account (one redrawn block per account would fight).
                : { write: t => io.stderr(prefixLines(t, account)), tty: false });
            if (!multi) {
                say = text => progress.print(text);
            }
            return progress;
        },
    };
    // Said where the progress display can keep its block whole (written under it, the block's next
    // redraw would leave its top rows behind).
    let say = (text: string): void => io.stderr(text);
    hooks.signal?.addEventListener("abort", () => say(
        `\nCtrl-C: stopping after the current step; no new chunk will start${multi ? " in any account" : ""} (Ctrl-C again quits at once).\n`), { once: true });
    if (multi && !json) {
        io.stderr(`Exporting from ${targets.length} account${targets.length === 1 ? "" : "s"}, ${Math.min(selection.maxAccounts, targets.length)} at a time` +
            `${skippedAccounts.length > 0 ? ` (${skippedAccounts.length} left out: ${skippedAccounts.map(s => `${s.account} ${s.why}`).join(", ")})` : ""}.\n`);
    }
    if (hooks.signal !== undefined && multi) {
        // Each account running waits on the signal (one listener while it sleeps): past Node's
        // default of 10, its leak warning would land in the middle of the progress display.
        setMaxListeners(10 + 2 * selection.maxAccounts, hooks.signal);
    }
    let outcomes: AccountOutcome[];
    if (!multi) {
        outcomes = [await exportAccount(ctx, targets[0])];
    } else {
        // On a terminal, one block for the whole run (a row per working account, the others summed
        // up) with each account's lines above it; elsewhere, each account's plain `[account]` lines.
        const labels = targets.map(t => t.account ?? "caller");
        const org = io.isTTY === true && mode !== "dry-run" ? new OrgProgress(labels, { write: io.stderr, columns: io.columns, rows: io.rows }) : undefined;
        if (org !== undefined) {
            say = text => org.print(text);
        }
        try {
            const settled = await mapBounded(targets, selection.maxAccounts, async (t, i): Promise<AccountOutcome> => {
                const skipped = { account: t.account, roleArn: t.roleArn, groups: [], skippedGroups: [] };
                if (hooks.signal?.aborted === true) {
                    // Ctrl-C before this account's turn: nothing of it starts.
                    return { ...skipped, notStarted: true };
                }
                org?.starting(i);
                try {
                    const outcome = await exportAccount(org === undefined ? ctx : {
                        ...ctx, progress: state => org.attach(i, state), note: text => org.print(prefixLines(text, labels[i])),
                    }, t);
                    org?.ended(i, (outcome.result?.failed.length ?? 0) > 0);
                    return outcome;
                } catch (e) {
                    const error = e instanceof Error ? e : new Error(String(e));
                    if (!json) {
                        (org === undefined ? io.stderr : (text: string) => org.print(text))(`[${t.account}] ${error.message}\n`);
                    }
                    org?.ended(i, true);
                    return { ...skipped, error };
                }
            });
            outcomes = settled.map(r => (r as PromiseFulfilledResult<AccountOutcome>).value);
        } finally {
            org?.finish();
        }
    }

    const taskIds = new Set(outcomes.flatMap(o => (o.state?.chunks ?? []).filter(c => c.status === "completed" && c.taskId !== undefined).map(c => c.taskId as string)));
    const listed = mode === "export" && taskIds.size > 0 ? await listExported(clients, parsed.job.bucket, parsed.job.prefix, taskIds) : undefined;
    const interrupted = outcomes.some(o => o.result?.interrupted === true || o.notStarted === true);
    const facts: RunFacts = {
        job: { ...parsed.job, region }, outcomes, multi, maxAccounts: Math.min(selection.maxAccounts, targets.length), mode, listed,
        elapsedMs: now() - started, interrupted, skippedAccounts, cancelFlags: cancelFlags(flags),
    };
    if (json) {
        io.stdout(`${JSON.stringify(summaryJson(facts), null, 2)}\n`);
    } else if (mode === "dry-run") {
        io.stdout(formatPlan(facts));
    } else if (mode === "no-wait" && !multi && outcomes[0].result?.startedTask !== undefined) {
        const o = outcomes[0];
        const t = o.result?.startedTask as NonNullable<NonNullable<AccountOutcome["result"]>["startedTask"]>;
        const done = o.state?.chunks.filter(c => c.status === "completed").length ?? 0;
        io.stdout(`${t.alreadyRunning ? "Still running" : "Started"}: task ${t.taskId} for ${chunkLabel(t.chunk)} ` +
            `(${done} of ${o.state?.chunks.length ?? 0} chunks done). --no-wait returns now: rerun the same command to record it and start the next chunk; ` +
            `\`cwlogs-export status ${t.taskId}\` shows it.\n`);
    } else if (mode === "no-wait" && multi) {
        for (const o of outcomes) {
            const t = o.result?.startedTask;
            if (t !== undefined) {
                io.stdout(`${o.account}: ${t.alreadyRunning ? "still running" : "started"} task ${t.taskId} for ${chunkLabel(t.chunk)}\n`);
            }
        }
        io.stdout(formatMultiSummary(facts));
    } else {
        io.stdout(multi ? formatMultiSummary(facts) : formatSummary(facts));
    }
    throwForOutcome(facts);
}

/** The exit code and the last line on stderr. */
function throwForOutcome(f: RunFacts): void {
    const outcomes = f.outcomes;
    if (!f.multi && outcomes[0].error !== undefined) {
        throw outcomes[0].error;
    }
    if (f.interrupted) {
        const running = outcomes.filter(o => o.result?.activeTask !== undefined);
        if (!f.multi) {
            const a = outcomes[0].result?.activeTask;
            const what = a === undefined
                ? "no task of this backfill was running."
                : a.cancelled
                    ? `task ${a.taskId} was cancelled (--cancel-on-interrupt).`
                    : outcomes[0].activeTaskNow ?? `task ${a.taskId} is still running and finishes on its own; \`${cancelCommand(a.taskId, outcomes[0], f.cancelFlags)}\` cancels it.`;
            throw exitError(`interrupted: no further chunk was started; ${what} Rerun the same command to resume${a !== undefined && !a.cancelled ? " (it adopts that task)" : ""}.`, EXIT.interrupted);
        }
        const lines = running.map(o => {
            const a = o.result?.activeTask as { taskId: string; cancelled: boolean };
            return a.cancelled ? `  ${o.account}: task ${a.taskId} was cancelled (--cancel-on-interrupt)`
                : `  ${o.account}: ${o.activeTaskNow ?? `task ${a.taskId} is still running; \`${cancelCommand(a.taskId, o, f.cancelFlags)}\` cancels it`}`;
        });
        throw exitError(`interrupted: no further chunk was started in any account; ` +
            `${lines.length === 0 ? "no task was running." : `tasks left running (they finish on their own):\n${lines.join("\n")}\n`}` +
            `Rerun the same command to resume (it adopts the running tasks).`, EXIT.interrupted);
    }
    const stopped = outcomes.filter(o => o.result?.stoppedBy !== undefined);
    if (!f.multi && stopped.length > 0) {
        const j = stopped[0].state?.job as JobSpec;
        throw exitError(`stopped: CreateExportTask was refused, so the remaining chunks were not tried. ` +
            `\`cwlogs-export doctor --bucket ${j.bucket} --log-group ${j.logGroupNames[0]}\` checks the set-up; fix it and rerun the same command.`, EXIT.failed);
    }
    const failedChunks = outcomes.reduce((n, o) => n + (o.result?.failed.length ?? 0), 0);
    const failedAccounts = outcomes.filter(o => o.error !== undefined);
    if (failedChunks > 0 || failedAccounts.length > 0 || stopped.length > 0) {
        const parts: string[] = [];
        if (failedAccounts.length > 0) {
            parts.push(`${failedAccounts.length} account${failedAccounts.length === 1 ? "" : "s"} could not run (${failedAccounts.map(o => o.account).join(", ")})`);
        }
        if (stopped.length > 0) {
            parts.push(`CreateExportTask was refused in ${stopped.map(o => `${o.account} (\`cwlogs-export doctor --bucket ${f.job.bucket} ` +
                `--log-group ${o.state?.job.logGroupNames[0] ?? "NAME"}${o.roleArn === undefined ? "" : ` --role-arn ${o.roleArn}`}\` checks its set-up)`).join(", ")}`);
        }
        if (failedChunks > 0) {
            parts.push(`${failedChunks} chunk${failedChunks === 1 ? "" : "s"} failed (listed above)`);
        }
        const fix = failedAccounts.length > 0 || stopped.length > 0 ? "fix that and rerun" : "rerun";
        throw exitError(`${parts.join("; ")}: ${fix} the same command to try ${failedChunks + failedAccounts.length === 1 ? "it" : "them"} again.`, EXIT.failed);
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

/** Registers `export` on `program`; SIGINT (Ctrl-C) stops the backfill cleanly. */
export function registerExportCommand(program: Command, io: CliIo): void {
    const cmd = program.command("export")
        .description("export log groups to S3 over a time range, in chunks, one export task at a time; resumable")
        .addOption(new Option("--log-group <name...>", "log group(s) to export (repeat the flag or list several)"))
        .addOption(new Option("--log-group-prefix <prefix>", "also export every log group whose name starts with this (repeatable)").argParser(collect))
        .addOption(new Option("--log-group-pattern <glob>", "also export every log group matching this glob: * any characters but /, ** any, ? one (e.g. '/aws/lambda/*-prod'; repeatable)").argParser(collect))
        .addOption(new Option("--from <time>", "start of the range: ISO-8601 (2026-11-01T00:00:00Z, 2026-11-01), ms epoch, or relative (-7d, -12h)"))
        .addOption(new Option("--to <time>", "end of the range, exclusive: same forms, or now"))
        .addOption(new Option("--bucket <name>", "destination bucket, in the log groups' region"))
        .addOption(new Option("--prefix <prefix>", `key prefix of the exported objects (default: ${DEFAULT_PREFIX}, AWS's default)`))
        .addOption(new Option("--chunk <size>", "one export task per chunk: hour, day, week or a duration (30m, 6h, 2d)").default("1d"))
        .addOption(new Option("--stream-prefix <prefix>", "export only log streams whose name starts with this"))
        .addOption(new Option("--state <file>", "checkpoint file (default: ./.cwlogs-export/<bucket>-<hash>.json); with several accounts, " +
            "one per account beside it: <file>.<account>.json"))
        .addOption(new Option("--no-wait", "start the next chunk's task (or report the running one) and return without waiting"))
        .addOption(new Option("--dry-run", "print the plan (accounts, log groups, chunks, tasks to create, tasks already done) and create nothing"))
        .addOption(new Option("--since-last", "start each log group where its last completed export in the checkpoint ended (for a cron of --from -1d --to now)"))
        .addOption(new Option("--no-skip-empty", "export every selected log group, also those whose timestamps show no events in the range"))
        .addOption(new Option("--cancel-on-interrupt", "on Ctrl-C, cancel the running tasks instead of leaving them to finish"))
        .addOption(new Option("--json", "print the summary (or the plan, or the started task) as one JSON document on stdout; progress stays on stderr"))
        .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
        .exitOverride();
    addAccountOptions(cmd, { concurrency: true });
    addAwsOptions(cmd).action(async (_opts: ExportFlags, command: Command) => {
        const controller = new AbortController();
        // runExportCommand says what Ctrl-C does (above its progress display).
        const onSigint = (): void => controller.abort();
        process.once("SIGINT", onSigint);
        try {
            await runExportCommand(io, command.optsWithGlobals<ExportFlags>(), { signal: controller.signal });
        } finally {
            process.removeListener("SIGINT", onSigint);
        }
    });
}
