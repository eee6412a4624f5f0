/**
 * Which accounts a command runs in: the caller's own (no flag), one or more roles to assume
 * (`--role-arn`, repeatable), a file of roles or account IDs (`--accounts-file`), or every active
 * account of the organization (`--org-role-name NAME`: Organizations ListAccounts, then
 * `arn:<partition>:iam::<id>:role/NAME` in each), filtered by `--accounts` / `--exclude-accounts`.
 *
 * Parsing and selection are pure (the file reader and the AWS calls are parameters); the AWS side
 * (ListAccounts, AssumeRole) is at the bottom.
 */
import { ListAccountsCommand, OrganizationsClient } from "@aws-sdk/client-organizations";
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { Command, Option } from "commander";
import * as fs from "fs";
import { ValidationError, accountOfPrincipalArn, validateAccountId, validateRoleArn } from "../policies/validate";
import { Partition } from "../policies/partition";
import { partitionOfRegion } from "../policies/partition";
import { AwsClients, awsClients, AwsFlags, ClientConfig, explainAwsError } from "./aws";
import { collect } from "./io";

/** The account flags, as commander parses them. */
export interface AccountFlags {
    /** `--role-arn`, repeatable: assume each role and run in its account. */
    roleArn?: string[];
    /** `--accounts-file FILE`: one role ARN or account ID per line. */
    accountsFile?: string;
    /** `--org-role-name NAME`: the role to assume in each account (all of the organization's, or the file's IDs). */
    orgRoleName?: string;
    /** `--accounts ID[,ID...]`, repeatable: keep only these accounts. */
    accounts?: string[];
    /** `--exclude-accounts ID[,ID...]`, repeatable: leave these accounts out. */
    excludeAccounts?: string[];
    /** `--max-accounts N`: accounts run at the same time. */
    maxAccounts?: string;
}

/** Accounts run side by side unless `--max-accounts` says otherwise. */
export const DEFAULT_MAX_ACCOUNTS = 10;
/** More at once gains nothing on one machine: each account needs its own connections and polls. */
export const MAX_MAX_ACCOUNTS = 100;

/** Where the accounts come from, validated. */
export type AccountSource =
    /** No account flag: the caller's own account and credentials. */
    | { readonly kind: "caller" }
    /** Roles named by `--role-arn` or in `--accounts-file`. */
    | { readonly kind: "roles"; readonly roles: readonly AccountTarget[]; readonly flag: "--role-arn" | "--accounts-file" }
    /** `--org-role-name`: every active account of the organization (ListAccounts). */
    | { readonly kind: "org"; readonly roleName: string };

/** One account to run in. */
export interface AccountTarget {
    /** The 12-digit account ID; `undefined` only for the caller's account before STS has said which. */
    readonly account?: string;
    /** Role assumed for every call in this account; `undefined`: the caller's own credentials. */
    readonly roleArn?: string;
}

/** Parsed account flags. */
export interface AccountSelection {
    readonly source: AccountSource;
    readonly include?: ReadonlySet<string>;
    readonly exclude: ReadonlySet<string>;
    /** Accounts run at the same time. */
    readonly maxAccounts: number;
}

// IAM role names: up to 64 of letters, digits and "+=,.@_-" (IAM User Guide, "IAM object quotas"
// and the CreateRole RoleName pattern); a path before it is allowed ("path/Name").
const ROLE_NAME = /^(?:[\w+=,.@-]+\/)*[\w+=,.@-]{1,64}$/;

/** Adds the account options to a command (`--max-accounts` only where accounts run side by side). */
export function addAccountOptions(cmd: Command, options: { concurrency?: boolean } = {}): Command {
    cmd
        .addOption(new Option("--role-arn <arn>", "assume this role and run in its account; repeat for several accounts " +
            "(cross-account caller: CloudWatch Logs User Guide, S3ExportTasks.html)").argParser(collect))
        .addOption(new Option("--accounts-file <file>", "run in the accounts listed in FILE: one role ARN, or one account ID with --org-role-name, per line (# comments)"))
        .addOption(new Option("--org-role-name <name>", "assume arn:<partition>:iam::<id>:role/NAME in each account; without --accounts-file, " +
            "every ACTIVE account of the organization (Organizations ListAccounts; the caller's own account uses its own credentials)"))
        .addOption(new Option("--accounts <ids>", "only these account IDs (comma-separated; repeatable)").argParser(collect))
        .addOption(new Option("--exclude-accounts <ids>", "leave these account IDs out (comma-separated; repeatable)").argParser(collect));
    if (options.concurrency === true) {
        cmd.addOption(new Option("--max-accounts <n>", `accounts run at the same time, each with its own one-active-task slot (default: ${DEFAULT_MAX_ACCOUNTS})`));
    }
    return cmd;
}

