/**
 * The Lambda entry point of the continuous export (`index.handler` in the bundle): the settings from
 * `CWLOGS_SCHEDULE`, the state store on DynamoDB, the export engine on CloudWatch Logs, and the real
 * clock. The AWS SDK is the one Lambda's Node.js runtime provides.
 */
import { logsExportApi } from "../../dynamic-providers/aws";
import { CONFIG_ENV, parseConfig } from "./config";
import { listSelectedGroups } from "./logGroups";
import { dynamoStateStore } from "./state";
import { tick, TickReport } from "./tick";

/** The part of Lambda's context object the handler uses. */
export interface LambdaContext {
    readonly awsRequestId?: string;
    getRemainingTimeInMillis?(): number;
}

export async function handler(_event: unknown, context: LambdaContext = {}): Promise<TickReport> {
    const config = parseConfig(process.env[CONFIG_ENV]);
    const region = process.env.AWS_REGION;
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
