/**
 * `pulumi.runtime.setMocks` with a recorder: every resource registration (custom or component) is
 * kept with its type, name, URN, parent URN, dependencies and provider reference, so component tests
 * can assert the tree a `pulumi up` would create, not only the inputs.
 *
 * Usage: `const m = installMocks();` in a `before` hook, then construct components and
 * `await m.settled()` before reading `m.resources`.
 */
import * as pulumi from "@pulumi/pulumi";
// The mock monitor is not part of the public API; the recorder wraps its registerResource.
import { MockMonitor } from "@pulumi/pulumi/runtime/mocks";

export interface Recorded {
    type: string;
    name: string;
    urn: string;
    custom: boolean;
    /** URN of the parent ("" for none). */
    parent: string;
    /** URNs this resource depends on (dependsOn plus inputs' resources). */
    dependencies: string[];
    /** Provider reference `urn::id` ("" for the default provider). */
    provider: string;
    inputs: Record<string, unknown>;
    /** A read of an existing resource (a `pulumi.StackReference`), not a registration. */
    read?: boolean;
    /** Resource options the engine acts on at replace and delete time (absent for reads). */
    options?: { retainOnDelete: boolean; deleteBeforeReplace: boolean; protect: boolean; replaceOnChanges: string[]; ignoreChanges: string[] };
}

export interface MockOptions {
    accountId?: string;
    region?: string;
    /** Extra outputs by resource type, computed from the registration (`provider`: its `urn::id`, "" for the default). */
    state?: (r: { type: string; name: string; inputs: Record<string, unknown>; provider: string }) => Record<string, unknown> | undefined;
    /** Answers for invokes; `undefined` falls back to caller identity / region / partition. `provider`: `urn::id` or "". */
    call?: (token: string, inputs: Record<string, unknown>, provider: string) => Record<string, unknown> | undefined;
    /**
     * Outputs of the stacks a program reads with `pulumi.StackReference`, by stack name. A stack not
     * listed has no outputs. A value given as `pulumi.secret(...)` is a secret output of that stack.
     */
    stackOutputs?: Record<string, Record<string, unknown>>;
    /** Project and stack of the program (`pulumi.getProject()`, the namespace of `new pulumi.Config()`). Default "project" / "stack". */
    project?: string;
    stack?: string;
}

export interface InstalledMocks {
    readonly resources: Recorded[];
    /** Invokes seen, with the provider reference each was sent with. */
    readonly calls: { token: string; provider: string; inputs: Record<string, unknown> }[];
    /** Resources of a type, in registration order. */
    ofType(type: string): Recorded[];
    /** The one resource with this name; throws when there is not exactly one. */
    named(name: string): Recorded;
    /** Waits until the registrations triggered so far have reached the mock. */
    settled(): Promise<void>;
    clear(): void;
}

type RegisterRequest = {
    getType(): string; getName(): string; getParent(): string; getCustom(): boolean;
    getDependenciesList(): string[]; getProvider(): string;
    getRetainondelete?(): boolean; getDeletebeforereplace?(): boolean; getProtect?(): boolean;
    getReplaceonchangesList?(): string[]; getIgnorechangesList?(): string[];
};

let recorder: ((req: RegisterRequest, urn: string, inputs: Record<string, unknown>, read: boolean) => void) | undefined;
let patched = false;

function patchMonitor(): void {
    if (patched) {
        return;
    }
    patched = true;
    type MonitorInternals = { newUrn(parent: string, type: string, name: string): string };
    type ReadRequest = Omit<RegisterRequest, "getCustom"> & { getProperties(): unknown };
    const proto = MockMonitor.prototype as unknown as {
        registerResource(this: MonitorInternals, req: RegisterRequest & { getObject(): unknown }, cb: unknown): Promise<void>;
        readResource(this: MonitorInternals, req: ReadRequest, cb: unknown): Promise<void>;
    };
    const original = proto.registerResource;
    proto.registerResource = async function (req, cb) {
        if (recorder !== undefined) {
            const urn = this.newUrn(req.getParent(), req.getType(), req.getName());
            const inputs = pulumi.runtime.deserializeProperties(req.getObject() as never) as Record<string, unknown>;
            recorder(req, urn, inputs, false);
        }
        return original.call(this, req, cb);
    };
    const originalRead = proto.readResource;
    proto.readResource = async function (req, cb) {
        if (recorder !== undefined) {
            const urn = this.newUrn(req.getParent(), req.getType(), req.getName());
            const inputs = pulumi.runtime.deserializeProperties(req.getProperties() as never) as Record<string, unknown>;
            recorder({
                getType: () => req.getType(), getName: () => req.getName(), getParent: () => req.getParent(),
                getDependenciesList: () => req.getDependenciesList(), getProvider: () => req.getProvider(), getCustom: () => true,
            }, urn, inputs, true);
        }
        return originalRead.call(this, req, cb);
    };
}

