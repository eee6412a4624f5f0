/**
 * A small HTTP proxy between the AWS SDK and moto that adds what moto does not model for export
 * tasks: tasks held RUNNING for a set time, the one-active-task limit (LimitExceededException), the
 * statusCode filter of DescribeExportTasks, "already finished" on cancel, FAILED tasks with AWS's
 * messages, and injected throttling, 500s and dropped connections. Everything else passes through.
 */
import * as http from "http";
import * as net from "net";

/** A fault injected into the next CloudWatch Logs request of a given operation. */
export type Fault = "throttle" | "500" | "drop" | "drop-after-forward" | "already-finished" | "bucket-acl-denied"
    /** STS AssumeRole only: AccessDenied, as IAM answers for a role created seconds ago. */
    | "access-denied"
    /** CreateExportTask's OperationAbortedException (a conflicting concurrent request; nothing created). */
    | "operation-aborted"
    /** CreateExportTask's ResourceAlreadyExistsException, after forwarding the create (a concurrent run's task of that name). */
    | "already-exists-after-forward";

/** What AWS answers CreateExportTask when the bucket policy lacks the GetBucketAcl grant. */
export const GET_BUCKET_ACL_FAILED =
    "GetBucketAcl call on the given bucket failed. Please check if CloudWatch Logs has been granted permission to perform this operation.";

export interface ProxyOptions {
    /** How long a created task is reported RUNNING. Defaults to 0 (moto's instant completion). */
    holdMs?: number;
    /** Answer LimitExceededException while a task is active. Defaults to `true`. */
    enforceLimit?: boolean;
    /** Added to the `Date` header of every answer (AWS's clock seen from a host whose clock is off). Defaults to 0. */
    dateOffsetMs?: number;
    /**
     * Status polls (DescribeExportTasks by taskId; with `listings`, by status too) signed with this
     * access key id are answered `ms` late: a client that falls behind the others (a slow network, a
     * suspended laptop). The answer is what AWS lists when it is sent. With `createMs`, its
     * CreateExportTask requests reach AWS that much later than they were sent.
     */
    slowPolls?: { accessKeyId: string; ms: number; listings?: boolean; createMs?: number };
    /**
     * Enforce the one-active-task limit per account, as AWS does, instead of over all requests: the
     * account of a request is the one moto derives from the role ARN its credentials were assumed
     * from (AssumeRole answers seen by this proxy), else the default account. Defaults to `false`.
     */
    limitPerAccount?: boolean;
    /**
     * How long the task named `taskName` is held RUNNING, instead of `holdMs` (e.g. +-50% around a
     * mean, for benchmarks of uneven tasks). Defaults to none (every task `holdMs`).
     */
    holdFor?: (taskName: string) => number;
    /**
     * Page DescribeExportTasks lists as AWS does (API_DescribeExportTasks: `limit` at most 50,
     * `nextToken`), merging moto's tasks with the synthesized ones ({@link Proxy.synthesize}).
     * Defaults to `false` (moto's one answer with everything).
     */
    paging?: boolean;
    /** With `paging`: the order of the list, by creation time. Defaults to `"oldest-first"`. */
    listOrder?: "oldest-first" | "newest-first";
}

/** A task the proxy lists without moto knowing it (cheap history: thousands of old tasks). */
export interface SynthesizedTask {
    taskId: string;
    taskName: string;
    logGroupName: string;
    from: number;
    /** Inclusive, as AWS lists it. */
    to: number;
    destination: string;
    destinationPrefix: string;
    status: "COMPLETED" | "FAILED" | "CANCELLED";
    creationTime: number;
    completionTime: number;
}

/** The account of requests signed with keys this proxy did not see AssumeRole return (moto's default). */
export const PROXY_DEFAULT_ACCOUNT = "123456789012";

interface Tracked {
    taskId: string;
    taskName: string;
    createdAt: number;
    /** How long it is held RUNNING. */
    holdMs: number;
    cancelled: boolean;
    /** The account the task was created in (see {@link ProxyOptions.limitPerAccount}). */
    account: string;
    /** When set, the task ends FAILED with this message instead of COMPLETED. */
    failWith?: string;
}

/** A request log entry. */
export interface Seen {
    operation: string;
    at: number;
    fault?: Fault;
    /** The status the proxy answered with. */
    status?: number;
    /** DescribeExportTasks: the statusCode filter, when one was given. */
    statusCode?: string;
    /** DescribeExportTasks: the task id asked for, when one was given (a status check, not a listing). */
    taskId?: string;
    /** The account the request acts in (see {@link ProxyOptions.limitPerAccount}). */
    account?: string;
    /** When the answer was sent (or the connection dropped). */
    doneAt?: number;
}

