/**
 * A recording ResourceMonitor and Engine gRPC server: the two services `pulumi up` serves to a
 * program (`--monitor` and `--engine` of `@pulumi/pulumi/cmd/run`), answered here in the test
 * process so a program runs exactly as the CLI starts it, minus the cloud.
 *
 * It answers as the engine does:
 * - SupportsFeature: the features the Node.js SDK asks about that the engine's registration path
 *   has (secrets, resource references, output values, deletedWith, aliases); hooks and transforms
 *   are off, so the SDK never opens a callback server.
 * - RegisterResource: URNs built the engine's way (`urn:pulumi:<stack>::<project>::<type chain>::<name>`,
 *   the root stack left out of the chain); custom resources get an id and their inputs back as
 *   outputs, plus what {@link MonitorOptions.computed} adds (in a preview, `dryRun`, the id is
 *   empty and every output the inputs do not carry stays unknown, as in `pulumi preview`).
 * - RegisterResourceOutputs: recorded, the root stack's are the stack outputs.
 * - Invoke: caller identity, region and partition (account/region from the options, or the account
 *   of the role an explicit provider assumes), anything else through {@link MonitorOptions.invoke}.
 * - ReadResource of `pulumi:pulumi:StackReference`: the outputs another program's run registered
 *   on its root stack ({@link MonitorOptions.stacks}); an unknown stack is an error, as in Pulumi.
 * - Engine.Log: recorded; the SDK logs a program's uncaught error here before exiting.
 */
import * as grpc from "@grpc/grpc-js";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";

const resproto = require("@pulumi/pulumi/proto/resource_pb");
const resrpc = require("@pulumi/pulumi/proto/resource_grpc_pb");
const engrpc = require("@pulumi/pulumi/proto/engine_grpc_pb");
const engproto = require("@pulumi/pulumi/proto/engine_pb");
const provproto = require("@pulumi/pulumi/proto/provider_pb");

/** The wire's markers (sdk/go/common/resource/sig): special objects carry SIG_KEY. */
export const SIG_KEY = "4dabf18193072939515e22adb298388d";
export const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
export const RESOURCE_REF_SIG = "5cf8f73096256a8f31e491e813e4eb8e";
export const OUTPUT_VALUE_SIG = "d0e6a833031e9bbcd3f4e8bde6ca49a4";
/** Assets and archives on the wire (the same sig package). */
export const ASSET_SIG = "c44067f5952c0a294b673a41bacd8c17";
export const ARCHIVE_SIG = "0def7320c3a5731c473e5ecbe6d01bc7";
/** The value of an unknown (computed) property on the wire. */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

type Wire = unknown;
type Props = Record<string, unknown>;

/** One RegisterResource or ReadResource the program sent. */
export interface Registration {
    type: string;
    name: string;
    urn: string;
    custom: boolean;
    /** URN of the parent ("" for none: only the root stack). */
    parent: string;
    /** URNs in `dependsOn` plus the resources the inputs came from. */
    dependencies: string[];
    /** Provider reference `urn::id` ("" for the default provider). */
    provider: string;
    /** Providers by package for a component (`providers` option). */
    providers: Record<string, string>;
    /** URNs each input property came from. */
    propertyDependencies: Record<string, string[]>;
    /** Inputs with secrets and output values unwrapped (see {@link plain}); unknowns stay {@link UNKNOWN}. */
    inputs: Props;
    /** The inputs as sent. */
    wireInputs: Props;
    /** The id this monitor gave ("" in a preview). */
    id: string;
    /** A ReadResource (e.g. a StackReference), not a registration. */
    read: boolean;
    /** The `deleteBeforeReplace` option (false when not given). */
    deleteBeforeReplace: boolean;
    /** The `retainOnDelete` option (undefined when not given: the engine's default, delete). */
    retainOnDelete?: boolean;
    /** The `replaceOnChanges` option (property paths). */
    replaceOnChanges: string[];
    /** What RegisterResourceOutputs recorded for this resource (components and the root stack), plain. */
    outputs?: Props;
    /** The same, as sent. */
    wireOutputs?: Props;
}

export interface Invocation {
    token: string;
    args: Props;
    /** Provider reference `urn::id` ("" for the default provider). */
    provider: string;
}

