/**
 * examples/multi-account under mocks: the cross-account-export workload (WorkloadExports) stamped
 * over the accounts in config, one `aws.Provider` with `assumeRoles` per account passed as
 * `opts.provider`. The mocks answer each provider as the account its role is in, the way AWS
 * would, so every resource, lookup and policy shows which account it would land in.
 */
import * as assert from "assert";
import { InstalledMocks, installMocks, Recorded } from "../support/mocks";
import { loadProgram, runProgram } from "../support/programs";
import type { PolicyDocument } from "../../policies";

const DEPLOYER = "999999999999";
const A = "111111111111";
const D = "444444444444";
const B = "222222222222";
const REGION = "us-east-1";
const PROJECT = "cwlogs-export-multi-account";
const ARCHIVE_STACK = "acme/cwlogs-export-archive/dev";
const ARCHIVE = {
    bucketName: "archive-abc1234", bucketArn: "arn:aws:s3:::archive-abc1234", kmsKeyArn: `arn:aws:kms:${REGION}:${B}:key/key-archive-key`,
    region: REGION, prefix: "exports-7f3a9c", accountId: B,
};
const ACCOUNTS = [
    { id: A, deployRoleArn: `arn:aws:iam::${A}:role/pulumi-deploy`, logGroupNames: ["my-log-group"] },
    // As `pulumi config set --path 'accounts[1].id' 444444444444` stores it: a number, still 12 digits.
    { id: Number(D), deployRoleArn: `arn:aws:iam::${D}:role/pulumi-deploy`, logGroupNames: ["/app/api", "/app/worker"] },
];
const CONFIG = {
    "aws:region": REGION, phase: "export", archiveStack: ARCHIVE_STACK, accounts: ACCOUNTS,
    exportFrom: "2025-01-01T00:00:00Z", exportTo: "2025-01-02T00:00:00Z",
};