function idList(values: readonly string[] | undefined, flag: string): string[] | undefined {
    if (values === undefined) {
        return undefined;
    }
    const ids = values.flatMap(v => v.split(",")).map(v => v.trim()).filter(v => v !== "");
    if (ids.length === 0) {
        throw new ValidationError(flag, "is empty: give 12-digit account IDs, comma-separated (e.g. 111122223333,444455556666).");
    }
    return [...new Set(ids.map(id => validateAccountId(id, flag)))];
}

/**
 * Reads `--accounts-file`: one entry per line, `#` starts a comment. An entry is a role ARN, or an
 * account ID (then `--org-role-name` names the role to assume in it).
 */
export function parseAccountsFile(text: string, file: string, roleName: string | undefined, partition: Partition): AccountTarget[] {
    const out: AccountTarget[] = [];
    const lines = text.split(/\r?\n/);
    for (let i = 0; i < lines.length; i++) {
        const entry = lines[i].replace(/#.*$/, "").trim();
        if (entry === "") {
            continue;
        }
        const where = `${file} line ${i + 1}`;
        if (/^\d{12}$/.test(entry)) {
            if (roleName === undefined) {
                throw new ValidationError("--accounts-file", `${where} is the account ID ${entry} without a role: add --org-role-name NAME ` +
                    `(the role to assume in each listed account), or write the role ARN (arn:${partition}:iam::${entry}:role/NAME).`);
            }
            out.push({ account: entry, roleArn: `arn:${partition}:iam::${entry}:role/${roleName}` });
            continue;
        }
        if (!entry.startsWith("arn:")) {
            throw new ValidationError("--accounts-file", `${where}: ${JSON.stringify(entry)} is neither a role ARN nor a 12-digit account ID: ` +
                "write one per line, e.g. arn:aws:iam::111122223333:role/ExportCaller or 111122223333 (with --org-role-name).");
        }
        const arn = validateRoleArn(entry, "--accounts-file");
        out.push({ account: accountOfPrincipalArn(arn), roleArn: arn });
    }
    if (out.length === 0) {
        throw new ValidationError("--accounts-file", `${file} lists no account: write one role ARN or account ID per line.`);
    }
    return dedupe(out, "--accounts-file");
}

function dedupe(targets: readonly AccountTarget[], flag: string): AccountTarget[] {
    const seen = new Map<string, AccountTarget>();
    for (const t of targets) {
        const prev = seen.get(t.account as string);
        if (prev !== undefined && prev.roleArn !== t.roleArn) {
            throw new ValidationError(flag, `account ${t.account} is named twice, as ${prev.roleArn} and ${t.roleArn}: ` +
                "keep one role per account (two runs in one account would share its one active export task).");
        }
        seen.set(t.account as string, t);
    }
    return [...seen.values()];
}

/**
 * Validates the account flags (throws a ValidationError naming the flag the user typed) before any
 * AWS call. `partition` is the region's, for the role ARNs built from `--org-role-name`.
 */
export function parseAccountFlags(flags: AccountFlags, partition: Partition,
    readFile: (file: string) => string = f => fs.readFileSync(f, "utf8")): AccountSelection {
    const roleArns = flags.roleArn ?? [];
    if (flags.orgRoleName !== undefined && !ROLE_NAME.test(flags.orgRoleName)) {
        throw new ValidationError("--org-role-name", `${JSON.stringify(flags.orgRoleName)} is not an IAM role name: ` +
            "give the name only (up to 64 of letters, digits and +=,.@_-), e.g. OrganizationAccountAccessRole, not its ARN.");
    }
    if (roleArns.length > 0 && flags.accountsFile !== undefined) {
        throw new ValidationError("--accounts-file", "and --role-arn both name accounts: use one of them (the file can list every role).");
    }
    if (roleArns.length > 0 && flags.orgRoleName !== undefined) {
        throw new ValidationError("--org-role-name", "and --role-arn both name the roles to assume: use --role-arn for given roles, " +
            "or --org-role-name for the same role in every account of the organization.");
    }
    let source: AccountSource;
    if (flags.accountsFile !== undefined) {
        let text: string;
        try {
            text = readFile(flags.accountsFile);
        } catch (e) {
            throw new ValidationError("--accounts-file", `cannot read ${flags.accountsFile} (${(e as Error).message}): check the path.`);
        }
        source = { kind: "roles", roles: parseAccountsFile(text, flags.accountsFile, flags.orgRoleName, partition), flag: "--accounts-file" };
    } else if (flags.orgRoleName !== undefined) {
        source = { kind: "org", roleName: flags.orgRoleName };
    } else if (roleArns.length > 0) {
        const roles = roleArns.map(arn => validateRoleArn(arn, "--role-arn")).map(arn => ({ account: accountOfPrincipalArn(arn), roleArn: arn }));
        source = { kind: "roles", roles: dedupe(roles, "--role-arn"), flag: "--role-arn" };
    } else {
        source = { kind: "caller" };
    }
    const include = idList(flags.accounts, "--accounts");
    const exclude = idList(flags.excludeAccounts, "--exclude-accounts") ?? [];
    if ((include !== undefined || exclude.length > 0) && source.kind === "caller") {
        const flag = include !== undefined ? "--accounts" : "--exclude-accounts";
        throw new ValidationError(flag, "filters the accounts of --org-role-name, --accounts-file or --role-arn: add one of them.");
    }
    let maxAccounts = DEFAULT_MAX_ACCOUNTS;
    if (flags.maxAccounts !== undefined) {
        const n = Number(flags.maxAccounts);
        if (!/^\d+$/.test(flags.maxAccounts.trim()) || n < 1 || n > MAX_MAX_ACCOUNTS) {
            throw new ValidationError("--max-accounts", `${JSON.stringify(flags.maxAccounts)} is not a number of accounts: give a whole number from 1 to ${MAX_MAX_ACCOUNTS}.`);
        }
        maxAccounts = n;
    }
    return { source, ...(include === undefined ? {} : { include: new Set(include) }), exclude: new Set(exclude), maxAccounts };
}

/** True when the selection may name more than one account (the multi-account summary and checkpoints). */
export function isMultiAccount(s: AccountSelection): boolean {
    return s.source.kind === "org" || (s.source.kind === "roles" && (s.source.roles.length > 1 || s.source.flag === "--accounts-file"));
}

/** An account Organizations lists. */
export interface OrgAccount {
    readonly id: string;
    readonly name?: string;
    /** ListAccounts' `State` (ACTIVE, PENDING_ACTIVATION, SUSPENDED, PENDING_CLOSURE, CLOSED), or the retired `Status`. */
    readonly status?: string;
}

/** The accounts to run, and the ones the filters or their status left out (for the summary). */
export interface ResolvedAccounts {
    readonly targets: readonly AccountTarget[];
    readonly skipped: readonly { readonly account: string; readonly why: string }[];
}

/**
 * The accounts to run, in a stable order (by account ID). From the organization: ACTIVE accounts
 * only (a suspended, closing, closed or not yet activated account cannot be exported from), the caller's own account
 * with the caller's credentials (AWS creates OrganizationAccountAccessRole in member accounts, not
 * in the management account). Throws a ValidationError naming `--accounts` when an account it
 * lists is not among them, and when nothing is left.
 */
export function selectAccounts(sel: AccountSelection, org: readonly OrgAccount[] | undefined, callerAccount: string | undefined,
    partition: Partition): ResolvedAccounts {
    const skipped: { account: string; why: string }[] = [];
    let all: AccountTarget[];
    const source = sel.source;
    if (source.kind === "caller") {
        return { targets: [{ account: callerAccount }], skipped };
    }
    if (source.kind === "org") {
        all = [];
        for (const a of org ?? []) {
            if (a.status !== undefined && a.status !== "ACTIVE") {
                skipped.push({ account: a.id, why: `${a.status} in Organizations` });
                continue;
            }
            all.push(a.id === callerAccount ? { account: a.id } : { account: a.id, roleArn: `arn:${partition}:iam::${a.id}:role/${source.roleName}` });
        }
    } else {
        all = [...source.roles];
    }
    const known = new Set([...all.map(t => t.account as string), ...skipped.map(s => s.account)]);
    for (const id of sel.include ?? []) {
        if (!known.has(id)) {
            const from = source.kind === "org" ? "the organization's accounts (ListAccounts)" : source.flag;
            throw new ValidationError("--accounts", `account ${id} is not among ${from}: check the ID.`);
        }
    }
    const targets: AccountTarget[] = [];
    for (const t of all) {
        const id = t.account as string;
        if (sel.exclude.has(id)) {
            skipped.push({ account: id, why: "--exclude-accounts" });
        } else if (sel.include !== undefined && !sel.include.has(id)) {
            skipped.push({ account: id, why: "not in --accounts" });
        } else {
            targets.push(t);
        }
    }
    if (targets.length === 0) {
        const flag = sel.exclude.size > 0 ? "--exclude-accounts" : source.kind === "org" ? "--org-role-name" : source.flag;
        throw new ValidationError(flag, "leaves no account to run in: check the filters (and that the organization has ACTIVE accounts).");
    }
    targets.sort((a, b) => (a.account as string).localeCompare(b.account as string));
    return { targets, skipped };
}

/** Runs `fn` over `items`, at most `limit` at a time; results in the items' order. Never rejects for one item. */
export async function mapBounded<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<PromiseSettledResult<R>[]> {
    const results: PromiseSettledResult<R>[] = new Array(items.length);
    let next = 0;
    const worker = async (): Promise<void> => {
        while (next < items.length) {
            const i = next++;
            try {
                results[i] = { status: "fulfilled", value: await fn(items[i], i) };
            } catch (e) {
                results[i] = { status: "rejected", reason: e };
            }
        }
    };
    await Promise.all(Array.from({ length: Math.min(limit, items.length) }, () => worker()));
    return results;
}

/** Every account of the organization (ListAccounts, all pages), as the caller sees it. */
export async function listOrgAccounts(config: ClientConfig): Promise<OrgAccount[]> {
    const client = new OrganizationsClient({ ...config });
    const out: OrgAccount[] = [];
    let token: string | undefined;
    try {
        do {
            const page = await client.send(new ListAccountsCommand({ NextToken: token }));
            for (const a of page.Accounts ?? []) {
                if (a.Id !== undefined) {
                    // `State` replaced `Status`, which AWS retired on September 9, 2026 (Account, Organizations API reference).
                    out.push({ id: a.Id, name: a.Name, status: a.State ?? a.Status });
                }
            }
            token = page.NextToken;
        } while (token !== undefined && token !== "");
    } catch (e) {
        if (/AWSOrganizationsNotInUse|AccessDenied/.test((e as Error).name)) {
            throw new ValidationError("--org-role-name", `Organizations ListAccounts: ${(e as Error).name}: ${(e as Error).message}: ` +
                "run from the organization's management account or a delegated administrator, or name the accounts with --accounts-file or --role-arn.");
        }
        throw explainAwsError(e, "Organizations ListAccounts");
    }
    return out;
}

/** The caller's account (GetCallerIdentity). */
export async function callerIdentity(config: ClientConfig): Promise<string | undefined> {
    try {
        return (await new STSClient({ ...config }).send(new GetCallerIdentityCommand({}))).Account;
    } catch (e) {
        throw explainAwsError(e, "GetCallerIdentity");
    }
}

/** Temporary credentials of an assumed role, held in memory for this run only. */
export interface RoleCredentials {
    readonly accessKeyId: string;
    readonly secretAccessKey: string;
    readonly sessionToken?: string;
}

/**
 * Assumes `roleArn`. The error names `flag` (the flag the user typed that named the role) and what
 * to check; it does not retry: a run over many accounts reports the one refused and goes on.
 */
export async function assumeRoleFor(config: ClientConfig, roleArn: string, flag: string): Promise<RoleCredentials> {
    try {
        const out = await new STSClient({ ...config }).send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: "cwlogs-export" }));
        const c = out.Credentials;
        if (c?.AccessKeyId === undefined || c.SecretAccessKey === undefined) {
            throw new Error("no credentials returned");
        }
        return { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken };
    } catch (e) {
        throw new Error(`[${flag}] cannot assume ${roleArn} (${(e as Error).name}: ${(e as Error).message}): ` +
            "check that the role exists and that its trust policy names the caller (see `cwlogs-export policy export-caller`).");
    }
}

