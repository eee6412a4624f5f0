/**
 * `cwlogs-export status [TASK_ID] [--status-code CODE]`: DescribeExportTasks in its three ways
 * (seed 002): all tasks, one task by ID, or the tasks with one status. A table by default,
 * `--json` for machines.
 */
import { DescribeExportTasksCommand, ExportTask, ExportTaskStatusCode } from "@aws-sdk/client-cloudwatch-logs";
import { Command } from "commander";
import { ValidationError } from "../policies/validate";
import { accountClients, AccountFlags, addAccountOptions } from "./accounts";
import { addAwsOptions, AwsClients, awsErrorName, AwsFlags, explainAwsError } from "./aws";
import { CliIo } from "./io";

/** The status codes DescribeExportTasks accepts. */
export const STATUS_CODES: readonly ExportTaskStatusCode[] = ["PENDING", "RUNNING", "COMPLETED", "FAILED", "CANCELLED", "PENDING_CANCEL"];

interface StatusFlags extends AwsFlags, AccountFlags {
    statusCode?: string;
    json?: boolean;
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
    io.stdout(flags.json === true ? `${JSON.stringify({ exportTasks: tasks }, null, 2)}\n` : formatTable(tasks));
}

/** Registers `status` on `program`. */
export function registerStatusCommand(program: Command, io: CliIo): void {
    const cmd = program.command("status")
        .description("list export tasks (DescribeExportTasks): all, one by TASK_ID, or by --status-code")
        .argument("[TASK_ID]", "show only this export task")
        .option("--status-code <code>", `show only tasks with this status: ${STATUS_CODES.join(", ")}`)
        .option("--json", "print {\"exportTasks\": [...]} as DescribeExportTasks returns it, instead of a table")
        .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
        .exitOverride();
    addAwsOptions(addAccountOptions(cmd)).action(async (taskId: string | undefined, _opts: StatusFlags, command: Command) => {
        await runStatus(io, taskId, command.optsWithGlobals<StatusFlags>());
    });
}