export interface LogEntry {
    severity: "debug" | "info" | "warning" | "error";
    message: string;
    urn: string;
}

export interface MonitorOptions {
    project: string;
    stack: string;
    /** A preview (`pulumi preview`, `--dry-run`): ids empty, outputs not in the inputs unknown. */
    dryRun?: boolean;
    /** Account of the default provider's credentials. Default 123456789012. */
    accountId?: string;
    /** Region of the default provider. Default us-east-1. */
    region?: string;
    /**
     * Root-stack outputs of other stacks by name (`org/project/stack` as a StackReference names it),
     * as they were sent (wire form, e.g. {@link RecordingMonitor.wireStackOutputs} of an earlier run).
     */
    stacks?: Record<string, Props>;
    /** Outputs a provider computes for a custom resource, beyond its inputs (not called in a preview). */
    computed?: (r: { type: string; name: string; inputs: Props; accountId: string; region: string }) => Props | undefined;
    /** Answers for other invokes (plain values); `undefined` means the function is unknown here. */
    invoke?: (token: string, args: Props, provider: string) => Props | undefined;
}

/** Unwraps secrets and output values (unknown when valueless), resource references to their URN. */
export function plain(v: Wire): unknown {
    if (Array.isArray(v)) {
        return v.map(plain);
    }
    if (v !== null && typeof v === "object") {
        const o = v as Props;
        switch (o[SIG_KEY]) {
            case SECRET_SIG:
                return plain(o.value);
            case OUTPUT_VALUE_SIG:
                return "value" in o ? plain(o.value) : UNKNOWN;
            case RESOURCE_REF_SIG:
                return o.urn;
        }
        return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, plain(x)]));
    }
    return v;
}

/**
 * What the engine hands back to the program for an input: output values become their value
 * (secret-wrapped when secret, unknown when valueless), everything else as sent.
 */
function asState(v: Wire): Wire {
    if (Array.isArray(v)) {
        return v.map(asState);
    }
    if (v !== null && typeof v === "object") {
        const o = v as Props;
        if (o[SIG_KEY] === OUTPUT_VALUE_SIG) {
            const value = "value" in o ? asState(o.value) : UNKNOWN;
            return o.secret ? { [SIG_KEY]: SECRET_SIG, value } : value;
        }
        if (o[SIG_KEY] !== undefined) {
            return o;
        }
        return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, asState(x)]));
    }
    return v;
}

const ROOT_STACK = "pulumi:pulumi:Stack";

/** The engine's default answers for the aws functions the examples call. */
function awsInvoke(token: string, accountId: string, region: string): Props | undefined {
    switch (token) {
        case "aws:index/getCallerIdentity:getCallerIdentity":
            return { accountId, arn: `arn:aws:sts::${accountId}:assumed-role/deploy/cwlogs-export`, userId: "AROATEST:cwlogs-export", id: accountId };
        case "aws:index/getRegion:getRegion":
            return { name: region, region, id: region, description: region, endpoint: `ec2.${region}.amazonaws.com` };
        case "aws:index/getPartition:getPartition":
            return { partition: "aws", dnsSuffix: "amazonaws.com", id: "aws", reverseDnsPrefix: "com.amazonaws" };
        default:
            return undefined;
    }
}

