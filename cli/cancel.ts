/**
 * `cwlogs-export cancel TASK_ID`: CancelExportTask (API_CancelExportTask: only PENDING or RUNNING tasks can be
 * cancelled).
 */
import { CancelExportTaskCommand } from "@aws-sdk/client-cloudwatch-logs";
import { Command } from "commander";
import { validateRoleArn } from "../policies/validate";
import { addAwsOptions, addRoleArnOption, awsClients, awsErrorName, AwsFlags, explainAwsError } from "./aws";
import { CliIo } from "./io";
import { validateTaskId } from "./status";

interface CancelFlags extends AwsFlags {
    json?: boolean;
    roleArn?: string;
}

/** `cancel --json`: what was asked of AWS; CancelExportTask returns nothing else. */
export interface CancelJson {
    taskId: string;
    region: string;
    /** Always true on stdout: a refused cancel is an error on stderr (exit 1), not JSON. */
    cancelled: true;
}

/** Runs `cancel`; a task that is finished or unknown is a one-line error (exit 1). */
export async function runCancel(io: CliIo, taskId: string, flags: CancelFlags): Promise<void> {
    const id = validateTaskId(taskId);
    const clients = awsClients(flags, process.env, flags.roleArn === undefined ? undefined : validateRoleArn(flags.roleArn, "--role-arn"));
    const region = await clients.region();
    try {
        await clients.logs().send(new CancelExportTaskCommand({ taskId: id }));
    } catch (e) {
        const name = awsErrorName(e);
        if (name === "InvalidOperationException") {
            throw new Error(`export task ${id} cannot be cancelled (${(e as Error).message}): only PENDING or RUNNING tasks can be; ` +
                `\`cwlogs-export status ${id}\` shows its status.`);
        }
        if (name === "ResourceNotFoundException") {
            throw new Error(`export task ${id} not found in ${region}: check the ID, --region and --profile (\`cwlogs-export status\` lists the tasks).`);
        }
        throw explainAwsError(e, "CancelExportTask");
    }
    if (flags.json === true) {
        const out: CancelJson = { taskId: id, region, cancelled: true };
        io.stdout(`${JSON.stringify(out, null, 2)}\n`);
        return;
    }
    io.stdout(`Cancelled export task ${id}. \`cwlogs-export status ${id}\` shows when it is CANCELLED.\n`);
}

/** Registers `cancel` on `program`. */
export function registerCancelCommand(program: Command, io: CliIo): void {
    const cmd = program.command("cancel")
        .description("cancel a PENDING or RUNNING export task (CancelExportTask)")
        .argument("<TASK_ID>", "the export task to cancel")
        .option("--json", "print {\"taskId\", \"region\", \"cancelled\": true} instead of a sentence")
        .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
        .exitOverride();
    addAwsOptions(addRoleArnOption(cmd)).action(async (taskId: string, _opts: CancelFlags, command: Command) => {
        await runCancel(io, taskId, command.optsWithGlobals<CancelFlags>());
    });
}
