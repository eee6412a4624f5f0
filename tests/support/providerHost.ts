/**
 * Drives Pulumi's own dynamic-provider host (`@pulumi/pulumi/cmd/dynamic-provider`) over gRPC, the
 * way the engine does during `pulumi up`/`refresh`/`destroy`: spawn it, read the port it prints, then
 * send Configure/Check/Diff/Create/Read/Update/Delete with `__provider` among the properties.
 */
import * as grpc from "@grpc/grpc-js";
import { ChildProcess, spawn } from "child_process";
import * as path from "path";
import * as structproto from "google-protobuf/google/protobuf/struct_pb";
import * as provrpc from "@pulumi/pulumi/proto/provider_grpc_pb";
import * as provproto from "@pulumi/pulumi/proto/provider_pb";
import * as statusproto from "@pulumi/pulumi/proto/status_pb";

const HOST = path.join(path.dirname(require.resolve("@pulumi/pulumi/package.json")), "cmd", "dynamic-provider", "index.js");
const REPO = path.resolve(__dirname, "..", "..");
const URN = "urn:pulumi:test::cwlogs-export::pulumi-nodejs:dynamic/cwlogs:ExportTask::task";

type Props = Record<string, unknown>;

/** A create that failed after the resource existed: Pulumi keeps `id` and `properties` in state. */
export interface InitFailure {
    id: string;
    properties: Props;
    reasons: string[];
}

/** A gRPC error from the host, with the partial-create details when the host sent them. */
export class HostError extends Error {
    constructor(message: string, public readonly initFailure?: InitFailure) {
        super(message);
    }
}

export interface ProviderHost {
    check(news: Props, olds?: Props): Promise<{ inputs: Props; failures: { property: string; reason: string }[] }>;
    diff(id: string, olds: Props, news: Props): Promise<{ changes: number; replaces: string[]; deleteBeforeReplace: boolean }>;
    create(properties: Props): Promise<{ id: string; properties: Props }>;
    read(id: string, properties: Props): Promise<{ id: string; properties: Props }>;
    update(id: string, olds: Props, news: Props): Promise<Props>;
    delete(id: string, properties: Props): Promise<void>;
    /** Output of the host process so far (stdout and stderr). */
    output(): string;
    /** SIGKILL, as a crash of `pulumi up` would. */
    kill(): Promise<void>;
    stop(): Promise<void>;
}

/** JSON-only copy: Struct cannot hold `undefined`. */
function struct(p: Props): structproto.Struct {
    return structproto.Struct.fromJavaScript(JSON.parse(JSON.stringify(p)) as Record<string, structproto.JavaScriptValue>);
}

function toJs(s: structproto.Struct | undefined): Props {
    return (s?.toJavaScript() ?? {}) as Props;
}

function hostError(err: grpc.ServiceError): HostError {
    const bin = err.metadata?.get("grpc-status-details-bin")?.[0];
    if (bin === undefined) {
        return new HostError(err.details || err.message);
    }
    const status = statusproto.Status.deserializeBinary(bin instanceof Buffer ? new Uint8Array(bin) : Buffer.from(bin));
    for (const any of status.getDetailsList()) {
        if (any.getTypeName() === "pulumirpc.ErrorResourceInitFailed") {
            const d = provproto.ErrorResourceInitFailed.deserializeBinary(any.getValue_asU8());
            return new HostError(status.getMessage(), { id: d.getId(), properties: toJs(d.getProperties()), reasons: d.getReasonsList() });
        }
    }
    return new HostError(status.getMessage());
}

export interface HostOptions {
    /**
     * The host's working directory: Pulumi starts it in the program's folder, and the serialized
     * provider loads the package from there. Defaults to this repository, whose sources are then
     * loaded through ts-node (the `cwlogs-export-source` export condition), so tests need no build.
     */
    cwd?: string;
    /** The program's folder whose own `@pulumi/pulumi` host to run, with no ts-node: the installed package. */
    program?: string;
}