/** Outputs the aws provider computes for the resource types the library creates (beyond inputs). */
export function awsComputed(r: { type: string; name: string; inputs: Props; accountId: string; region: string }): Props {
    const region = (r.inputs.region as string | undefined) ?? r.region;
    switch (r.type) {
        case "aws:s3/bucket:Bucket": {
            const bucket = (r.inputs.bucket as string | undefined) ?? `${r.inputs.bucketPrefix ?? r.name + "-"}0123abcd`;
            return { bucket, arn: `arn:aws:s3:::${bucket}`, region };
        }
        case "aws:kms/key:Key":
            return { keyId: `key-${r.name}`, arn: `arn:aws:kms:${region}:${r.accountId}:key/key-${r.name}` };
        case "aws:iam/role:Role": {
            const roleName = (r.inputs.name as string | undefined) ?? `${r.name}-0123abcd`;
            return { name: roleName, arn: `arn:aws:iam::${r.accountId}:role/${roleName}`, uniqueId: `AROA${r.name.toUpperCase()}` };
        }
        case "aws:cloudwatch/logGroup:LogGroup": {
            const name = (r.inputs.name as string | undefined) ?? `${r.name}-0123abcd`;
            return { name, arn: `arn:aws:logs:${region}:${r.accountId}:log-group:${name}` };
        }
        case "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream": {
            const name = (r.inputs.name as string | undefined) ?? `${r.name}-0123abcd`;
            return { name, arn: `arn:aws:firehose:${region}:${r.accountId}:deliverystream/${name}` };
        }
        case "aws:cloudwatch/logDeliverySource:LogDeliverySource":
        case "aws:cloudwatch/logDeliveryDestination:LogDeliveryDestination": {
            const name = (r.inputs.name as string | undefined) ?? `${r.name}-0123abcd`;
            const kind = r.type.endsWith("Source") ? "delivery-source" : "delivery-destination";
            return { name, arn: `arn:aws:logs:${region}:${r.accountId}:${kind}:${name}` };
        }
        case "aws:lambda/function:Function": {
            const name = (r.inputs.name as string | undefined) ?? `${r.name}-0123abcd`;
            const arn = `arn:aws:lambda:${region}:${r.accountId}:function:${name}`;
            return { name, arn, qualifiedArn: `${arn}:$LATEST`, version: "$LATEST" };
        }
        case "aws:dynamodb/table:Table": {
            const name = (r.inputs.name as string | undefined) ?? `${r.name}-0123abcd`;
            return { name, arn: `arn:aws:dynamodb:${region}:${r.accountId}:table/${name}` };
        }
        case "aws:scheduler/schedule:Schedule": {
            const name = (r.inputs.name as string | undefined) ?? `${r.name}-0123abcd`;
            const group = (r.inputs.groupName as string | undefined) ?? "default";
            return { name, groupName: group, arn: `arn:aws:scheduler:${region}:${r.accountId}:schedule/${group}/${name}` };
        }
        case "aws:cloudwatch/logDelivery:LogDelivery":
            return { arn: `arn:aws:logs:${region}:${r.accountId}:delivery:${r.name}-0123abcd` };
        default:
            return r.inputs.arn === undefined ? { arn: `arn:aws:mock:${region}:${r.accountId}:${r.type}/${r.name}` } : {};
    }
}

export class RecordingMonitor {
    readonly resources: Registration[] = [];
    readonly invokes: Invocation[] = [];
    readonly logs: LogEntry[] = [];
    /** Features the SDK asked about, with the answer. */
    readonly features: Record<string, boolean> = {};
    /** `127.0.0.1:PORT`, for `--monitor` and `--engine`. */
    address = "";
    private server = new grpc.Server();
    private readonly accountId: string;
    private readonly region: string;

    constructor(readonly options: MonitorOptions) {
        this.accountId = options.accountId ?? "123456789012";
        this.region = options.region ?? "us-east-1";
    }

    /** Starts a monitor on 127.0.0.1 (one per program run: URNs carry its project and stack). */
    static async start(options: MonitorOptions): Promise<RecordingMonitor> {
        const m = new RecordingMonitor(options);
        await m.listen();
        return m;
    }

    /** The root stack resource. */
    get stackResource(): Registration {
        const root = this.resources.find(r => r.type === ROOT_STACK);
        if (root === undefined) {
            throw new Error("the program never registered its root stack");
        }
        return root;
    }

    /** The stack outputs (plain). */
    get stackOutputs(): Props {
        return this.stackResource.outputs ?? {};
    }

    /** The stack outputs as sent: what a StackReference to this stack reads ({@link MonitorOptions.stacks}). */
    get wireStackOutputs(): Props {
        return this.stackResource.wireOutputs ?? {};
    }

    /** Error-severity log messages (a program's uncaught error among them). */
    get errors(): string[] {
        return this.logs.filter(l => l.severity === "error").map(l => l.message);
    }

    ofType(type: string): Registration[] {
        return this.resources.filter(r => r.type === type);
    }

