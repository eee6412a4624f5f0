/**
 * The schedule's state store, a DynamoDB table keyed by `pk`: one item per log group (the start of
 * its first window not exported yet, the window being attempted and its task, failures), one lease
 * item (one invocation works at a time, even when two run at once), one config item (the start
 * chosen at the first tick). Every write that moves a group forward is conditional, so a late or
 * concurrent invocation cannot move it twice or backwards.
 */
import type { AttributeValue, DynamoDBClient } from "@aws-sdk/client-dynamodb";

/** One log group's progress. */
export interface GroupState {
    readonly logGroupName: string;
    /** Start of the first window not exported yet; absent before the first window completes. */
    readonly next?: number;
    /** The window last started (written before CreateExportTask), and its task once known. */
    readonly attemptStart?: number;
    readonly taskId?: string;
    /** Consecutive failures of the window at `next`. */
    readonly failures: number;
    /** No retry before this time (epoch ms, schedule clock). */
    readonly retryAfter?: number;
    readonly lastError?: string;
    readonly lastFailureAt?: number;
    readonly lastCompletedAt?: number;
    readonly lastTaskId?: string;
    /** Run time of the last exported window's task (AWS's creation to completion), when known. */
    readonly lastDurationMs?: number;
}

/** What the handler needs from the store; tests may wrap it to inject crashes. */
export interface StateStore {
    acquireLease(owner: string, now: number, ttlMs: number): Promise<boolean>;
    releaseLease(owner: string): Promise<void>;
    /** The schedule start: the one stored, else `proposed`, stored if nobody stored one first. */
    start(proposed: number): Promise<number>;
    loadGroups(): Promise<Map<string, GroupState>>;
    /** Records that window `start` of `group` is being exported (before CreateExportTask). */
    markAttempt(group: string, start: number, taskId?: string): Promise<void>;
    /** Moves `group` past its window `[start, end)`; false when another invocation already did. */
    markDone(group: string, start: number, end: number, taskId: string, now: number, durationMs?: number): Promise<boolean>;
    markFailed(group: string, start: number, error: string, failures: number, retryAfter: number, now: number): Promise<void>;
}

/** Partition keys of the table's items: one per log group, the lease, the start chosen at the first tick. */
export const GROUP_KEY_PREFIX = "group#";
export const LEASE_KEY = "lease";
const GROUP = GROUP_KEY_PREFIX;
const LEASE = LEASE_KEY;
const CONFIG = "config";

function n(v: number): AttributeValue {
    return { N: String(v) };
}
function s(v: string): AttributeValue {
    return { S: v };
}
function num(item: Record<string, AttributeValue>, k: string): number | undefined {
    const v = item[k]?.N;
    return v === undefined ? undefined : Number(v);
}
function str(item: Record<string, AttributeValue>, k: string): string | undefined {
    return item[k]?.S;
}

function isConditionFailure(e: unknown): boolean {
    return (e as Error).name === "ConditionalCheckFailedException";
}

/** A group item as {@link GroupState}. */
export function groupStateOf(item: Record<string, AttributeValue>): GroupState {
    return {
        logGroupName: (str(item, "pk") ?? "").slice(GROUP.length),
        next: num(item, "next"),
        attemptStart: num(item, "attemptStart"),
        taskId: str(item, "taskId"),
        failures: num(item, "failures") ?? 0,
        retryAfter: num(item, "retryAfter"),
        lastError: str(item, "lastError"),
        lastFailureAt: num(item, "lastFailureAt"),
        lastCompletedAt: num(item, "lastCompletedAt"),
        lastTaskId: str(item, "lastTaskId"),
        lastDurationMs: num(item, "lastDurationMs"),
    };
}

/** The lease item: which invocation works now, until when. */
export function leaseOf(item: Record<string, AttributeValue>): { owner?: string; expiresAt?: number } {
    return { owner: str(item, "owner"), expiresAt: num(item, "expiresAt") };
}

