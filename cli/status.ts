/**
 * `cwlogs-export status [TASK_ID] [--status-code CODE] [filters] [--json]`: DescribeExportTasks in
 * its three ways (CloudWatch Logs User Guide, S3ExportTasks.html): all tasks, one task by ID, or the
 * tasks with one status; then filtered here by log group, destination, time and count, which the
 * API does not offer. A table by default, `--json` for machines.
 */
import { DescribeExportTasksCommand, ExportTask, ExportTaskStatusCode } from "@aws-sdk/client-cloudwatch-logs";
import { Command } from "commander";
import { ValidationError, validateBucketName, validateLogGroupName, validatePrefix } from "../policies/validate";
import { accountClients, AccountFlags, addAccountOptions } from "./accounts";
import { addAwsOptions, AwsClients, awsErrorName, AwsFlags, explainAwsError } from "./aws";
import { isoTime, parseTime } from "./export/plan";
import { CliIo, collect } from "./io";

/** The status codes DescribeExportTasks accepts. */
export const STATUS_CODES: readonly ExportTaskStatusCode[] = ["PENDING", "RUNNING", "COMPLETED", "FAILED", "CANCELLED", "PENDING_CANCEL"];

interface StatusFlags extends AwsFlags, AccountFlags {
    statusCode?: string;
    logGroup?: string[];
    bucket?: string;
    prefix?: string;
    from?: string;
    to?: string;
    since?: string;
    limit?: string;
    json?: boolean;
}

/** The filters `status` applies to what DescribeExportTasks returns; every field optional. */
export interface TaskFilter {
    /** Tasks of one of these log groups (`--log-group`, repeatable). */
    logGroupNames?: readonly string[];
    /** Tasks into this bucket (`--bucket`). */
    bucket?: string;
    /** Tasks whose destination prefix is this one or lies under it (`--prefix`). */
    prefix?: string;
    /** Tasks whose exported range overlaps `[from, to)` (`--from`, `--to`, ms). */
    from?: number;
    to?: number;
    /** Tasks created at or after this time (`--since`, ms). */
    createdSince?: number;
    /** At most this many tasks, the most recently created first (`--limit`). */
    limit?: number;
}

/** AWS's `destinationPrefix` when CreateExportTask was called without one. */
const AWS_DEFAULT_PREFIX = "exportedlogs";

/** Largest `--limit`: a sanity bound, far above what a terminal shows. */
export const MAX_LIMIT = 100_000;

/** Validates the filter flags (throws a ValidationError naming the flag) into a {@link TaskFilter}. */
export function parseTaskFilter(flags: StatusFlags, now: number): TaskFilter {
    const filter: TaskFilter = {};
    if (flags.logGroup !== undefined) {
        filter.logGroupNames = flags.logGroup.map(g => validateLogGroupName(g, "--log-group"));
    }
    if (flags.bucket !== undefined) {
        if (!/^[A-Za-z0-9._-]{3,255}$/.test(flags.bucket)) {
            validateBucketName(flags.bucket, "--bucket");
        }
        filter.bucket = flags.bucket;
    }
    if (flags.prefix !== undefined) {
        filter.prefix = validatePrefix(flags.prefix, "--prefix").replace(/\/+$/, "");
    }
    if (flags.from !== undefined) {
        filter.from = parseTime(flags.from, "--from", now);
    }
    if (flags.to !== undefined) {
        filter.to = parseTime(flags.to, "--to", now);
    }
    if (filter.from !== undefined && filter.to !== undefined && !(filter.to > filter.from)) {
        throw new ValidationError("--to", `must be after --from (${isoTime(filter.from)}): swap them, or widen the window.`);
    }
    if (flags.since !== undefined) {
        filter.createdSince = parseTime(flags.since, "--since", now);
    }
    if (flags.limit !== undefined) {
        if (!/^\d+$/.test(flags.limit.trim()) || Number(flags.limit) < 1 || Number(flags.limit) > MAX_LIMIT) {
            throw new ValidationError("--limit", `${JSON.stringify(flags.limit)} is not a task count: use a whole number from 1 to ${MAX_LIMIT}.`);
        }
        filter.limit = Number(flags.limit);
    }
    return filter;
}

