/**
 * `cwlogs-export schedule status --table TABLE`: what a deployed ScheduledExport has done, read from
 * its state table (the component's `tableName` output), the same items its function writes: per log
 * group the last exported window, the lag, the task being exported and the last failure; and whether
 * a tick is running now. A table by default, `--json` for machines (one shape, {@link ScheduleStatus}).
 */
import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import { Command, Option } from "commander";
import { ValidationError } from "../policies/validate";
import { DEFAULT_LAG_MS, DEFAULT_WINDOW_MS, HOUR_MS, lagOf } from "../handlers/scheduledExport/windows";
import { SETTINGS_ATTRIBUTE, SETTINGS_KEY } from "../handlers/scheduledExport/settings";
import { GROUP_KEY_PREFIX, GroupState, groupStateOf, LEASE_KEY, leaseOf } from "../handlers/scheduledExport/state";
import { ScheduleSettings } from "../handlers/scheduledExport/config";
import { addAwsOptions, awsErrorName, AwsFlags, clientConfig, explainAwsError } from "./aws";
import { CliIo } from "./io";

interface ScheduleFlags extends AwsFlags {
    table: string;
    json?: boolean;
}

/** One log group in `--json` output. Times are ISO 8601 UTC strings. */
export interface GroupStatus {
    readonly logGroupName: string;
    /** The latest window exported (its task COMPLETED), `null` before the first. `to` is exclusive. */
    readonly lastExportedWindow: { readonly from: string; readonly to: string; readonly taskId: string | null; readonly completedAt: string | null } | null;
    /** Now minus the end of the last exported window, in seconds; `null` before the first. */
    readonly lagSeconds: number | null;
    /** The window whose export task was created and is not recorded done yet. */
    readonly runningTask: { readonly taskId: string; readonly windowFrom: string } | null;
    /** Failures in a row of the window after the last exported one (0 once it succeeds). */
    readonly consecutiveFailures: number;
    /** The latest failure, kept after later successes; `null` if none ever. */
    readonly lastFailure: { readonly at: string | null; readonly message: string } | null;
    /** No retry of the failed window before this time. */
    readonly retryAfter: string | null;
}

/** `schedule status --json`: the whole output, nothing else on stdout. */
export interface ScheduleStatus {
    readonly tableName: string;
    readonly now: string;
    /** The settings the component wrote (selection shown as counts), `null` when the table has no settings item. */
    readonly schedule: {
        readonly bucket: string; readonly prefix: string; readonly layout: string; readonly windowHours: number; readonly lagHours: number;
        readonly start: string | null; readonly logGroupNames: number; readonly logGroupNamePrefixes: readonly string[];
        readonly tag: { readonly key: string; readonly value: string } | null;
    } | null;
    /** The invocation working now (its lease), `null` when none. */
    readonly tickRunning: { readonly owner: string; readonly until: string } | null;
    /** Every log group the schedule has started exporting, by name. */
    readonly logGroups: readonly GroupStatus[];
}

const iso = (ms: number | undefined): string | null => (ms === undefined ? null : new Date(ms).toISOString());

/** The status from the table's items (pure). */
export function scheduleStatusOf(tableName: string, items: readonly Record<string, AttributeValue>[], now: number): ScheduleStatus {
    const byKey = (pk: string): Record<string, AttributeValue> | undefined => items.find(i => i.pk?.S === pk);
    const settingsText = byKey(SETTINGS_KEY)?.[SETTINGS_ATTRIBUTE]?.S;
    const settings = settingsText === undefined ? undefined : JSON.parse(settingsText) as ScheduleSettings;
    const windowMs = settings?.windowMs ?? DEFAULT_WINDOW_MS;
    const leaseItem = byKey(LEASE_KEY);
    const lease = leaseItem === undefined ? undefined : leaseOf(leaseItem);
    const groups: GroupState[] = items.filter(i => i.pk?.S?.startsWith(GROUP_KEY_PREFIX) === true).map(groupStateOf)
        .sort((a, b) => a.logGroupName.localeCompare(b.logGroupName));
    return {
        tableName,
        now: new Date(now).toISOString(),
        schedule: settings === undefined ? null : {
            bucket: settings.bucket, prefix: settings.prefix, layout: settings.layout ?? "date",
            windowHours: windowMs / HOUR_MS, lagHours: (settings.lagMs ?? DEFAULT_LAG_MS) / HOUR_MS, start: iso(settings.start),
            logGroupNames: (settings.logGroupNames ?? []).length, logGroupNamePrefixes: settings.logGroupNamePrefixes ?? [], tag: settings.tag ?? null,
        },
        tickRunning: lease?.owner !== undefined && lease.expiresAt !== undefined && lease.expiresAt > now
            ? { owner: lease.owner, until: new Date(lease.expiresAt).toISOString() } : null,
        logGroups: groups.map(g => {
            const done = g.next !== undefined && g.lastCompletedAt !== undefined;
            return {
                logGroupName: g.logGroupName,
                lastExportedWindow: done && g.next !== undefined
                    ? { from: new Date(g.next - windowMs).toISOString(), to: new Date(g.next).toISOString(), taskId: g.lastTaskId ?? null, completedAt: iso(g.lastCompletedAt) }
                    : null,
                lagSeconds: done && g.next !== undefined ? Math.round(lagOf(g.next, now) / 1000) : null,
                runningTask: g.attemptStart !== undefined && g.taskId !== undefined ? { taskId: g.taskId, windowFrom: new Date(g.attemptStart).toISOString() } : null,
                consecutiveFailures: g.failures,
                lastFailure: g.lastError === undefined ? null : { at: iso(g.lastFailureAt), message: g.lastError },
                retryAfter: iso(g.retryAfter),
            };
        }),
    };
}