describe("examples/multi-account: one provider per account from config (mocks)", function () {
    this.timeout(60_000);
    let m: InstalledMocks;
    let outputs: Record<string, unknown>;

    /** The account a provider reference (`urn::id`) acts in: its assumed role's, or the deployer's for the default provider. */
    function accountOf(ref: string): string {
        if (ref === "") {
            return DEPLOYER;
        }
        const urn = ref.slice(0, ref.lastIndexOf("::"));
        const provider = m.resources.find(r => r.urn === urn);
        const roles = provider?.inputs.assumeRoles as { roleArn: string }[] | string | undefined;
        const roleArn = (typeof roles === "string" ? JSON.parse(roles) as { roleArn: string }[] : roles)?.[0]?.roleArn;
        return roleArn?.split(":")[4] ?? DEPLOYER;
    }

    function subtree(root: Recorded): Recorded[] {
        const children = m.resources.filter(r => r.parent === root.urn);
        return children.flatMap(c => [c, ...subtree(c)]);
    }

    before(async () => {
        m = installMocks({
            accountId: DEPLOYER, region: REGION, project: PROJECT, stack: "dev", stackOutputs: { [ARCHIVE_STACK]: ARCHIVE },
            state: r => {
                if (r.type === "aws:iam/role:Role") {
                    const name = (r.inputs.name as string | undefined) ?? `${r.name}-1a2b3c4`;
                    return { name, arn: `arn:aws:iam::${accountOf(r.provider)}:role/${name}` };
                }
                return undefined;
            },
            call: (token, _inputs, provider) => {
                if (token === "aws:index/getCallerIdentity:getCallerIdentity") {
                    const account = accountOf(provider);
                    return { accountId: account, arn: `arn:aws:sts::${account}:assumed-role/pulumi-deploy/cwlogs-export`, userId: "AROA:x", id: account };
                }
                return undefined;
            },
        });
        outputs = await runProgram(m, "multi-account", PROJECT, CONFIG);
    });

    it("creates one aws.Provider per account, assuming that account's deployment role and pinned to it", () => {
        const providers = m.ofType("pulumi:providers:aws");
        assert.deepStrictEqual(providers.map(p => p.name), [`account-${A}`, `account-${D}`]);
        for (const [i, p] of providers.entries()) {
            const roles = p.inputs.assumeRoles;
            assert.deepStrictEqual(typeof roles === "string" ? JSON.parse(roles) : roles, [{ roleArn: ACCOUNTS[i].deployRoleArn, sessionName: "cwlogs-export" }]);
            const allowed = p.inputs.allowedAccountIds;
            assert.deepStrictEqual(typeof allowed === "string" ? JSON.parse(allowed) : allowed, [String(ACCOUNTS[i].id)]);
            assert.strictEqual(p.inputs.region, REGION);
        }
    });

    it("every AWS resource and lookup of each account's workload goes through that account's provider", () => {
        for (const account of [A, D]) {
            const providerUrn = m.named(`account-${account}`).urn;
            const component = m.named(`workload-${account}`);
            assert.strictEqual(component.type, "cwlogs:examples:WorkloadExports");
            const tree = subtree(component);
            const aws = tree.filter(r => r.custom && r.type.startsWith("aws:"));
            assert.deepStrictEqual(aws.map(r => r.type).sort(), ["aws:iam/role:Role", "aws:iam/rolePolicy:RolePolicy"]);
            for (const r of aws) {
                assert.ok(r.provider.startsWith(`${providerUrn}::`), `${r.name} uses ${r.provider || "the default provider"}`);
            }
            assert.ok(tree.some(r => r.type === "cwlogs:export:ExportCallerRole"), "the library component is inside");
        }
        const lookups = m.calls.filter(c => c.token === "aws:index/getCallerIdentity:getCallerIdentity" || c.token === "aws:index/getRegion:getRegion");
        const viaAccounts = lookups.filter(c => c.provider !== "");
        assert.ok(viaAccounts.length >= 4, `caller identity and region asked of each account's provider: ${JSON.stringify(lookups.map(c => c.provider))}`);
        // The only lookup through the default provider is the program's own: who deploys (trusted by the caller roles).
        assert.deepStrictEqual(lookups.filter(c => c.provider === "").map(c => c.token), ["aws:index/getCallerIdentity:getCallerIdentity"]);
    });

    it("each caller role is in, trusts the deployer from, and grants on its own account; each ExportTask assumes its account's role", () => {
        const roles = outputs.callerRoleArnByAccount as Record<string, string>;
        assert.deepStrictEqual(Object.keys(roles), [A, D]);
        assert.deepStrictEqual(outputs.callerRoleArns, [roles[A], roles[D]]);
        for (const [i, account] of [A, D].entries()) {
            assert.match(roles[account], new RegExp(`^arn:aws:iam::${account}:role/`));
            const trust = JSON.parse(m.named(`workload-${account}-caller-role`).inputs.assumeRolePolicy as string) as PolicyDocument;
            assert.deepStrictEqual(trust.Statement[0].Principal, { AWS: `arn:aws:iam::${DEPLOYER}:root` });
            const policy = JSON.parse(m.named(`workload-${account}-caller-export-policy`).inputs.policy as string) as PolicyDocument;
            const groups = policy.Statement.find(s => s.Sid === "CloudWatchLogsExportLogGroups")!;
            assert.ok(JSON.stringify(groups.Resource).includes(`arn:aws:logs:${REGION}:${account}:log-group:${ACCOUNTS[i].logGroupNames[0]}`), JSON.stringify(groups.Resource));
            assert.strictEqual(policy.Statement.find(s => s.Sid === "ExportDestinationPutObject")!.Resource, `arn:aws:s3:::${ARCHIVE.bucketName}/${ARCHIVE.prefix}/*`);
            const tasks = m.ofType("pulumi-nodejs:dynamic/cwlogs:ExportTask").filter(t => t.name.startsWith(`workload-${account}-export-`));
            assert.deepStrictEqual(tasks.map(t => t.inputs.logGroupName), ACCOUNTS[i].logGroupNames);
            for (const t of tasks) {
                assert.strictEqual(t.inputs.roleArn, roles[account]);
                assert.strictEqual(t.inputs.destination, ARCHIVE.bucketName);
                assert.strictEqual(t.inputs.destinationPrefix, ARCHIVE.prefix);
                assert.strictEqual(t.inputs.region, REGION);
                assert.strictEqual(t.provider.includes("pulumi:providers:aws"), false, "the dynamic provider is not the account's aws provider");
            }
        }
        assert.deepStrictEqual(m.ofType("pulumi-nodejs:dynamic/cwlogs:ExportTask").map(t => t.name),
            [`workload-${A}-export-my-log-group`, `workload-${D}-export-app-api`, `workload-${D}-export-app-worker`]);
    });

    describe("bad account config: named by its path, before any provider exists", () => {
        const cases: [string, unknown, string][] = [
            ["a malformed account ID", [{ ...ACCOUNTS[0], id: "11111111111" }],
                '[accounts[0].id] "11111111111" is not an AWS account ID: use the 12-digit account number, e.g. "111122223333".'],
            ["a malformed role ARN", [ACCOUNTS[0], { ...ACCOUNTS[1], deployRoleArn: `arn:aws:iam::${D}:user/deploy` }],
                `[accounts[1].deployRoleArn] "arn:aws:iam::${D}:user/deploy" is not an IAM role ARN: use the form "arn:aws:iam::111122223333:role/ExportCaller".`],
            ["a role of another account", [{ ...ACCOUNTS[0], deployRoleArn: ACCOUNTS[1].deployRoleArn }],
                `[accounts[0].deployRoleArn] the role is in account ${D} but [accounts[0].id] is ${A}: give a role of account ${A}, ` +
                "so the provider deploys into the account the entry names."],
            ["an account ID stored as a number that lost its leading zero", [{ ...ACCOUNTS[0], id: 12345678901 }],
                "[accounts[0].id] 12345678901 was stored as a number, which drops an account ID's leading zeros: set it as a string, " +
                "`pulumi config set --path 'accounts[0].id' <12-digit ID> --type string`."],
            ["an account listed twice", [ACCOUNTS[0], ACCOUNTS[0]], `[accounts[1].id] account ${A} is listed twice: give each account once.`],
            ["no accounts", [], "[accounts] give at least one account: `pulumi config set --path 'accounts[0].id' <12-digit ID> --type string` " +
                "and `--path 'accounts[0].deployRoleArn' <role ARN>`."],
        ];
        for (const [what, accounts, message] of cases) {
            it(`refuses ${what}`, () => {
                const bad = installMocks({ accountId: DEPLOYER, region: REGION, project: PROJECT, stack: "dev" });
                assert.throws(() => loadProgram("multi-account", PROJECT, { ...CONFIG, accounts }), { message });
                assert.deepStrictEqual(bad.resources, []);
            });
        }
    });
});