function underPrefix(taskPrefix: string | undefined, prefix: string): boolean {
    const p = (taskPrefix === undefined || taskPrefix === "" ? AWS_DEFAULT_PREFIX : taskPrefix).replace(/\/+$/, "");
    return p === prefix || p.startsWith(`${prefix}/`);
}

/**
 * The tasks that pass `filter`. Export ranges are inclusive at both ends (API_CreateExportTask), so
 * a task overlaps `[from, to)` when `task.from < to` and `task.to >= from`.
 */
export function filterTasks(tasks: readonly ExportTask[], filter: TaskFilter): ExportTask[] {
    let out = tasks.filter(t =>
        (filter.logGroupNames === undefined || filter.logGroupNames.includes(t.logGroupName ?? ""))
        && (filter.bucket === undefined || t.destination === filter.bucket)
        && (filter.prefix === undefined || underPrefix(t.destinationPrefix, filter.prefix))
        && (filter.from === undefined || (t.to !== undefined && t.to >= filter.from))
        && (filter.to === undefined || (t.from !== undefined && t.from < filter.to))
        && (filter.createdSince === undefined || (t.executionInfo?.creationTime ?? -Infinity) >= filter.createdSince));
    if (filter.limit !== undefined) {
        out = [...out].sort((a, b) => (b.executionInfo?.creationTime ?? 0) - (a.executionInfo?.creationTime ?? 0)).slice(0, filter.limit);
    }
    return out;
}

/** Throws a ValidationError naming `--status-code` unless `code` is one of {@link STATUS_CODES} (any case). */
export function validateStatusCode(code: string): ExportTaskStatusCode {
    const upper = code.toUpperCase() as ExportTaskStatusCode;
    if (!STATUS_CODES.includes(upper)) {
        throw new ValidationError("--status-code",
            `${JSON.stringify(code)} is not an export task status: use one of ${STATUS_CODES.join(", ")}.`);
    }
    return upper;
}

/** Throws a ValidationError unless `id` looks like an export task ID (1-512 printable characters, no spaces). */
export function validateTaskId(id: string): string {
    if (!/^[\x21-\x7e]{1,512}$/.test(id)) {
        throw new ValidationError("TASK_ID",
            `${JSON.stringify(id)} is not an export task ID: use the taskId CreateExportTask returned (see \`cwlogs-export status\`).`);
    }
    return id;
}

/**
 * All matching tasks, following `nextToken`. The status filter is also applied locally: the API
 * applies it, and some emulators (moto) ignore it.
 */
export async function describeTasks(clients: AwsClients, taskId?: string, statusCode?: ExportTaskStatusCode): Promise<ExportTask[]> {
    const tasks: ExportTask[] = [];
    let nextToken: string | undefined;
    do {
        const out = await clients.logs().send(new DescribeExportTasksCommand({ taskId, statusCode, nextToken }));
        tasks.push(...(out.exportTasks ?? []));
        nextToken = out.nextToken !== undefined && out.nextToken !== "" && out.nextToken !== nextToken ? out.nextToken : undefined;
    } while (nextToken !== undefined);
    return tasks.filter(t => (statusCode === undefined || t.status?.code === statusCode) && (taskId === undefined || t.taskId === taskId));
}

function time(ms: number | undefined): string {
    return ms === undefined ? "-" : new Date(ms).toISOString().replace(/\.000Z$/, "Z");
}

