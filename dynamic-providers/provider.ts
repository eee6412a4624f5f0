/**
 * The ExportTask dynamic provider. Pulumi serializes this object into state (`__provider`) and runs
 * it in its dynamic-provider host: keep what it captures small (no SDK client, no credentials; the
 * SDK is imported inside the methods, see ./aws).
 */
import * as pulumi from "@pulumi/pulumi";
import { callerAccount, clientBase, logsExportApi, preflight } from "./aws";
import { exportLocation } from "./engine/decisions";
import { cancelExport, describeTask, runExport, waitForTask } from "./engine/run";
import { ExportRequest, ExportTaskInfo } from "./engine/types";
import { checkInputs, diffInputs, ExportTaskInputs } from "./inputs";

/** The provider's outputs: the validated inputs plus what AWS says about the task. */
export interface ExportTaskOutputs extends ExportTaskInputs {
    taskId: string;
    status: string;
    statusMessage?: string;
    creationTime?: number;
    completionTime?: number;
    exportLocation: string;
}

/** Deadline of refresh and delete calls, which do not wait for the export. */
const SHORT_CALL_MS = 5 * 60_000;

function requestOf(i: ExportTaskInputs): ExportRequest {
    return {
        taskName: i.taskName, logGroupName: i.logGroupName, from: i.from, to: i.to,
        destination: i.destination, destinationPrefix: i.destinationPrefix, logStreamNamePrefix: i.logStreamNamePrefix,
    };
}

function outputsOf(i: ExportTaskInputs, t: ExportTaskInfo): ExportTaskOutputs {
    const o: ExportTaskOutputs = {
        ...i,
        taskId: t.taskId,
        status: t.statusCode ?? "PENDING",
        exportLocation: exportLocation(i.destination, i.destinationPrefix, t.taskId),
    };
    if (t.statusMessage !== undefined) { o.statusMessage = t.statusMessage; }
    if (t.creationTime !== undefined) { o.creationTime = t.creationTime; }
    if (t.completionTime !== undefined) { o.completionTime = t.completionTime; }
    return o;
}

/**
 * A create that failed after the task existed. The dynamic-provider host turns an error with `id`
 * and `properties` into Pulumi's partial-create (ErrorResourceInitFailed), so the task is kept in
 * state. `properties` must carry `__provider` itself: the host adds it to normal results only.
 * A plain Error with fields, not a subclass: the closure serializer drops a subclass's message.
 */
function initError(message: string, id: string, properties: Record<string, unknown>): Error {
    return Object.assign(new Error(message), { name: "ExportTaskInitError", id, properties, reasons: [message] });
}

/** Implements `pulumi.dynamic.ResourceProvider` for `cwlogs:ExportTask`. */
export class ExportTaskProvider implements pulumi.dynamic.ResourceProvider<ExportTaskInputs, ExportTaskOutputs> {
    async check(_olds: ExportTaskInputs, news: ExportTaskInputs): Promise<pulumi.dynamic.CheckResult<ExportTaskInputs>> {
        const r = checkInputs(news as unknown as Record<string, unknown>, Date.now());
        return { inputs: r.inputs, failures: r.failures };
    }

    async diff(_id: string, olds: ExportTaskOutputs, news: ExportTaskInputs): Promise<pulumi.dynamic.DiffResult> {
        const d = diffInputs(olds as unknown as Record<string, unknown>, news as unknown as Record<string, unknown>);
        // A task that ended FAILED or CANCELLED exported nothing (or part): the next `pulumi up` must
        // start a new one. After a partial create the engine does not Create again: it calls Diff and,
        // because the state has init errors, turns "no changes" into an Update
        // (pulumi/pulumi pkg/resource/deploy/step_generator.go, generateStepsFromDiff:
        // `hasInitErrors := len(old.InitErrors) > 0` passed to applyReplaceOnChanges); only replace
        // keys from Diff make it a replacement. Update cannot restart a task, so Diff asks for the
        // replacement: Create (a new task; FAILED/CANCELLED tasks are never adopted) then Delete of
        // the old one (nothing to cancel).
        if (olds.status === "FAILED" || olds.status === "CANCELLED") {
            return { changes: true, replaces: [...d.replaces, "status"], deleteBeforeReplace: false };
        }
        return { changes: d.changes, replaces: d.replaces, deleteBeforeReplace: false };
    }

