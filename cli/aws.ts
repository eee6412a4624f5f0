/**
 * AWS clients for the command line, configured like the AWS CLI: the SDK's default credential
 * chain (environment, shared config/credentials files, SSO, container and instance roles), with
 * `--profile`, `--region` and `--endpoint-url` (or `AWS_ENDPOINT_URL`) on top.
 */
import { CloudWatchLogsClient } from "@aws-sdk/client-cloudwatch-logs";
import { KMSClient } from "@aws-sdk/client-kms";
import { S3Client } from "@aws-sdk/client-s3";
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import { Command, Option } from "commander";
import { ValidationError, validateRegion } from "../policies/validate";

/** The shared AWS flags, as commander parses them. */
export interface AwsFlags {
    region?: string;
    profile?: string;
    endpointUrl?: string;
}

/** Adds `--role-arn` (one role, for commands that act in one account: `cancel`). */
export function addRoleArnOption(cmd: Command): Command {
    return cmd.addOption(new Option("--role-arn <arn>", "assume this role and act in its account (the role `export` used there)"));
}

/** Adds `--region`, `--profile` and `--endpoint-url` to a command. */
export function addAwsOptions(cmd: Command): Command {
    return cmd
        .addOption(new Option("--region <region>", "AWS region (defaults to AWS_REGION, then the profile's region)"))
        .addOption(new Option("--profile <name>", "named profile from ~/.aws/config and ~/.aws/credentials (defaults to AWS_PROFILE)"))
        .addOption(new Option("--endpoint-url <url>", "send AWS requests to this URL, e.g. a local emulator (defaults to AWS_ENDPOINT_URL)"));
}

/** Config shared by the clients. */
export interface ClientConfig {
    region?: string;
    profile?: string;
    endpoint?: string;
}

/** Validates the flags (throws a ValidationError naming the flag) into client config. */
export function clientConfig(flags: AwsFlags, env: NodeJS.ProcessEnv = process.env): ClientConfig {
    const config: ClientConfig = {};
    if (flags.region !== undefined) {
        validateRegion(flags.region, "--region");
        config.region = flags.region;
    }
    if (flags.profile !== undefined) {
        if (flags.profile.trim() === "") {
            throw new ValidationError("--profile", "must not be empty: name a profile from ~/.aws/config, or leave the flag out.");
        }
        config.profile = flags.profile;
    }
    const endpoint = flags.endpointUrl ?? (env.AWS_ENDPOINT_URL !== undefined && env.AWS_ENDPOINT_URL !== "" ? env.AWS_ENDPOINT_URL : undefined);
    if (endpoint !== undefined) {
        let url: URL | undefined;
        try {
            url = new URL(endpoint);
        } catch {
            url = undefined;
        }
        if (url === undefined || (url.protocol !== "http:" && url.protocol !== "https:")) {
            const flag = flags.endpointUrl !== undefined ? "--endpoint-url" : "AWS_ENDPOINT_URL";
            throw new ValidationError(flag, `${JSON.stringify(endpoint)} is not an http(s) URL: use e.g. "http://127.0.0.1:5000".`);
        }
        config.endpoint = endpoint;
    }
    return config;
}

/** The clients one command uses; each built on first use. */
export interface AwsClients {
    readonly config: ClientConfig;
    logs(): CloudWatchLogsClient;
    sts(): STSClient;
    /** S3 in `region` (defaults to the command's). Path-style addressing behind a custom endpoint. */
    s3(region?: string): S3Client;
    kms(region?: string): KMSClient;
    /** The region the clients resolve (flag, environment or profile); a one-line error when there is none. */
    region(): Promise<string>;
    /**
     * AWS's clock now, from the `Date` header of the latest answer of any of these clients (to the
     * second), moved on by the local time since; `undefined` before the first answer.
     */
    serverNow(): number | undefined;
}

/** Records the `Date` header of every answer a client receives. */
function recordDate<C extends { middlewareStack: { add: (mw: never, options: { step: "deserialize"; name: string }) => void } }>(
    client: C, onDate: (ms: number) => void): C {
    const mw = (next: (args: unknown) => Promise<{ response: unknown }>) => async (args: unknown) => {
        const out = await next(args);
        const date = (out.response as { headers?: Record<string, string> } | undefined)?.headers?.date;
        const ms = date === undefined ? NaN : Date.parse(date);
        if (!Number.isNaN(ms)) {
            onDate(ms);
        }
        return out;
    };
    client.middlewareStack.add(mw as never, { step: "deserialize", name: "cwlogsExportServerDate" });
    return client;
}