function hours(seconds: number | null): string {
    return seconds === null ? "-" : `${(seconds / 3600).toFixed(1)} h`;
}

/** The status as plain text: the schedule, then one aligned line per log group. */
export function formatScheduleStatus(s: ScheduleStatus): string {
    const head = [
        `Schedule ${s.tableName} at ${s.now}`,
        s.schedule === null
            ? "  settings: none (no settings item: run `pulumi up` for the ScheduledExport)"
            : `  to s3://${s.schedule.bucket}/${s.schedule.prefix} (${s.schedule.layout}), windows of ${s.schedule.windowHours} h, ${s.schedule.lagHours} h lag`,
        `  tick running: ${s.tickRunning === null ? "no" : `${s.tickRunning.owner} until ${s.tickRunning.until}`}`,
    ];
    if (s.logGroups.length === 0) {
        return [...head, "No log group exported yet."].join("\n") + "\n";
    }
    const rows = [
        ["LOG GROUP", "LAST EXPORTED WINDOW", "LAG", "RUNNING TASK", "FAILURES", "LAST FAILURE"],
        ...s.logGroups.map(g => [
            g.logGroupName,
            g.lastExportedWindow === null ? "-" : `${g.lastExportedWindow.from} .. ${g.lastExportedWindow.to}`,
            hours(g.lagSeconds),
            g.runningTask === null ? "-" : `${g.runningTask.taskId} (${g.runningTask.windowFrom})`,
            String(g.consecutiveFailures),
            g.lastFailure === null ? "" : `${g.lastFailure.at ?? "?"} ${g.lastFailure.message.split("\n")[0]}`,
        ]),
    ];
    const widths = rows[0].map((_, i) => Math.max(...rows.map(r => r[i].length)));
    return [...head, "", ...rows.map(r => r.map((c, i) => i === r.length - 1 ? c : c.padEnd(widths[i])).join("  ").trimEnd())].join("\n") + "\n";
}

/** DynamoDB table names: 3 to 255 of a-z, A-Z, 0-9, "_", "-" and "." (DynamoDB naming rules). */
export function validateTableName(name: string): string {
    if (!/^[A-Za-z0-9_.-]{3,255}$/.test(name)) {
        throw new ValidationError("--table",
            `${JSON.stringify(name)} is not a DynamoDB table name: give the ScheduledExport's state table, e.g. --table "$(pulumi stack output tableName)".`);
    }
    return name;
}

/** Runs `schedule status`. */
export async function runScheduleStatus(io: CliIo, flags: ScheduleFlags, now = Date.now()): Promise<void> {
    const table = validateTableName(flags.table);
    const config = clientConfig(flags);
    // Loaded here, not at the top: the other commands start without the DynamoDB client.
    const ddb = await import("@aws-sdk/client-dynamodb");
    const client = new ddb.DynamoDBClient({ ...config });
    const items: Record<string, AttributeValue>[] = [];
    try {
        let startKey: Record<string, AttributeValue> | undefined;
        do {
            const out = await client.send(new ddb.ScanCommand({ TableName: table, ConsistentRead: true, ExclusiveStartKey: startKey }));
            items.push(...(out.Items ?? []));
            startKey = out.LastEvaluatedKey;
        } while (startKey !== undefined);
    } catch (e) {
        if (awsErrorName(e) === "ResourceNotFoundException") {
            const region = await client.config.region().catch(() => "this region");
            throw new Error(`table ${table} not found in ${region}: check --table (the ScheduledExport's tableName output), --region and --profile.`);
        }
        throw explainAwsError(e, "Scan");
    }
    const status = scheduleStatusOf(table, items, now);
    io.stdout(flags.json === true ? `${JSON.stringify(status, null, 2)}\n` : formatScheduleStatus(status));
}

/** Registers `schedule status` on `program`. */
export function registerScheduleCommand(program: Command, io: CliIo): void {
    const schedule = program.command("schedule")
        .description("inspect a deployed ScheduledExport (continuous export)")
        .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
        .exitOverride();
    const status = schedule.command("status")
        .description("each log group's last exported window, lag, running task and last failure, from the schedule's state table")
        .addOption(new Option("--table <name>", "the schedule's DynamoDB state table (the ScheduledExport's tableName output)").makeOptionMandatory())
        .option("--json", "print one JSON object (documented in the README) instead of a table")
        .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
        .exitOverride();
    addAwsOptions(status).action(async (_opts: ScheduleFlags, command: Command) => {
        await runScheduleStatus(io, command.optsWithGlobals<ScheduleFlags>());
    });
}