/** Starts the host with `env` added to this process's environment, configures it and returns a driver. */
export async function startProviderHost(env: Record<string, string>, options: HostOptions = {}): Promise<ProviderHost> {
    const args = options.program === undefined
        ? ["-r", require.resolve("ts-node/register/transpile-only"), "--conditions=cwlogs-export-source", HOST]
        : [path.join(options.program, "node_modules", "@pulumi", "pulumi", "cmd", "dynamic-provider", "index.js")];
    const child: ChildProcess = spawn(process.execPath, [...args, "127.0.0.1:0"], {
        cwd: options.program ?? options.cwd ?? REPO,
        env: { ...process.env, TS_NODE_PROJECT: path.join(REPO, "tsconfig.json"), ...env },
        stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let exited = false;
    child.on("exit", () => { exited = true; });
    child.stderr?.on("data", (d: Buffer) => { out = (out + d.toString()).slice(-20000); });
    const port = await new Promise<number>((resolve, reject) => {
        let first = "";
        const timer = setTimeout(() => reject(new Error(`dynamic-provider host printed no port:\n${out}`)), 30_000);
        child.stdout?.on("data", (d: Buffer) => {
            out = (out + d.toString()).slice(-20000);
            first += d.toString();
            const m = /^(\d+)\s/.exec(first);
            if (m) {
                clearTimeout(timer);
                resolve(Number(m[1]));
            }
        });
        child.on("exit", code => { clearTimeout(timer); reject(new Error(`dynamic-provider host exited (${code}):\n${out}`)); });
    });
    const client = new provrpc.ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
    const call = <Req, Res>(method: (req: Req, cb: (e: grpc.ServiceError | null, r: Res) => void) => unknown, req: Req): Promise<Res> =>
        new Promise((resolve, reject) => {
            method.call(client, req, (e: grpc.ServiceError | null, r: Res) => (e ? reject(hostError(e)) : resolve(r)));
        });

    const configure = new provproto.ConfigureRequest();
    configure.setArgs(struct({}));
    configure.setAcceptsecrets(true);
    await call(client.configure, configure);

    const stop = (signal: NodeJS.Signals) => new Promise<void>(resolve => {
        client.close();
        if (exited) {
            resolve();
            return;
        }
        child.once("exit", () => resolve());
        child.kill(signal);
    });

    return {
        async check(news, olds = {}) {
            const req = new provproto.CheckRequest();
            req.setUrn(URN);
            req.setOlds(struct(olds));
            req.setNews(struct(news));
            const res = await call<provproto.CheckRequest, provproto.CheckResponse>(client.check, req);
            return {
                inputs: toJs(res.getInputs()),
                failures: res.getFailuresList().map(f => ({ property: f.getProperty(), reason: f.getReason() })),
            };
        },
        async diff(id, olds, news) {
            const req = new provproto.DiffRequest();
            req.setId(id);
            req.setUrn(URN);
            req.setOlds(struct(olds));
            req.setNews(struct(news));
            const res = await call<provproto.DiffRequest, provproto.DiffResponse>(client.diff, req);
            return { changes: res.getChanges(), replaces: res.getReplacesList(), deleteBeforeReplace: res.getDeletebeforereplace() };
        },
        async create(properties) {
            const req = new provproto.CreateRequest();
            req.setUrn(URN);
            req.setProperties(struct(properties));
            const res = await call<provproto.CreateRequest, provproto.CreateResponse>(client.create, req);
            return { id: res.getId(), properties: toJs(res.getProperties()) };
        },
        async read(id, properties) {
            const req = new provproto.ReadRequest();
            req.setId(id);
            req.setUrn(URN);
            req.setProperties(struct(properties));
            const res = await call<provproto.ReadRequest, provproto.ReadResponse>(client.read, req);
            return { id: res.getId(), properties: toJs(res.getProperties()) };
        },
        async update(id, olds, news) {
            const req = new provproto.UpdateRequest();
            req.setId(id);
            req.setUrn(URN);
            req.setOlds(struct(olds));
            req.setNews(struct(news));
            const res = await call<provproto.UpdateRequest, provproto.UpdateResponse>(client.update, req);
            return toJs(res.getProperties());
        },
        async delete(id, properties) {
            const req = new provproto.DeleteRequest();
            req.setId(id);
            req.setUrn(URN);
            req.setProperties(struct(properties));
            await call(client.delete, req);
        },
        output: () => out,
        kill: () => stop("SIGKILL"),
        stop: () => stop("SIGTERM"),
    };
}

/** The DiffResponse change codes. */
export const DIFF = provproto.DiffResponse.DiffChanges;