/** The tasks as an aligned plain-text table, one task per line. */
export function formatTable(tasks: readonly ExportTask[]): string {
    if (tasks.length === 0) {
        return "No export tasks.\n";
    }
    const byAccount = tasks.some(t => "account" in t);
    const rows = [
        [...(byAccount ? ["ACCOUNT"] : []), "TASK ID", "STATUS", "LOG GROUP", "FROM", "TO", "DESTINATION", "CREATED", "MESSAGE"],
        ...tasks.map(t => [
            ...(byAccount ? [String((t as { account?: string }).account ?? "-")] : []),
            t.taskId ?? "-",
            t.status?.code ?? "-",
            t.logGroupName ?? "-",
            time(t.from),
            time(t.to),
            `s3://${t.destination ?? "?"}/${t.destinationPrefix ?? ""}`,
            time(t.executionInfo?.creationTime),
            t.status?.message ?? "",
        ]),
    ];
    const widths = rows[0].map((_, i) => Math.max(...rows.map(r => r[i].length)));
    return rows.map(r => r.map((c, i) => i === r.length - 1 ? c : c.padEnd(widths[i])).join("  ").trimEnd()).join("\n") + "\n";
}

/** Runs `status` with parsed arguments; writes the table or JSON to `io`. */
export async function runStatus(io: CliIo, taskId: string | undefined, flags: StatusFlags): Promise<void> {
    const id = taskId === undefined ? undefined : validateTaskId(taskId);
    const code = flags.statusCode === undefined ? undefined : validateStatusCode(flags.statusCode);
    const filter = parseTaskFilter(flags, Date.now());
    const accounts = await accountClients(flags);
    const clients = accounts[0].clients;
    const region = await clients.region();
    const tasks: ExportTask[] = [];
    try {
        for (const a of accounts) {
            // Several accounts: each task names its account (an ACCOUNT column, an "account" field in --json).
            tasks.push(...(await describeTasks(a.clients, id, code)).map(t => (accounts.length > 1 || flags.roleArn !== undefined ? { account: a.account, ...t } : t)));
        }
    } catch (e) {
        if (awsErrorName(e) === "ResourceNotFoundException" && id !== undefined) {
            throw new Error(`export task ${id} not found in ${region}: check the ID, --region and --profile (\`cwlogs-export status\` lists the tasks).`);
        }
        throw explainAwsError(e, "DescribeExportTasks");
    }
    if (id !== undefined && tasks.length === 0) {
        throw new Error(`export task ${id} not found in ${region}: check the ID, --region and --profile (\`cwlogs-export status\` lists the tasks).`);
    }
    const shown = filterTasks(tasks, filter);
    io.stdout(flags.json === true ? `${JSON.stringify({ exportTasks: shown }, null, 2)}\n` : formatTable(shown));
}

/** Registers `status` on `program`. */
export function registerStatusCommand(program: Command, io: CliIo): void {
    const cmd = program.command("status")
        .description("list export tasks (DescribeExportTasks): all, one by TASK_ID, or by --status-code")
        .argument("[TASK_ID]", "show only this export task")
        .option("--status-code <code>", `show only tasks with this status: ${STATUS_CODES.join(", ")}`)
        .option("--log-group <name>", "show only tasks of this log group (repeatable)", collect)
        .option("--bucket <name>", "show only tasks into this bucket")
        .option("--prefix <prefix>", "show only tasks whose destination prefix is this one or under it (AWS's default is exportedlogs)")
        .option("--from <time>", "show only tasks whose exported range reaches this time or later (ISO-8601, ms epoch, -7d, now)")
        .option("--to <time>", "show only tasks whose exported range starts before this time (same forms)")
        .option("--since <time>", "show only tasks created at or after this time (same forms)")
        .option("--limit <n>", "show at most this many tasks, the most recently created first")
        .option("--json", "print {\"exportTasks\": [...]} as DescribeExportTasks returns it, instead of a table")
        .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
        .exitOverride();
    addAwsOptions(addAccountOptions(cmd)).action(async (taskId: string | undefined, _opts: StatusFlags, command: Command) => {
        await runStatus(io, taskId, command.optsWithGlobals<StatusFlags>());
    });
}