    async create(inputs: ExportTaskInputs): Promise<pulumi.dynamic.CreateResult<ExportTaskOutputs>> {
        const base = await clientBase(inputs);
        const api = await logsExportApi(base);
        const region = inputs.region ?? await api.region();
        await preflight(base, region, inputs.logGroupName, inputs.destination);
        const account = await callerAccount(base);
        try {
            const r = await runExport(api, requestOf(inputs), {
                deadline: Date.now() + inputs.timeoutMinutes * 60_000,
                waitForCompletion: inputs.waitForCompletion,
                queueKey: `${account ?? inputs.roleArn ?? "caller"}/${region}`,
                explain: { bucket: inputs.destination, region, account, roleArn: inputs.roleArn },
                onProgress: e => pulumi.log.debug(`ExportTask ${inputs.taskName}: ${JSON.stringify(e)}`),
            });
            if (r.adopted) {
                pulumi.log.info(`ExportTask ${inputs.taskName}: adopted export task ${r.task.taskId} started by an earlier run`);
            }
            return { id: r.task.taskId, outs: outputsOf(inputs, r.task) };
        } catch (e) {
            const task = (e as { task?: ExportTaskInfo }).task;
            if (task === undefined) {
                throw e;
            }
            const properties = {
                ...outputsOf(inputs, task),
                __provider: (inputs as unknown as Record<string, unknown>).__provider,
            };
            throw initError((e as Error).message, task.taskId, properties);
        }
    }

    async read(id: string, props?: ExportTaskOutputs): Promise<pulumi.dynamic.ReadResult<ExportTaskOutputs>> {
        if (props === undefined) {
            throw new Error(`ExportTask ${id}: import is not supported; declare the export's inputs and let \`pulumi up\` adopt the task.`);
        }
        const api = await logsExportApi(await clientBase(props));
        const task = await describeTask(api, id, { deadline: Date.now() + SHORT_CALL_MS });
        // A task AWS no longer lists keeps its last known state: dropping it would re-export.
        return { id, props: task === undefined ? props : outputsOf(props, { ...task, taskId: id }) };
    }

    async update(id: string, olds: ExportTaskOutputs, news: ExportTaskInputs): Promise<pulumi.dynamic.UpdateResult<ExportTaskOutputs>> {
        let task: ExportTaskInfo = { taskId: id, statusCode: olds.status, statusMessage: olds.statusMessage };
        if (news.waitForCompletion && (olds.status === "PENDING" || olds.status === "RUNNING")) {
            const api = await logsExportApi(await clientBase(news));
            task = await waitForTask(api, task, { deadline: Date.now() + news.timeoutMinutes * 60_000 });
        }
        const outs = outputsOf(news, task);
        if (outs.creationTime === undefined && olds.creationTime !== undefined) {
            outs.creationTime = olds.creationTime;
        }
        if (outs.completionTime === undefined && olds.completionTime !== undefined) {
            outs.completionTime = olds.completionTime;
        }
        return { outs };
    }

    async delete(id: string, props: ExportTaskOutputs): Promise<void> {
        const api = await logsExportApi(await clientBase(props));
        const outcome = await cancelExport(api, id, { deadline: Date.now() + SHORT_CALL_MS });
        if (outcome === "cancelled") {
            pulumi.log.info(`ExportTask ${props.taskName}: cancelled export task ${id}; objects already exported stay in s3://${props.destination}.`);
        }
    }
}