    /** The one resource with this name (and type, if given); throws when there is not exactly one. */
    named(name: string, type?: string): Registration {
        const found = this.resources.filter(r => r.name === name && (type === undefined || r.type === type));
        if (found.length !== 1) {
            throw new Error(`expected one resource named ${name}${type ? ` of type ${type}` : ""}, found ${found.length}; registered: ` +
                this.resources.map(r => `${r.type}::${r.name}`).join(", "));
        }
        return found[0];
    }

    byUrn(urn: string): Registration {
        const found = this.resources.find(r => r.urn === urn);
        if (found === undefined) {
            throw new Error(`no resource has URN ${urn}`);
        }
        return found;
    }

    /** The resource a provider reference `urn::id` names. */
    providerOf(r: Registration): Registration | undefined {
        return r.provider === "" ? undefined : this.byUrn(r.provider.slice(0, r.provider.lastIndexOf("::")));
    }

    /** The URN the engine gives a resource (sdk/go/common/resource/urn.go, the root stack left out of the type chain). */
    urn(type: string, name: string, parent: string): string {
        let qualified = type;
        if (parent !== "") {
            const parentType = parent.split("::")[2];
            if (parentType !== ROOT_STACK) {
                qualified = `${parentType}$${type}`;
            }
        }
        return `urn:pulumi:${this.options.stack}::${this.options.project}::${qualified}::${name}`;
    }

    close(): Promise<void> {
        return new Promise(resolve => this.server.tryShutdown(() => resolve()));
    }

