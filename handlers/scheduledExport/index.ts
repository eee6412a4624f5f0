/**
 * The Lambda entry point of the continuous export (`index.handler` in the bundle): the table named in
 * `CWLOGS_SCHEDULE`, the settings from its settings item (read at every tick, so a `pulumi up` that
 * changes the selection takes effect at the next tick), the state store on the same table, the
 * export engine on CloudWatch Logs, and the real clock. The AWS SDK is the one Lambda's Node.js
 * runtime provides.
 */
import { logsExportApi } from "../../dynamic-providers/aws";
import { checkConfig, CONFIG_ENV, parseEnv, ScheduleConfig } from "./config";
import { listSelectedGroups } from "./logGroups";
import { readSettings } from "./settings";
import { dynamoStateStore } from "./state";
import { tick, TickReport } from "./tick";

/** The part of Lambda's context object the handler uses. */
export interface LambdaContext {
    readonly awsRequestId?: string;
    getRemainingTimeInMillis?(): number;
}

/** The settings: inline in `CWLOGS_SCHEDULE`, else the settings item of the table it names. */
export async function loadConfig(envText: string | undefined, region?: string): Promise<ScheduleConfig> {
    const env = parseEnv(envText);
    if (env.inline !== undefined) {
        return env.inline;
    }
    const settings = await readSettings(env.tableName, region);
    return checkConfig({ ...(settings as object), tableName: env.tableName }, `the settings item of table ${env.tableName}`);
}

export async function handler(_event: unknown, context: LambdaContext = {}): Promise<TickReport> {
    const region = process.env.AWS_REGION;
    const config = await loadConfig(process.env[CONFIG_ENV], region);
    const store = await dynamoStateStore(config.tableName, region);
    const api = await logsExportApi({ region });
    const report = await tick({
        config, store, api,
        listGroups: () => listSelectedGroups(config, region),
        now: Date.now,
        remainingMs: () => context.getRemainingTimeInMillis?.() ?? 60_000,
        owner: context.awsRequestId ?? `local-${process.pid}-${Date.now()}`,
    });
    console.log(JSON.stringify({
        message: "tick done", exported: report.exported.length, failed: report.failed, vanished: report.vanished, stoppedBy: report.stoppedBy,
    }));
    return report;
}