export interface Proxy {
    readonly endpoint: string;
    /** Every Logs operation the proxy received, in order. */
    readonly seen: Seen[];
    /** Every other request (STS, S3, Organizations), in order: `operation` is the STS action or `S3 <method>`. */
    readonly others: Seen[];
    /** CreateExportTask calls forwarded to moto, with the task name and id moto returned. */
    readonly created: { taskName: string; taskId: string; at: number; account: string }[];
    /** Highest number of simultaneously active tasks seen at any create, per account. */
    maxActiveByAccount: Record<string, number>;
    /** AssumeRole of this role ARN is answered AccessDenied (every time, until {@link Proxy.clear}). */
    denyAssumeRole(roleArn: string): void;
    /** The account a request signed with `accessKeyId` acts in, as far as this proxy knows. */
    accountOfKey(accessKeyId: string): string;
    /** LimitExceededException answers sent. */
    limitRejections: number;
    /** Highest number of simultaneously active tasks seen at any create. */
    maxActive: number;
    options: Required<Omit<ProxyOptions, "slowPolls" | "holdFor">> & Pick<ProxyOptions, "slowPolls" | "holdFor">;
    /** Adds tasks to every list (with `paging`), as if AWS had kept them from earlier runs. */
    synthesize(tasks: readonly SynthesizedTask[]): void;
    /** Synthesized tasks listed now. */
    synthesized(): number;
    /** Queues faults for the next requests of `operation` (e.g. "CreateExportTask"). */
    inject(operation: string, ...faults: Fault[]): void;
    /** Tasks whose name starts with `taskNamePrefix` end FAILED with `message`. */
    failTasks(taskNamePrefix: string, message: string): void;
    /** Tasks created from now on complete normally (those already failing stay FAILED). */
    stopFailingTasks(): void;
    /** Number of tasks active now. */
    active(): number;
    /** Calls of `operation` received. */
    count(operation: string): number;
    /** Forgets tasks and counters (not moto's state). */
    clear(): void;
    stop(): Promise<void>;
}

const LOGS_TARGET = /^Logs_20140328\.(\w+)$/;

function readBody(stream: http.IncomingMessage): Promise<Buffer> {
    return new Promise((resolve, reject) => {
        const chunks: Buffer[] = [];
        stream.on("data", (c: Buffer) => chunks.push(c));
        stream.on("end", () => resolve(Buffer.concat(chunks)));
        stream.on("error", reject);
    });
}

function jsonError(res: http.ServerResponse, status: number, type: string, message: string): void {
    const body = JSON.stringify({ __type: type, message });
    res.writeHead(status, { "content-type": "application/x-amz-json-1.1", "content-length": Buffer.byteLength(body), "x-amzn-errortype": type });
    res.end(body);
}