/** The store on a DynamoDB table with a string partition key `pk`. */
export async function dynamoStateStore(tableName: string, region?: string): Promise<StateStore> {
    const ddb = await import("@aws-sdk/client-dynamodb");
    const client: DynamoDBClient = new ddb.DynamoDBClient({ region });
    const send = client.send.bind(client) as (c: unknown) => Promise<Record<string, unknown>>;
    const groupKey = (g: string): Record<string, AttributeValue> => ({ pk: s(GROUP + g) });
    return {
        async acquireLease(owner, now, ttlMs) {
            try {
                await send(new ddb.PutItemCommand({
                    TableName: tableName,
                    Item: { pk: s(LEASE), owner: s(owner), expiresAt: n(now + ttlMs) },
                    ConditionExpression: "attribute_not_exists(pk) OR expiresAt < :now",
                    ExpressionAttributeValues: { ":now": n(now) },
                }));
                return true;
            } catch (e) {
                if (isConditionFailure(e)) {
                    return false;
                }
                throw e;
            }
        },
        async releaseLease(owner) {
            try {
                await send(new ddb.DeleteItemCommand({
                    TableName: tableName, Key: { pk: s(LEASE) },
                    ConditionExpression: "#o = :owner", ExpressionAttributeNames: { "#o": "owner" }, ExpressionAttributeValues: { ":owner": s(owner) },
                }));
            } catch (e) {
                if (!isConditionFailure(e)) {
                    throw e;
                }
            }
        },
        async start(proposed) {
            try {
                await send(new ddb.PutItemCommand({
                    TableName: tableName, Item: { pk: s(CONFIG), start: n(proposed) }, ConditionExpression: "attribute_not_exists(pk)",
                }));
                return proposed;
            } catch (e) {
                if (!isConditionFailure(e)) {
                    throw e;
                }
            }
            const out = await send(new ddb.GetItemCommand({ TableName: tableName, Key: { pk: s(CONFIG) }, ConsistentRead: true }));
            return num(out.Item as Record<string, AttributeValue>, "start") ?? proposed;
        },
        async loadGroups() {
            const groups = new Map<string, GroupState>();
            let startKey: Record<string, AttributeValue> | undefined;
            do {
                const out = await send(new ddb.ScanCommand({ TableName: tableName, ConsistentRead: true, ExclusiveStartKey: startKey }));
                for (const item of (out.Items ?? []) as Record<string, AttributeValue>[]) {
                    const pk = str(item, "pk") ?? "";
                    if (!pk.startsWith(GROUP_KEY_PREFIX)) {
                        continue;
                    }
                    const g = groupStateOf(item);
                    groups.set(g.logGroupName, g);
                }
                startKey = out.LastEvaluatedKey as Record<string, AttributeValue> | undefined;
            } while (startKey !== undefined);
            return groups;
        },
        async markAttempt(group, start, taskId) {
            await send(new ddb.UpdateItemCommand({
                TableName: tableName, Key: groupKey(group),
                UpdateExpression: taskId === undefined ? "SET attemptStart = :s REMOVE taskId" : "SET attemptStart = :s, taskId = :t",
                // Never record an attempt at a window already done.
                ConditionExpression: "attribute_not_exists(#n) OR #n <= :s",
                ExpressionAttributeNames: { "#n": "next" },
                ExpressionAttributeValues: taskId === undefined ? { ":s": n(start) } : { ":s": n(start), ":t": s(taskId) },
            }));
        },
        async markDone(group, start, end, taskId, now, durationMs) {
            const duration: Record<string, AttributeValue> = durationMs === undefined ? {} : { ":d": n(durationMs) };
            try {
                await send(new ddb.UpdateItemCommand({
                    TableName: tableName, Key: groupKey(group),
                    UpdateExpression: `SET #n = :e, lastCompletedAt = :now, lastTaskId = :t, failures = :zero${durationMs === undefined ? "" : ", lastDurationMs = :d"} REMOVE attemptStart, taskId, retryAfter`,
                    // Only the invocation that exported window `start` moves the group past it, once.
                    ConditionExpression: "attribute_not_exists(#n) OR #n = :s",
                    ExpressionAttributeNames: { "#n": "next" },
                    ExpressionAttributeValues: { ":s": n(start), ":e": n(end), ":now": n(now), ":t": s(taskId), ":zero": n(0), ...duration },
                }));
                return true;
            } catch (e) {
                if (isConditionFailure(e)) {
                    return false;
                }
                throw e;
            }
        },
        async markFailed(group, start, error, failures, retryAfter, now) {
            await send(new ddb.UpdateItemCommand({
                TableName: tableName, Key: groupKey(group),
                UpdateExpression: "SET failures = :f, retryAfter = :r, lastError = :err, lastFailureAt = :now REMOVE taskId",
                ConditionExpression: "attribute_not_exists(#n) OR #n = :s",
                ExpressionAttributeNames: { "#n": "next" },
                ExpressionAttributeValues: { ":s": n(start), ":f": n(failures), ":r": n(retryAfter), ":err": s(error.slice(0, 2000)), ":now": n(now) },
            }));
        },
    };
}