/** One account of a command that reads (status, doctor), with clients acting in it. */
export interface AccountClients {
    /** `undefined` when no account flag was given (the caller's, not looked up). */
    readonly account?: string;
    readonly roleArn?: string;
    readonly clients: AwsClients;
}

/**
 * The accounts named by the account flags, each with its clients (assuming its role on first use).
 * Without account flags: the caller's own clients, and no AWS call here.
 */
export async function accountClients(flags: AwsFlags & AccountFlags, env: NodeJS.ProcessEnv = process.env): Promise<AccountClients[]> {
    const clients = awsClients(flags, env);
    // Validate the flags before any call (the partition only shapes ARNs built from --org-role-name).
    let selection = parseAccountFlags(flags, (flags.region === undefined ? undefined : partitionOfRegion(flags.region)) ?? "aws");
    if (selection.source.kind === "caller") {
        return [{ clients }];
    }
    const partition = partitionOfRegion(await clients.region()) ?? "aws";
    selection = parseAccountFlags(flags, partition);
    let caller: string | undefined;
    if (selection.source.kind === "org") {
        try {
            caller = (await clients.sts().send(new GetCallerIdentityCommand({}))).Account;
        } catch (e) {
            throw explainAwsError(e, "GetCallerIdentity");
        }
    }
    const org = selection.source.kind === "org" ? await listOrgAccounts(clients.config) : undefined;
    return selectAccounts(selection, org, caller, partition).targets.map(t => ({
        account: t.account, roleArn: t.roleArn, clients: t.roleArn === undefined ? clients : awsClients(flags, env, t.roleArn),
    }));
}