/** Starts a proxy on a free loopback port in front of `target` (moto's endpoint). */
export async function startProxy(target: string, options: ProxyOptions = {}): Promise<Proxy> {
    const upstream = new URL(target);
    const tracked = new Map<string, Tracked>();
    const faults = new Map<string, Fault[]>();
    const failures: { prefix: string; message: string }[] = [];
    const sockets = new Set<net.Socket>();

    const synthetic: Record<string, unknown>[] = [];
    const isActive = (t: Tracked, now: number): boolean => !t.cancelled && now - t.createdAt < t.holdMs;
    /** Creates forwarded to moto and not answered yet: they hold the slot too (concurrent creates race). */
    let creating = 0;
    const activeNow = (): number => creating + [...tracked.values()].filter(t => isActive(t, Date.now())).length;
    const accountByKey = new Map<string, string>();
    const deniedRoles = new Set<string>();
    const creatingIn = new Map<string, number>();
    const accountOfKey = (key: string): string => accountByKey.get(key) ?? PROXY_DEFAULT_ACCOUNT;
    const accountOf = (req: http.IncomingMessage): string => accountOfKey(/Credential=([^/\s]+)\//.exec(String(req.headers.authorization ?? ""))?.[1] ?? "");
    const activeIn = (account: string): number => (creatingIn.get(account) ?? 0)
        + [...tracked.values()].filter(t => t.account === account && isActive(t, Date.now())).length;

    const forward = (req: http.IncomingMessage, body: Buffer): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> =>
        new Promise((resolve, reject) => {
            const up = http.request({
                host: upstream.hostname, port: upstream.port, method: req.method, path: req.url,
                headers: { ...req.headers, host: upstream.host, "content-length": String(body.length) },
            }, r => { readBody(r).then(b => resolve({ status: r.statusCode ?? 500, headers: r.headers, body: b }), reject); });
            up.on("error", reject);
            up.end(body);
        });

    const send = (res: http.ServerResponse, status: number, headers: http.IncomingHttpHeaders, body: Buffer): void => {
        const h: http.OutgoingHttpHeaders = { ...headers, "content-length": body.length };
        delete h["transfer-encoding"];
        if (proxy.options.dateOffsetMs !== 0) {
            h.date = new Date(Date.now() + proxy.options.dateOffsetMs).toUTCString();
        }
        res.writeHead(status, h);
        res.end(body);
    };

    // executionInfo as AWS reports it (moto has none): creationTime, and completionTime once finished.
    const rewriteTask = (task: Record<string, unknown>, now: number): Record<string, unknown> => {
        const t = tracked.get(String(task.taskId));
        if (t === undefined) {
            return task;
        }
        if (t.cancelled) {
            return { ...task, status: { code: "CANCELLED", message: "Cancelled by user" }, executionInfo: { creationTime: t.createdAt } };
        }
        if (isActive(t, now)) {
            return { ...task, status: { code: "RUNNING", message: "Task is running" }, executionInfo: { creationTime: t.createdAt } };
        }
        const executionInfo = { creationTime: t.createdAt, completionTime: t.createdAt + t.holdMs };
        if (t.failWith !== undefined) {
            return { ...task, status: { code: "FAILED", message: t.failWith }, executionInfo };
        }
        return { ...task, executionInfo };
    };

    const handleLogs = async (operation: string, req: http.IncomingMessage, res: http.ServerResponse, body: Buffer): Promise<void> => {
        const entry: Seen = { operation, at: Date.now(), account: accountOf(req) };
        proxy.seen.push(entry);
        const finished = (): void => { entry.doneAt ??= Date.now(); };
        res.on("finish", finished);
        res.on("close", finished);
        const fault = faults.get(operation)?.shift();
        entry.fault = fault;
        if (fault === "throttle") {
            entry.status = 400;
            return jsonError(res, 400, "ThrottlingException", "Rate exceeded");
        }
        if (fault === "500") {
            entry.status = 500;
            return jsonError(res, 500, "ServiceUnavailableException", "injected 500");
        }
        if (fault === "drop") {
            req.socket.destroy();
            return;
        }
        if (fault === "bucket-acl-denied") {
            entry.status = 400;
            return jsonError(res, 400, "InvalidParameterException", GET_BUCKET_ACL_FAILED);
        }
        if (fault === "operation-aborted") {
            entry.status = 400;
            return jsonError(res, 400, "OperationAbortedException", "Multiple concurrent requests to update the same resource were in conflict.");
        }
        if (fault === "already-finished") {
            entry.status = 400;
            return jsonError(res, 400, "InvalidOperationException", "The specified export task has already finished");
        }
        const input = JSON.parse(body.toString() || "{}") as Record<string, unknown>;
        if (typeof input.statusCode === "string") {
            entry.statusCode = input.statusCode;
        }
        if (typeof input.taskId === "string") {
            entry.taskId = input.taskId;
        }
        const slow = proxy.options.slowPolls;
        const lagging = slow !== undefined && String(req.headers.authorization ?? "").includes(`Credential=${slow.accessKeyId}/`);
        if (lagging && operation === "DescribeExportTasks" && (typeof input.taskId === "string" || slow.listings === true)) {
            await new Promise(r => setTimeout(r, slow.ms));
        }
        if (lagging && operation === "CreateExportTask" && slow.createMs !== undefined) {
            await new Promise(r => setTimeout(r, slow.createMs));
        }
        const now = Date.now();
        if (operation === "CreateExportTask") {
            const account = accountOf(req);
            const active = activeNow();
            const inAccount = activeIn(account);
            if ((proxy.options.limitPerAccount ? inAccount : active) > 0 && proxy.options.enforceLimit) {
                proxy.limitRejections++;
                entry.status = 400;
                return jsonError(res, 400, "LimitExceededException", "Resource limit exceeded.");
            }
            creating++;
            creatingIn.set(account, (creatingIn.get(account) ?? 0) + 1);
            const r = await forward(req, body).finally(() => { creating--; creatingIn.set(account, (creatingIn.get(account) ?? 1) - 1); });
            if (r.status === 200) {
                const taskId = String((JSON.parse(r.body.toString()) as { taskId: string }).taskId);
                const taskName = String(input.taskName ?? "");
                const fail = failures.find(f => taskName.startsWith(f.prefix));
                const holdMs = proxy.options.holdFor?.(taskName) ?? proxy.options.holdMs;
                tracked.set(taskId, { taskId, taskName, createdAt: Date.now(), holdMs, cancelled: false, failWith: fail?.message, account });
                proxy.created.push({ taskName, taskId, at: Date.now(), account });
                proxy.maxActive = Math.max(proxy.maxActive, active + 1);
                proxy.maxActiveByAccount[account] = Math.max(proxy.maxActiveByAccount[account] ?? 0, inAccount + 1);
            }
            entry.status = r.status;
            if (fault === "drop-after-forward") {
                req.socket.destroy();
                return;
            }
            if (fault === "already-exists-after-forward") {
                entry.status = 400;
                return jsonError(res, 400, "ResourceAlreadyExistsException", "The specified resource already exists.");
            }
            return send(res, r.status, r.headers, r.body);
        }
        if (operation === "CancelExportTask") {
            const t = tracked.get(String(input.taskId));
            if (t !== undefined && !isActive(t, now)) {
                entry.status = 400;
                return jsonError(res, 400, "InvalidOperationException", "The specified export task has already finished");
            }
            if (t !== undefined) {
                t.cancelled = true;
            }
        }
        const paging = operation === "DescribeExportTasks" && proxy.options.paging;
        // A listing is filtered (and paged, with `paging`) here, by the statuses this proxy gives its
        // tasks: moto is asked for every task at once (its own status filter, limit and token would
        // cut the list by moto's statuses, and a RUNNING task of the proxy's could fall off the page).
        const listing = operation === "DescribeExportTasks" && typeof input.taskId !== "string";
        const upstreamBody = listing ? Buffer.from(JSON.stringify({ ...input, statusCode: undefined, limit: undefined, nextToken: undefined })) : body;
        const r = await forward(req, upstreamBody);
        entry.status = r.status;
        if (fault === "drop-after-forward") {
            req.socket.destroy();
            return;
        }
        if (operation === "DescribeExportTasks" && r.status === 200) {
            const out = JSON.parse(r.body.toString()) as { exportTasks?: Record<string, unknown>[]; nextToken?: string };
            let tasks = (out.exportTasks ?? []).map(t => rewriteTask(t, now));
            if (paging && typeof input.taskId !== "string") {
                tasks = [...synthetic, ...tasks];
            } else if (typeof input.taskId === "string" && tasks.length === 0) {
                tasks = synthetic.filter(t => t.taskId === input.taskId);
            }
            if (typeof input.statusCode === "string") {
                tasks = tasks.filter(t => (t.status as { code?: string } | undefined)?.code === input.statusCode);
            }
            if (!paging) {
                return send(res, 200, r.headers, Buffer.from(JSON.stringify({ ...out, exportTasks: tasks })));
            }
            const created = (t: Record<string, unknown>): number => (t.executionInfo as { creationTime?: number } | undefined)?.creationTime ?? 0;
            const sign = proxy.options.listOrder === "newest-first" ? -1 : 1;
            tasks = tasks.map((t, i) => ({ t, i })).sort((a, b) => sign * (created(a.t) - created(b.t)) || a.i - b.i).map(x => x.t);
            const size = Math.min(50, typeof input.limit === "number" ? input.limit : 50);
            const offset = typeof input.nextToken === "string" ? Number(input.nextToken.replace(/^p/, "")) : 0;
            const page = tasks.slice(offset, offset + size);
            const next = offset + size < tasks.length ? `p${offset + size}` : undefined;
            return send(res, 200, r.headers, Buffer.from(JSON.stringify({ exportTasks: page, ...(next === undefined ? {} : { nextToken: next }) })));
        }
        return send(res, r.status, r.headers, r.body);
    };

    const server = http.createServer((req, res) => {
        readBody(req).then(async body => {
            const target = String(req.headers["x-amz-target"] ?? "");
            const m = LOGS_TARGET.exec(target);
            if (m) {
                return handleLogs(m[1], req, res, body);
            }
            const action = /(?:^|&)Action=(\w+)/.exec(body.toString())?.[1] ?? (target === "" ? `S3 ${req.method ?? "?"}` : target.replace(/^.*\./, ""));
            // AssumeRole is signed by the caller: it counts for the account of the role it asks for.
            const roleAccount = action === "AssumeRole" ? /RoleArn=arn%3A[^%]+%3Aiam%3A%3A(\d{12})%3A/.exec(body.toString())?.[1] : undefined;
            const other: Seen = { operation: action, at: Date.now(), account: roleAccount ?? accountOf(req) };
            res.once("finish", () => { other.doneAt = Date.now(); });
            proxy.others.push(other);
            if (/(^|&)Action=AssumeRole(&|$)/.test(body.toString()) || target.endsWith(".AssumeRole")) {
                proxy.seen.push({ operation: "AssumeRole", at: Date.now() });
                const roleArn = new URLSearchParams(body.toString()).get("RoleArn") ?? "";
                if (faults.get("AssumeRole")?.shift() === "access-denied" || deniedRoles.has(roleArn)) {
                    const xml = '<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>AccessDenied</Code>' +
                        "<Message>User is not authorized to perform: sts:AssumeRole (injected)</Message></Error><RequestId>proxy</RequestId></ErrorResponse>";
                    res.writeHead(403, { "content-type": "text/xml", "content-length": Buffer.byteLength(xml) });
                    res.end(xml);
                    return;
                }
                // moto acts in the role's account for the credentials it returns: remember which.
                const assumed = await forward(req, body);
                const key = /<AccessKeyId>([^<]+)<\/AccessKeyId>/.exec(assumed.body.toString())?.[1];
                const account = /^arn:[^:]+:iam::(\d{12}):/.exec(roleArn)?.[1];
                if (key !== undefined && account !== undefined) {
                    accountByKey.set(key, account);
                }
                return send(res, assumed.status, assumed.headers, assumed.body);
            }
            const r = await forward(req, body);
            return send(res, r.status, r.headers, r.body);
        }).catch(e => {
            if (!res.headersSent) {
                jsonError(res, 502, "ProxyError", String(e));
            }
        });
    });
    server.on("connection", s => { sockets.add(s); s.on("close", () => sockets.delete(s)); });
    await new Promise<void>(resolve => server.listen(0, "127.0.0.1", () => resolve()));
    const port = (server.address() as net.AddressInfo).port;

    const proxy: Proxy = {
        endpoint: `http://127.0.0.1:${port}`,
        seen: [],
        others: [],
        created: [],
        limitRejections: 0,
        maxActive: 0,
        maxActiveByAccount: {},
        denyAssumeRole(roleArn) {
            deniedRoles.add(roleArn);
        },
        accountOfKey,
        options: {
            holdMs: options.holdMs ?? 0, enforceLimit: options.enforceLimit ?? true, dateOffsetMs: options.dateOffsetMs ?? 0, slowPolls: options.slowPolls,
            holdFor: options.holdFor, paging: options.paging ?? false, listOrder: options.listOrder ?? "oldest-first",
            limitPerAccount: options.limitPerAccount ?? false,
        },
        synthesize(tasks) {
            for (const t of tasks) {
                synthetic.push({
                    taskId: t.taskId, taskName: t.taskName, logGroupName: t.logGroupName, from: t.from, to: t.to,
                    destination: t.destination, destinationPrefix: t.destinationPrefix,
                    status: { code: t.status, message: t.status === "COMPLETED" ? "Completed successfully" : t.status },
                    executionInfo: { creationTime: t.creationTime, completionTime: t.completionTime },
                });
            }
        },
        synthesized: () => synthetic.length,
        inject(operation, ...f) {
            faults.set(operation, [...(faults.get(operation) ?? []), ...f]);
        },
        failTasks(prefix, message) {
            failures.push({ prefix, message });
        },
        stopFailingTasks() {
            failures.length = 0;
        },
        active: activeNow,
        count: operation => proxy.seen.filter(s => s.operation === operation).length,
        clear() {
            tracked.clear();
            synthetic.length = 0;
            faults.clear();
            failures.length = 0;
            proxy.seen.length = 0;
            proxy.others.length = 0;
            proxy.created.length = 0;
            proxy.limitRejections = 0;
            proxy.maxActive = 0;
            proxy.maxActiveByAccount = {};
            deniedRoles.clear();
        },
        stop: () => new Promise<void>(resolve => {
            for (const s of sockets) {
                s.destroy();
            }
            server.close(() => resolve());
        }),
    };
    return proxy;
}