/** Installs recording mocks (account 123456789012, us-east-1 unless told otherwise). */
export function installMocks(options: MockOptions = {}): InstalledMocks {
    const accountId = options.accountId ?? "123456789012";
    const region = options.region ?? "us-east-1";
    const resources: Recorded[] = [];
    const calls: InstalledMocks["calls"] = [];
    patchMonitor();
    recorder = (req, urn, inputs, read) => {
        resources.push({
            type: req.getType(), name: req.getName(), urn, custom: req.getCustom(), parent: req.getParent(),
            dependencies: req.getDependenciesList(), provider: req.getProvider(), inputs,
            ...(read ? { read } : {
                options: {
                    retainOnDelete: req.getRetainondelete?.() ?? false, deleteBeforeReplace: req.getDeletebeforereplace?.() ?? false,
                    protect: req.getProtect?.() ?? false, replaceOnChanges: req.getReplaceonchangesList?.() ?? [],
                    ignoreChanges: req.getIgnorechangesList?.() ?? [],
                },
            }),
        });
    };
    pulumi.runtime.setMocks({
        newResource(args) {
            const inputs = args.inputs as Record<string, unknown>;
            const base: Record<string, unknown> = { ...inputs };
            const r = args.inputs.region ?? region;
            switch (args.type) {
                case "aws:s3/bucket:Bucket": {
                    const bucket = (inputs.bucket as string | undefined) ?? `${args.name}-abc1234`;
                    Object.assign(base, { bucket, arn: `arn:aws:s3:::${bucket}`, region: r });
                    break;
                }
                case "aws:kms/key:Key":
                    Object.assign(base, { keyId: `key-${args.name}`, arn: `arn:aws:kms:${r}:${accountId}:key/key-${args.name}` });
                    break;
                case "pulumi:pulumi:StackReference": {
                    // A read by stack name (the id); its state carries the other stack's outputs.
                    const stack = args.id ?? (inputs.name as string);
                    const outputs = options.stackOutputs?.[stack] ?? {};
                    const secretOutputNames = Object.keys(outputs).filter(k => pulumi.Output.isInstance(outputs[k]));
                    return { id: stack, state: { name: stack, outputs, secretOutputNames } };
                }
                default:
                    base.arn = base.arn ?? `arn:aws:mock:${r}:${accountId}:${args.type}/${args.name}`;
            }
            Object.assign(base, options.state?.({ type: args.type, name: args.name, inputs, provider: args.provider ?? "" }) ?? {});
            return { id: `${args.name}-id`, state: base };
        },
        call(args) {
            const inputs = args.inputs as Record<string, unknown>;
            calls.push({ token: args.token, provider: args.provider ?? "", inputs });
            const custom = options.call?.(args.token, inputs, args.provider ?? "");
            if (custom !== undefined) {
                return custom;
            }
            switch (args.token) {
                case "aws:index/getCallerIdentity:getCallerIdentity":
                    return { accountId, arn: `arn:aws:iam::${accountId}:user/test`, userId: "AIDTEST", id: accountId };
                case "aws:index/getRegion:getRegion":
                    return { name: region, region, id: region, description: region, endpoint: `ec2.${region}.amazonaws.com` };
                case "aws:index/getPartition:getPartition":
                    return { partition: "aws", dnsSuffix: "amazonaws.com", id: "aws", reverseDnsPrefix: "com.amazonaws" };
                default:
                    return {};
            }
        },
    }, options.project ?? "project", options.stack ?? "stack", false);

    return {
        resources,
        calls,
        ofType: type => resources.filter(r => r.type === type),
        named(name) {
            const found = resources.filter(r => r.name === name);
            if (found.length !== 1) {
                throw new Error(`expected one resource named ${name}, found ${found.length}: ${resources.map(r => r.name).join(", ")}`);
            }
            return found[0];
        },
        async settled() {
            // Registrations run through several promise hops; a few macrotask turns let them land.
            for (let i = 0; i < 10; i++) {
                await new Promise(r => setImmediate(r));
            }
        },
        clear() {
            resources.length = 0;
            calls.length = 0;
        },
    };
}

/** The value of an output (under mocks every output resolves). */
export function valueOf<T>(o: pulumi.Output<T>): Promise<T> {
    return new Promise(resolve => o.apply(v => { resolve(v); return v; }));
}