/**
 * Credentials of `roleArn`, assumed with the caller's on first use and again shortly before they
 * expire. Held in memory only.
 */
function assumedCredentials(config: ClientConfig, roleArn: string): () => Promise<{ accessKeyId: string; secretAccessKey: string; sessionToken?: string; expiration?: Date }> {
    let cached: { accessKeyId: string; secretAccessKey: string; sessionToken?: string; expiration?: Date } | undefined;
    return async () => {
        if (cached !== undefined && (cached.expiration === undefined || cached.expiration.getTime() - Date.now() > 300_000)) {
            return cached;
        }
        let out;
        try {
            out = await new STSClient({ ...config }).send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: "cwlogs-export" }));
        } catch (e) {
            throw new Error(`[--role-arn] cannot assume ${roleArn} (${(e as Error).name}: ${(e as Error).message}): ` +
                "check that the role exists and that its trust policy names the caller (see `cwlogs-export policy export-caller`).");
        }
        const c = out.Credentials;
        if (c?.AccessKeyId === undefined || c.SecretAccessKey === undefined) {
            throw new Error(`[--role-arn] AssumeRole of ${roleArn} returned no credentials: check the role's trust policy.`);
        }
        cached = { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken, expiration: c.Expiration };
        return cached;
    };
}

/**
 * Builds the clients for parsed flags. With `roleArn`, every client acts as that role, in its
 * account (`config` stays the caller's).
 */
export function awsClients(flags: AwsFlags, env: NodeJS.ProcessEnv = process.env, roleArn?: string): AwsClients {
    const base = clientConfig(flags, env);
    const credentials = roleArn === undefined ? undefined : assumedCredentials(base, roleArn);
    const config: ClientConfig & { credentials?: ReturnType<typeof assumedCredentials> } = credentials === undefined ? base : { ...base, credentials };
    const cache = new Map<string, unknown>();
    const once = <T>(key: string, make: () => T): T => {
        if (!cache.has(key)) {
            cache.set(key, make());
        }
        return cache.get(key) as T;
    };
    let server: { date: number; at: number } | undefined;
    const onDate = (date: number): void => { server = { date, at: Date.now() }; };
    const clients: AwsClients = {
        config: base,
        logs: () => once("logs", () => recordDate(new CloudWatchLogsClient({ ...config }), onDate)),
        sts: () => once("sts", () => recordDate(new STSClient({ ...config }), onDate)),
        serverNow: () => (server === undefined ? undefined : server.date + (Date.now() - server.at)),
        s3: region => once(`s3:${region ?? ""}`, () => new S3Client({
            ...config, ...(region === undefined ? {} : { region }),
            forcePathStyle: config.endpoint !== undefined || Boolean(env.AWS_ENDPOINT_URL_S3),
        })),
        kms: region => once(`kms:${region ?? ""}`, () => new KMSClient({ ...config, ...(region === undefined ? {} : { region }) })),
        async region() {
            try {
                const region = await clients.logs().config.region();
                if (region !== undefined && region !== "") {
                    return region;
                }
            } catch {
                // fall through to the one-line error
            }
            throw new ValidationError("--region", "no AWS region is configured: pass --region, set AWS_REGION, or set region in the profile.");
        },
    };
    return clients;
}

/** The error's AWS name (`ResourceNotFoundException`, `AccessDenied`, ...), or "Error". */
export function awsErrorName(e: unknown): string {
    return e instanceof Error ? e.name : "Error";
}

/**
 * One line for an AWS error that is not the command's own business: missing credentials, an
 * unreachable endpoint, access denied. `what` is the call, e.g. "DescribeExportTasks".
 */
export function explainAwsError(e: unknown, what: string): Error {
    const err = e instanceof Error ? e : new Error(String(e));
    const name = err.name;
    if (name === "CredentialsProviderError" || /Could not load credentials/i.test(err.message)) {
        return new Error(`${what}: no AWS credentials found: set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, pass --profile, or run \`aws configure\`.`);
    }
    if (/ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ETIMEDOUT/.test(`${name} ${err.message} ${String((err as { code?: string }).code ?? "")}`)) {
        return new Error(`${what}: cannot reach the AWS endpoint (${err.message}): check --endpoint-url / AWS_ENDPOINT_URL and --region.`);
    }
    if (/AccessDenied|UnauthorizedOperation|UnrecognizedClient|InvalidClientTokenId|ExpiredToken/.test(name)) {
        return new Error(`${what}: ${name}: ${err.message} (check --profile and the caller's IAM permissions).`);
    }
    return new Error(`${what}: ${name}: ${err.message}`);
}