    private listen(): Promise<void> {
        this.server.addService(resrpc.ResourceMonitorService, {
            supportsFeature: this.unary((req: { getId(): string }) => {
                const supported = ["secrets", "resourceReferences", "outputValues", "deletedWith", "aliasSpecs"].includes(req.getId());
                this.features[req.getId()] = supported;
                return new resproto.SupportsFeatureResponse().setHassupport(supported);
            }),
            registerResource: this.unary(req => this.registerResource(req)),
            registerResourceOutputs: this.unary(req => this.registerResourceOutputs(req)),
            readResource: this.unary(req => this.readResource(req)),
            invoke: this.unary(req => this.invoke(req)),
            signalAndWaitForShutdown: this.unary(() => new Empty()),
        });
        this.server.addService(engrpc.EngineService, {
            log: this.unary((req: { getSeverity(): number; getMessage(): string; getUrn(): string }) => {
                const severity = (["debug", "info", "warning", "error"] as const)[req.getSeverity()] ?? "info";
                this.logs.push({ severity, message: req.getMessage(), urn: req.getUrn() });
                return new Empty();
            }),
            // The stack registers itself as the root; the monitor finds it by type.
            setRootResource: this.unary(() => new engproto.SetRootResourceResponse()),
        });
        return new Promise((resolve, reject) => {
            this.server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, port) => {
                if (err) {
                    return reject(err);
                }
                this.address = `127.0.0.1:${port}`;
                resolve();
            });
        });
    }

    /** A unary handler; a thrown error is sent as the gRPC error (code from `err.code`, default UNKNOWN). */
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    private unary(fn: (req: any) => unknown): grpc.handleUnaryCall<unknown, unknown> {
        return (call, callback) => {
            try {
                callback(null, fn(call.request));
            } catch (e) {
                const err = e as Error & { code?: number };
                callback({ code: err.code ?? grpc.status.UNKNOWN, details: err.message, name: err.name, message: err.message });
            }
        };
    }

    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    private registerResource(req: any): unknown {
        const type: string = req.getType();
        const name: string = req.getName();
        const parent: string = req.getParent();
        const custom: boolean = req.getCustom();
        const urn = this.urn(type, name, parent);
        const wireInputs = (req.getObject()?.toJavaScript() ?? {}) as Props;
        const propertyDependencies: Record<string, string[]> = {};
        req.getPropertydependenciesMap().forEach((deps: { getUrnsList(): string[] }, key: string) => {
            propertyDependencies[key] = deps.getUrnsList();
        });
        const providers: Record<string, string> = {};
        req.getProvidersMap().forEach((ref: string, pkg: string) => {
            providers[pkg] = ref;
        });
        const provider: string = req.getProvider();
        const inputs = plain(wireInputs) as Props;
        const dryRun = this.options.dryRun === true;
        let id = "";
        let state: Props = {};
        if (custom) {
            // Providers get an id in a preview too (the engine configures them before the program's resources).
            id = !dryRun || type.startsWith("pulumi:providers:") ? `${name}-id` : "";
            state = asState(wireInputs) as Props;
            if (!dryRun) {
                const accountId = this.accountOfProvider(provider);
                Object.assign(state, awsComputed({ type, name, inputs, accountId, region: this.region }),
                    this.options.computed?.({ type, name, inputs, accountId, region: this.region }) ?? {});
            }
        }
        this.resources.push({
            type, name, urn, custom, parent, dependencies: req.getDependenciesList(), provider, providers,
            propertyDependencies, inputs, wireInputs, id, read: false,
            deleteBeforeReplace: req.getDeletebeforereplace(),
            // An optional field: unset means the option was not given.
            retainOnDelete: req.hasRetainondelete() ? req.getRetainondelete() : undefined,
            replaceOnChanges: req.getReplaceonchangesList(),
        });
        const resp = new resproto.RegisterResourceResponse();
        resp.setUrn(urn);
        resp.setId(id);
        resp.setObject(Struct.fromJavaScript(state as never));
        return resp;
    }

    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    private registerResourceOutputs(req: any): unknown {
        const r = this.byUrn(req.getUrn());
        r.wireOutputs = (req.getOutputs()?.toJavaScript() ?? {}) as Props;
        r.outputs = plain(r.wireOutputs) as Props;
        return new Empty();
    }

    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    private readResource(req: any): unknown {
        const type: string = req.getType();
        const name: string = req.getName();
        const parent: string = req.getParent();
        if (type !== "pulumi:pulumi:StackReference") {
            throw new Error(`this monitor reads only StackReferences, not ${type}`);
        }
        const stackName: string = req.getId();
        const outputs = this.options.stacks?.[stackName];
        if (outputs === undefined) {
            // What the service answers for a stack that does not exist (or that you cannot read).
            throw Object.assign(new Error(`unknown stack "${stackName}"`), { code: grpc.status.NOT_FOUND });
        }
        const urn = this.urn(type, name, parent);
        const wireInputs = (req.getProperties()?.toJavaScript() ?? {}) as Props;
        this.resources.push({
            type, name, urn, custom: true, parent, dependencies: req.getDependenciesList(), provider: req.getProvider(),
            providers: {}, propertyDependencies: {}, inputs: plain(wireInputs) as Props, wireInputs, id: stackName, read: true,
            deleteBeforeReplace: false, replaceOnChanges: [],
        });
        const secretOutputNames = Object.keys(outputs).filter(k => (outputs[k] as Props | null)?.[SIG_KEY] === SECRET_SIG);
        const resp = new resproto.ReadResourceResponse();
        resp.setUrn(urn);
        resp.setProperties(Struct.fromJavaScript({ name: stackName, outputs, secretOutputNames } as never));
        return resp;
    }

    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    private invoke(req: any): unknown {
        const token: string = req.getTok();
        const args = plain(req.getArgs()?.toJavaScript() ?? {}) as Props;
        const provider: string = req.getProvider();
        this.invokes.push({ token, args, provider });
        const answer = this.options.invoke?.(token, args, provider) ?? awsInvoke(token, this.accountOfProvider(provider), this.region);
        if (answer === undefined) {
            throw new Error(`this monitor does not answer ${token}`);
        }
        const resp = new provproto.InvokeResponse();
        resp.setReturn(Struct.fromJavaScript(answer as never));
        return resp;
    }

    /** The account an explicit aws provider acts in: its assumed role's account, else the default account. */
    private accountOfProvider(ref: string): string {
        if (ref === "") {
            return this.accountId;
        }
        const p = this.resources.find(r => r.urn === ref.slice(0, ref.lastIndexOf("::")));
        // Provider inputs of object type travel as JSON text (the aws package stringifies them).
        const parse = (v: unknown) => (typeof v === "string" ? JSON.parse(v) : v) as unknown;
        const roles = parse(p?.inputs.assumeRoles) as { roleArn?: string }[] | undefined;
        const roleArn = roles?.[0]?.roleArn;
        return typeof roleArn === "string" ? roleArn.split(":")[4] : this.accountId;
    }
}
