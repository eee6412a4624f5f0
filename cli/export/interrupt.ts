/**
 * What `export` says about the active task after Ctrl-C. The checkpoint's last word on the task may
 * be seconds old (a poll interval): the task may have finished meanwhile, so its status is read again
 * (DescribeExportTasks by taskId) before the user is told it is still running and how to cancel it.
 */
import { ExportApi, ExportTaskInfo } from "../../dynamic-providers/engine/types";

/** How long the Ctrl-C path waits for that answer before saying what it last knew. */
export const INTERRUPT_LOOKUP_MS = 5_000;

/** The sentence for a task whose status was read now (`info`), or could not be (`error`). Pure. */
export function interruptedTaskSentence(taskId: string, now: { info?: ExportTaskInfo; error?: string }, cancelCommand = `cwlogs-export cancel ${taskId}`): string {
    const cancel = `\`${cancelCommand}\``;
    const code = now.info?.statusCode;
    if (code === "PENDING" || code === "RUNNING") {
        return `task ${taskId} is still ${code} and finishes on its own; ${cancel} cancels it.`;
    }
    if (code === "COMPLETED") {
        return `task ${taskId} has COMPLETED meanwhile; the rerun records it.`;
    }
    if (code === "FAILED" || code === "CANCELLED" || code === "PENDING_CANCEL") {
        const message = now.info?.statusMessage === undefined || now.info.statusMessage === "" ? "" : ` (${now.info.statusMessage})`;
        return `task ${taskId} ended ${code}${message}; the rerun exports that chunk again.`;
    }
    const why = now.error ?? (now.info === undefined ? "DescribeExportTasks does not list it" : `its status is ${String(code)}`);
    return `task ${taskId} was running at the last check, and its status cannot be read now (${why}); ${cancel} cancels it if it still runs.`;
}

/**
 * Reads the task's status now (at most {@link INTERRUPT_LOOKUP_MS}) and returns the sentence for it.
 * Call it where `export` reports an interrupted run with a task that was not cancelled, with the
 * run's own API (the assumed role's, with --role-arn), and the `cancel` command that reaches the
 * task (with its --role-arn, --region, --profile). Never throws.
 */
export async function describeInterruptedTask(api: Pick<ExportApi, "describeExportTasks">, taskId: string, timeoutMs = INTERRUPT_LOOKUP_MS,
    cancelCommand?: string): Promise<string> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<{ error: string }>(resolve => {
        timer = setTimeout(() => resolve({ error: `no answer in ${timeoutMs / 1000} s` }), timeoutMs);
    });
    const lookup = api.describeExportTasks({ taskId })
        .then(page => ({ info: page.tasks.find(t => t.taskId === taskId) }))
        .catch((e: unknown) => ({ error: e instanceof Error ? `${e.name}: ${e.message}` : String(e) }));
    try {
        return interruptedTaskSentence(taskId, await Promise.race([lookup, timeout]), cancelCommand);
    } finally {
        clearTimeout(timer);
    }
}
