/**
 * The function's settings, as the component writes them into the `CWLOGS_SCHEDULE` environment
 * variable (JSON), and their defaults.
 */
import { Selection } from "./selection";
import { DEFAULT_LAG_MS, DEFAULT_WINDOW_MS, lagProblem, Layout, windowProblem } from "./windows";

export interface ScheduleConfig extends Selection {
    /** DynamoDB table of the state store. */
    readonly tableName: string;
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

export const CONFIG_ENV = "CWLOGS_SCHEDULE";
export const DEFAULT_NAMESPACE = "CwlogsExport/ScheduledExport";

/** Reads and checks the configuration; throws a message that says which setting is wrong. */
export function parseConfig(text: string | undefined): ScheduleConfig {
    if (text === undefined || text === "") {
        throw new Error(`${CONFIG_ENV} is not set: the ScheduledExport component sets it; redeploy the stack.`);
    }
    const c = JSON.parse(text) as ScheduleConfig;
    if (typeof c.tableName !== "string" || typeof c.bucket !== "string" || typeof c.prefix !== "string") {
        throw new Error(`${CONFIG_ENV} lacks tableName, bucket or prefix: redeploy the stack.`);
    }
    const w = c.windowMs === undefined ? undefined : windowProblem(c.windowMs);
    const l = c.lagMs === undefined ? undefined : lagProblem(c.lagMs);
    if (w !== undefined || l !== undefined) {
        throw new Error(`${CONFIG_ENV}: ${w ?? l}`);
    }
    return { ...c, windowMs: c.windowMs ?? DEFAULT_WINDOW_MS, lagMs: c.lagMs ?? DEFAULT_LAG_MS };
}
