/**
 * The function's settings and their defaults. The component writes them into the state table's
 * settings item (./settings) and only the table's name into the `CWLOGS_SCHEDULE` environment
 * variable (JSON), which Lambda caps at 4 KB for all variables. A `CWLOGS_SCHEDULE` that carries the
 * settings itself (`bucket` and the rest) is used as is: deployments from before the settings item,
 * and tests.
 */
import { Selection } from "./selection";
import { DEFAULT_LAG_MS, DEFAULT_WINDOW_MS, lagProblem, Layout, windowProblem } from "./windows";

/** What the settings item holds. */
export interface ScheduleSettings extends Selection {
    readonly bucket: string;
    /** Key prefix without trailing "/"; "" for the bucket's root. */
    readonly prefix: string;
    readonly layout?: Layout;
    readonly windowMs?: number;
    readonly lagMs?: number;
    /** Epoch ms of the first window; the first tick's window when absent. */
    readonly start?: number;
    /** CloudWatch namespace of the embedded metrics. */
    readonly metricsNamespace?: string;
}

export interface ScheduleConfig extends ScheduleSettings {
    /** DynamoDB table of the state store (and of the settings item). */
    readonly tableName: string;
}

export const CONFIG_ENV = "CWLOGS_SCHEDULE";
export const DEFAULT_NAMESPACE = "CwlogsExport/ScheduledExport";
/** The metrics' dimensions: per log group, and per schedule (its state table's name), which the component's alarms watch. */
export const METRIC_DIMENSIONS = { logGroup: "LogGroup", schedule: "Schedule" } as const;
export const METRIC_NAMES = {
    lag: "ExportLagSeconds", due: "WindowsDue", failures: "ConsecutiveFailures", exported: "WindowsExported",
} as const;

/** `CWLOGS_SCHEDULE`: the table name, and the whole settings only when they travel inline. */
export function parseEnv(text: string | undefined): { tableName: string; inline?: ScheduleConfig } {
    if (text === undefined || text === "") {
        throw new Error(`${CONFIG_ENV} is not set: the ScheduledExport component sets it; redeploy the stack.`);
    }
    const c = JSON.parse(text) as Partial<ScheduleConfig>;
    if (typeof c.tableName !== "string") {
        throw new Error(`${CONFIG_ENV} lacks tableName: redeploy the stack.`);
    }
    return c.bucket === undefined ? { tableName: c.tableName } : { tableName: c.tableName, inline: checkConfig(c, CONFIG_ENV) };
}

/** Checks the settings (from `source`, for messages) and fills in the defaults; throws naming the wrong setting. */
export function checkConfig(value: unknown, source: string): ScheduleConfig {
    const c = value as ScheduleConfig;
    if (typeof c !== "object" || c === null || typeof c.tableName !== "string" || typeof c.bucket !== "string" || typeof c.prefix !== "string") {
        throw new Error(`${source} lacks tableName, bucket or prefix: redeploy the stack.`);
    }
    const w = c.windowMs === undefined ? undefined : windowProblem(c.windowMs);
    const l = c.lagMs === undefined ? undefined : lagProblem(c.lagMs);
    if (w !== undefined || l !== undefined) {
        throw new Error(`${source}: ${w ?? l}`);
    }
    return { ...c, windowMs: c.windowMs ?? DEFAULT_WINDOW_MS, lagMs: c.lagMs ?? DEFAULT_LAG_MS };
}
