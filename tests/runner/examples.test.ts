/**
 * Every example, and the root project, run as `pulumi up` runs them: Pulumi's own program runner
 * (`@pulumi/pulumi/cmd/run`, started with the flags and environment the Node.js language host gives
 * it, entry point and working directory from Pulumi.yaml) against a recording ResourceMonitor and
 * Engine (tests/support/monitor.ts). Stacks that read another stack get that stack's outputs as its
 * run registered them, in the order the README deploys them.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { ARCHIVE_SIG, ASSET_SIG, Registration, RecordingMonitor, SIG_KEY, UNKNOWN } from "../support/monitor";
import { pwdAndEntry, readProject } from "../support/pulumiProgram";
import { decide } from "../support/simulate";
import type { PolicyDocument } from "../../policies/types";
import { ARCHIVE_ACCOUNT, REPO, runs, startAll, WORKLOAD_ACCOUNT } from "./runs";

const EXPORT_TASK = "pulumi-nodejs:dynamic/cwlogs:ExportTask";
const STACK_REFERENCE = "pulumi:pulumi:StackReference";

/** Every Pulumi.yaml of the repository (node_modules and dist aside). */
function pulumiProjects(dir = REPO): string[] {
    const found: string[] = [];
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        if (e.isDirectory() && !["node_modules", "dist", ".git"].includes(e.name)) {
            found.push(...pulumiProjects(path.join(dir, e.name)));
        } else if (e.name === "Pulumi.yaml") {
            found.push(dir);
        }
    }
    return found;
}

/** The resources below `root` (children, grandchildren...). */
function descendants(m: RecordingMonitor, root: Registration): Registration[] {
    const out: Registration[] = [];
    for (const r of m.resources.filter(x => x.parent === root.urn)) {
        out.push(r, ...descendants(m, r));
    }
    return out;
}

function noErrors(m: RecordingMonitor): void {
    assert.deepStrictEqual(m.errors, [], "the program logged errors");
    assert.deepStrictEqual(m.logs.filter(l => l.severity === "warning").map(l => l.message), [], "the program logged warnings");
}

describe("entry points of the Pulumi projects (tests/runner)", () => {
    it("every Pulumi.yaml names its program file, so the runner never falls back to the package's entry (dist/index.js)", () => {
        const projects = pulumiProjects();
        assert.ok(projects.length >= 8, `found ${projects.length} Pulumi projects`);
        for (const dir of projects) {
            const { pwd, entry } = pwdAndEntry(readProject(dir));
            // With "." the runner reads the nearest package.json: this repository's, the library.
            assert.notStrictEqual(entry, ".", `${path.relative(REPO, dir) || "."}/Pulumi.yaml: the runner would run dist/index.js`);
            assert.ok(fs.existsSync(path.join(pwd, entry)), `${dir}: ${entry} does not exist`);
        }
    });
});

describe("examples under Pulumi's program runner (tests/runner)", function () {
    // Thirteen program runs, two at a time; each loads @pulumi/aws and transpiles the library.
    this.timeout(400_000);

    before(() => startAll());

    describe("root project (`pulumi preview` at the repository root)", () => {
        it("runs examples/same-account/index.ts from its folder, with the root project's name", async () => {
            const r = await runs.rootPreview();
            assert.strictEqual(r.program, path.join(REPO, "examples/same-account/index.ts"));
            assert.strictEqual(r.pwd, path.join(REPO, "examples/same-account"));
            assert.strictEqual(r.monitor.stackResource.name, "cwlogs-export-dev");
            assert.strictEqual(r.monitor.named("first-day").type, EXPORT_TASK);
            noErrors(r.monitor);
        });

        it("previews with unknowns: the ExportTask is registered with the not-yet-known bucket, the known log group", async () => {
            const { monitor: m } = await runs.rootPreview();
            const task = m.named("first-day");
            assert.strictEqual(task.id, "");
            assert.strictEqual(task.wireInputs.destination, UNKNOWN);
            assert.strictEqual(task.inputs.logGroupName, "my-log-group");
            assert.strictEqual(m.stackOutputs.bucketName, UNKNOWN);
            assert.strictEqual(m.stackOutputs.exportedLogGroup, "my-log-group");
        });
    });

    describe("examples/same-account", () => {
        it("runs its own program, not the library's entry", async () => {
            const r = await runs.sameAccount();
            assert.strictEqual(r.entry, "index.ts");
            assert.strictEqual(r.program, path.join(REPO, "examples/same-account/index.ts"));
            assert.ok(!("ExportBucket" in r.monitor.stackOutputs), "the stack outputs are the library's exports");
            noErrors(r.monitor);
        });

        it("registers the log group, the ExportBucket's children under it, and the ExportTask after every child", async () => {
            const { monitor: m } = await runs.sameAccount();
            const stack = m.stackResource;
            const bucket = m.named("exports", "cwlogs:export:ExportBucket");
            assert.strictEqual(bucket.parent, stack.urn);
            assert.strictEqual(m.named("my-log-group").type, "aws:cloudwatch/logGroup:LogGroup");
            assert.strictEqual(m.named("my-log-group").parent, stack.urn);
            const children = m.resources.filter(r => r.parent === bucket.urn);
            assert.deepStrictEqual(children.map(r => r.name).sort(), [
                "exports-bucket", "exports-encryption", "exports-key", "exports-key-alias", "exports-lifecycle",
                "exports-ownership", "exports-policy", "exports-public-access-block",
            ]);
            assert.strictEqual(m.named("exports-bucket").urn,
                "urn:pulumi:dev::cwlogs-export-same-account::cwlogs:export:ExportBucket$aws:s3/bucket:Bucket::exports-bucket");
            const task = m.named("first-day", EXPORT_TASK);
            assert.strictEqual(task.parent, stack.urn);
            // dependsOn: [exportBucket] reaches the engine as every resource of the component.
            for (const child of children) {
                assert.ok(task.dependencies.includes(child.urn), `the ExportTask does not wait for ${child.name}`);
            }
            assert.strictEqual(task.inputs.destination, m.named("exports-bucket").inputs.bucket ?? "exports-bucket-0123abcd");
            assert.strictEqual(task.inputs.destinationPrefix, "exports-7f3a9c");
            assert.strictEqual(task.inputs.logGroupName, "my-log-group");
        });

        it("registers its stack outputs", async () => {
            const { monitor: m } = await runs.sameAccount();
            assert.deepStrictEqual(Object.keys(m.stackOutputs).sort(), [
                "bucketArn", "bucketName", "exportLocation", "exportTaskId", "exportedLogGroup", "kmsKeyArn", "prefix", "region",
            ]);
            assert.strictEqual(m.stackOutputs.bucketName, "exports-bucket-0123abcd");
            assert.strictEqual(m.stackOutputs.exportTaskId, "task-first-day");
            assert.strictEqual(m.stackOutputs.region, "us-east-1");
        });

        it("measures the serialized provider the ExportTask carries", async () => {
            const { monitor: m } = await runs.sameAccount();
            const provider = m.named("first-day").wireInputs.__provider;
            assert.strictEqual(typeof provider, "string");
            const bytes = Buffer.byteLength(provider as string);
            console.log(`      serialized provider (this repo): ${bytes} bytes`);
            assert.ok(bytes > 0);
        });
    });

    describe("examples/v2-delivery", () => {
        const LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup";
        const DESTINATION = "aws:cloudwatch/logDeliveryDestination:LogDeliveryDestination";
        const SOURCE = "aws:cloudwatch/logDeliverySource:LogDeliverySource";
        const DELIVERY = "aws:cloudwatch/logDelivery:LogDelivery";
        const ACCOUNT = "123456789012";
        /** The CloudWatch Logs destinations: those whose destination resource is a log group. */
        const logGroupDestinations = (m: RecordingMonitor) => m.ofType(DESTINATION).filter(d =>
            ((d.inputs.deliveryDestinationConfiguration as { destinationResourceArn?: string } | undefined)?.destinationResourceArn ?? "").includes(":log-group:"));

        it("registers one DeliveryChain whose source delivers to its three destinations, and its outputs", async () => {
            const r = await runs.v2Delivery();
            const m = r.monitor;
            assert.strictEqual(r.program, path.join(REPO, "examples/v2-delivery/index.ts"));
            noErrors(m);
            const chain = m.named("kb", "cwlogs:delivery:DeliveryChain");
            assert.strictEqual(chain.parent, m.stackResource.urn);
            for (const d of ["kb-archive", "kb-search", "kb-stream"]) {
                assert.strictEqual(m.named(d, "cwlogs:delivery:DeliveryDestination").parent, chain.urn);
            }
            const source = m.named("kb-source-source", SOURCE);
            assert.strictEqual(source.inputs.resourceArn, "arn:aws:bedrock:us-east-1:123456789012:knowledge-base/KB12345678");
            const deliveries = descendants(m, chain).filter(d => d.type === DELIVERY);
            assert.strictEqual(deliveries.length, 3);
            const destinationArns = descendants(m, chain).filter(d => d.type === DESTINATION)
                .map(d => `arn:aws:logs:us-east-1:123456789012:delivery-destination:${d.inputs.name ?? `${d.name}-0123abcd`}`).sort();
            assert.deepStrictEqual(deliveries.map(d => d.inputs.deliveryDestinationArn).sort(), destinationArns);
            for (const d of deliveries) {
                assert.ok(d.dependencies.includes(source.urn), `${d.name} does not wait for the delivery source`);
            }
            // The stream destination waits for the Firehose stream it names.
            assert.ok(m.named("kb-stream-destination").dependencies.includes(m.named("kb-logs").urn));
            assert.deepStrictEqual(Object.keys(m.stackOutputs.deliveryArns as object).sort(), ["archive", "search", "stream"]);
            // The S3 delivery's key prefix (CloudWatch Logs User Guide, "Amazon S3 object key format"; Hive paths off).
            assert.deepStrictEqual(m.stackOutputs.s3KeyPrefixes, { archive: `AWSLogs/${ACCOUNT}/` });
            // Every delivery of the stack points at a destination of the stack (the further knowledge
            // bases' too), and every destination receives at least one delivery.
            const allDestinations = m.ofType(DESTINATION).map(d => `arn:aws:logs:us-east-1:${ACCOUNT}:delivery-destination:${d.name}-0123abcd`).sort();
            assert.deepStrictEqual([...new Set(m.ofType(DELIVERY).map(d => d.inputs.deliveryDestinationArn as string))].sort(), allDestinations);
        });

        it("deliveries that share a destination are created one after the other, in program order (ConflictException otherwise)", async () => {
            // CloudWatch Logs answers "ConflictException: Requested resource is currently being updated"
            // to concurrent CreateDelivery calls on one delivery destination (terraform-provider-aws
            // #42194). The further knowledge bases deliver to the first chain's archive destination.
            const { monitor: m } = await runs.v2Delivery();
            const archiveArn = `arn:aws:logs:us-east-1:${ACCOUNT}:delivery-destination:kb-archive-destination-0123abcd`;
            const toArchive = m.ofType(DELIVERY).filter(d => d.inputs.deliveryDestinationArn === archiveArn);
            assert.deepStrictEqual(toArchive.map(d => d.name),
                ["kb-source-delivery-archive", "kb-kb2reports-source-delivery-archive", "kb-kb3support-source-delivery-archive"]);
            for (let i = 1; i < toArchive.length; i++) {
                assert.ok(toArchive[i].dependencies.includes(toArchive[i - 1].urn), `${toArchive[i].name} does not wait for ${toArchive[i - 1].name}`);
            }
            // Only the earlier delivery to the destination, not a later one: the chain has no cycle.
            assert.ok(!toArchive[0].dependencies.includes(toArchive[1].urn));
            // The shared destination is not created again; each further chain waits for it (its bucket policy and key).
            assert.strictEqual(m.ofType(DESTINATION).filter(d => d.name.endsWith("archive-destination")).length, 1);
            const archivePolicy = m.named("kb-archive-bucket-policy");
            for (const d of toArchive) {
                assert.ok(d.dependencies.includes(archivePolicy.urn), `${d.name} does not wait for the archive's bucket policy`);
            }
            // Each further knowledge base's own suffix under the shared bucket.
            assert.deepStrictEqual(toArchive.slice(1).map(d => d.inputs.s3DeliveryConfigurations),
                [[{ suffixPath: "kb/KB2REPORTS/{yyyy}/{MM}/{dd}", enableHiveCompatiblePath: false }], [{ suffixPath: "kb/KB3SUPPORT/{yyyy}/{MM}/{dd}", enableHiveCompatiblePath: false }]]);
            // Replaced delete-first: a source has one delivery per destination type.
            for (const d of m.ofType(DELIVERY)) {
                assert.strictEqual(d.deleteBeforeReplace, true, d.name);
            }
            // The output format is fixed once a destination exists: a change replaces it.
            for (const d of m.ofType(DESTINATION)) {
                assert.deepStrictEqual(d.replaceOnChanges, ["outputFormat"], d.name);
            }
        });

        it("one account-level resource policy (DeliveryLogGroupsPolicy) for all its CloudWatch Logs destinations, which wait for it", async () => {
            // AWS allows 10 account-level CloudWatch Logs resource policies per region (PutResourcePolicy,
            // "Policy limits"): one per destination would fail at the eleventh.
            const { monitor: m } = await runs.v2Delivery();
            const policies = m.ofType("aws:cloudwatch/logResourcePolicy:LogResourcePolicy");
            assert.deepStrictEqual(policies.map(p => p.name), ["vendedlogs-policy"]);
            const [policy] = policies;
            assert.strictEqual(policy.parent, m.named("vendedlogs", "cwlogs:delivery:DeliveryLogGroupsPolicy").urn);
            assert.strictEqual(policy.inputs.policyName, "vendedlogs");
            assert.strictEqual(m.stackOutputs.resourcePolicyName, "vendedlogs");
            const destinations = logGroupDestinations(m);
            // The knowledge base of the DeliveryChain "kb" and the two of `moreKnowledgeBaseArns` (Pulumi.dev.yaml).
            assert.deepStrictEqual(destinations.map(d => d.name).sort(),
                ["kb-kb2reports-search-destination", "kb-kb3support-search-destination", "kb-search-destination"]);
            for (const d of destinations) {
                assert.ok(d.dependencies.includes(policy.urn), `${d.name} does not wait for the shared resource policy`);
            }
            const logGroups = m.ofType(LOG_GROUP);
            assert.deepStrictEqual(logGroups.map(g => g.inputs.name).sort(),
                ["/aws/vendedlogs/bedrock/KB2REPORTS", "/aws/vendedlogs/bedrock/KB3SUPPORT", "/aws/vendedlogs/bedrock/kb"]);
            // The policy as registered lets the delivery service write into each of them for this
            // account's delivery sources, and into nothing outside /aws/vendedlogs/.
            const document = JSON.parse(policy.inputs.policyDocument as string) as PolicyDocument;
            const put = (group: string) => decide({
                principal: "delivery.logs.amazonaws.com", action: "logs:PutLogEvents",
                resource: `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:${group}:log-stream:s1`, resourceAccount: ACCOUNT,
                context: { "aws:SourceAccount": ACCOUNT, "aws:SourceArn": `arn:aws:logs:us-east-1:${ACCOUNT}:delivery-source:kb-source-source-0123abcd` },
                resourcePolicy: document,
            });
            for (const g of logGroups) {
                assert.strictEqual(await put(g.inputs.name as string), "Allowed", `${g.inputs.name as string}`);
            }
            assert.strictEqual(await put("/bedrock/kb"), "ImplicitlyDenied");
        });

        it("lifecycle defaults: log groups retained on destroy, the bucket after its key and not force-destroyed, sources replaced delete-first", async () => {
            const { monitor: m } = await runs.v2Delivery();
            // README, DeliveryDestination: retainOnDestroy (default true) is @pulumi/aws skipDestroy.
            for (const g of m.ofType(LOG_GROUP)) {
                assert.strictEqual(g.inputs.skipDestroy, true, `${g.name} would be deleted with its logs on destroy`);
                assert.strictEqual(g.inputs.retentionInDays, 30);
                assert.notStrictEqual(g.retainOnDelete, false);
            }
            const bucket = m.named("kb-archive-bucket-bucket", "aws:s3/bucket:Bucket");
            assert.notStrictEqual(bucket.inputs.forceDestroy, true);
            assert.ok(bucket.dependencies.includes(m.named("kb-archive-bucket-key").urn), "the bucket does not depend on its KMS key");
            // One delivery source per resource and log type, and PutDeliverySource overwrites by name.
            const sources = m.ofType(SOURCE);
            assert.strictEqual(sources.length, 3);
            for (const s of sources) {
                assert.strictEqual(s.deleteBeforeReplace, true, `${s.name} is not replaced delete-first`);
            }
            // Destinations without a fixed name get a new one on replace: no need to delete first.
            for (const d of m.ofType(DESTINATION)) {
                assert.strictEqual(d.deleteBeforeReplace, d.inputs.name !== undefined, d.name);
            }
        });

        it("deliveries that share a source are created one after the other (each waits for the one before)", async () => {
            const { monitor: m } = await runs.v2Delivery();
            let longest = 0;
            for (const source of m.ofType(SOURCE)) {
                const name = source.inputs.name ?? `${source.name}-0123abcd`;
                // In registration order, which is the order the program created them.
                const deliveries = m.ofType(DELIVERY).filter(d => d.inputs.deliverySourceName === name);
                assert.ok(deliveries.length >= 1, `no delivery from ${source.name}`);
                for (let i = 1; i < deliveries.length; i++) {
                    assert.ok(deliveries[i].dependencies.includes(deliveries[i - 1].urn),
                        `${deliveries[i].name} does not wait for ${deliveries[i - 1].name}`);
                }
                longest = Math.max(longest, deliveries.length);
            }
            assert.strictEqual(longest, 3);
            assert.deepStrictEqual(descendants(m, m.named("kb-source", "cwlogs:delivery:DeliverySource")).filter(d => d.type === DELIVERY).map(d => d.name),
                ["kb-source-delivery-archive", "kb-source-delivery-search", "kb-source-delivery-stream"]);
        });
    });

    describe("examples/scheduled-export", () => {
        const SCHEDULED = "cwlogs:export:ScheduledExport";

        it("registers the ScheduledExport beside its ExportBucket, and each child under it with its type", async () => {
            const r = await runs.scheduledExport();
            const m = r.monitor;
            assert.strictEqual(r.program, path.join(REPO, "examples/scheduled-export/index.ts"));
            noErrors(m);
            const component = m.named("daily", SCHEDULED);
            assert.strictEqual(component.parent, m.stackResource.urn);
            assert.ok(!component.custom);
            assert.strictEqual(m.named("archive", "cwlogs:export:ExportBucket").parent, m.stackResource.urn);
            assert.deepStrictEqual(m.resources.filter(x => x.parent === component.urn).map(x => `${x.type} ${x.name}`).sort(), [
                "aws:cloudwatch/logGroup:LogGroup daily-logs",
                "aws:dynamodb/table:Table daily-state",
                "aws:dynamodb/tableItem:TableItem daily-settings",
                "aws:iam/role:Role daily-role",
                "aws:iam/role:Role daily-scheduler-role",
                "aws:iam/rolePolicy:RolePolicy daily-policy",
                "aws:iam/rolePolicy:RolePolicy daily-scheduler-policy",
                "aws:lambda/function:Function daily-function",
                "aws:scheduler/schedule:Schedule daily-schedule",
            ]);
            assert.strictEqual(m.named("daily-function").urn,
                "urn:pulumi:dev::cwlogs-export-scheduled-export::cwlogs:export:ScheduledExport$aws:lambda/function:Function::daily-function");
            // dependsOn: [archive] reaches the engine as every resource of the ExportBucket.
            for (const child of m.resources.filter(x => x.parent === m.named("archive").urn)) {
                assert.ok(component.dependencies.includes(child.urn), `the ScheduledExport does not wait for ${child.name}`);
            }
        });

        it("with alertTopicArn: a lag alarm and a failures alarm on the function's metrics, notifying the topic", async () => {
            const { monitor: m } = await runs.scheduledExportAlarm();
            noErrors(m);
            const component = m.named("daily", SCHEDULED);
            const topic = "arn:aws:sns:us-east-1:123456789012:ops-alerts";
            for (const [name, metric, threshold] of [["daily-lag-alarm", "ExportLagSeconds", 60 * 3600], ["daily-failures-alarm", "ConsecutiveFailures", 3]] as const) {
                const a = m.named(name, "aws:cloudwatch/metricAlarm:MetricAlarm");
                assert.strictEqual(a.parent, component.urn);
                assert.strictEqual(a.inputs.namespace, "CwlogsExport/ScheduledExport");
                assert.strictEqual(a.inputs.metricName, metric);
                assert.strictEqual(a.inputs.threshold, threshold);
                assert.deepStrictEqual(a.inputs.dimensions, { Schedule: "daily-state-0123abcd" }, "the state table's name, as the handler emits it");
                assert.deepStrictEqual(a.inputs.alarmActions, [topic]);
            }
            assert.strictEqual((m.stackOutputs.alarmNames as string[]).length, 2);
            const plain = (await runs.scheduledExport()).monitor;
            assert.deepStrictEqual(plain.resources.filter(x => x.type === "aws:cloudwatch/metricAlarm:MetricAlarm"), [], "no alarm without alertTopicArn");
        });

        it("keeps the state table and the function's log group on destroy (retainOnDelete), and only those", async () => {
            const { monitor: m } = await runs.scheduledExport();
            const retained = m.resources.filter(x => x.retainOnDelete).map(x => `${x.type} ${x.name}`).sort();
            assert.deepStrictEqual(retained, ["aws:cloudwatch/logGroup:LogGroup daily-logs", "aws:dynamodb/table:Table daily-state"]);
            assert.strictEqual(m.named("daily-logs").inputs.name, "/cwlogs-export/scheduled/daily");
            assert.strictEqual(m.named("daily-logs").inputs.retentionInDays, 30);
            assert.strictEqual(m.named("daily-state").inputs.billingMode, "PAY_PER_REQUEST");
        });

        it("deploys the built bundle as the function's code, on Node.js 22, one invocation at a time, logging to its log group", async () => {
            const { monitor: m } = await runs.scheduledExport();
            const fn = m.named("daily-function", "aws:lambda/function:Function");
            assert.strictEqual(fn.inputs.runtime, "nodejs22.x");
            assert.strictEqual(fn.inputs.handler, "index.handler");
            assert.strictEqual(fn.inputs.reservedConcurrentExecutions, 1);
            assert.strictEqual(fn.inputs.timeout, 900);
            assert.deepStrictEqual(fn.inputs.loggingConfig, { logFormat: "Text", logGroup: "/cwlogs-export/scheduled/daily" });
            assert.strictEqual(fn.inputs.role, m.stackOutputs.roleArn);
            assert.ok(fn.dependencies.includes(m.named("daily-policy").urn), "the function does not wait for its role's policy");
            // The code travels as an archive holding one file asset, index.js: the bundle `npm run build` wrote.
            const code = fn.wireInputs.code as Record<string, unknown>;
            assert.strictEqual(code[SIG_KEY], ARCHIVE_SIG);
            const assets = code.assets as Record<string, Record<string, unknown>>;
            assert.deepStrictEqual(Object.keys(assets), ["index.js"]);
            assert.strictEqual(assets["index.js"][SIG_KEY], ASSET_SIG);
            const bundle = assets["index.js"].path as string;
            assert.strictEqual(bundle, path.join(REPO, "dist/bundles/scheduledExport/index.js"));
            // What Lambda calls for `index.handler`.
            assert.strictEqual(typeof (require(bundle) as { handler?: unknown }).handler, "function");
            // The environment names the state table; the settings are the table's settings item.
            assert.deepStrictEqual(JSON.parse((fn.inputs.environment as { variables: Record<string, string> }).variables.CWLOGS_SCHEDULE), { tableName: "daily-state-0123abcd" });
            const item = m.named("daily-settings", "aws:dynamodb/tableItem:TableItem");
            assert.strictEqual(item.inputs.tableName, "daily-state-0123abcd");
            assert.ok(fn.dependencies.includes(item.urn), "the function does not wait for its settings item");
            const config = JSON.parse((JSON.parse(item.inputs.item as string) as { settings: { S: string } }).settings.S) as Record<string, unknown>;
            assert.deepStrictEqual(config, {
                bucket: "archive-bucket-0123abcd", prefix: "scheduled", layout: "date",
                windowMs: 86_400_000, lagMs: 43_200_000, start: Date.parse("2026-11-01"), logGroupNamePrefixes: ["/app/"],
            });
        });

        it("ticks the function hourly in UTC through EventBridge Scheduler, with a role that may only invoke it", async () => {
            const { monitor: m } = await runs.scheduledExport();
            const schedule = m.named("daily-schedule", "aws:scheduler/schedule:Schedule");
            assert.strictEqual(schedule.inputs.scheduleExpression, "rate(1 hour)");
            assert.strictEqual(schedule.inputs.scheduleExpressionTimezone, "UTC");
            const functionArn = `arn:aws:lambda:us-east-1:123456789012:function:${m.stackOutputs.functionName}`;
            const target = schedule.inputs.target as Record<string, unknown>;
            assert.strictEqual(target.arn, functionArn);
            assert.strictEqual(target.roleArn, "arn:aws:iam::123456789012:role/daily-scheduler-role-0123abcd");
            const policy = JSON.parse(m.named("daily-scheduler-policy").inputs.policy as string) as { Statement: Record<string, unknown>[] };
            assert.deepStrictEqual(policy.Statement, [{ Sid: "InvokeExportFunction", Effect: "Allow", Action: "lambda:InvokeFunction", Resource: functionArn }]);
        });

        it("registers the stack outputs and the component's outputs (the role ARN an archive bucket would list as a caller)", async () => {
            const { monitor: m } = await runs.scheduledExport();
            assert.deepStrictEqual(m.stackOutputs, {
                alarmNames: [],
                bucketName: "archive-bucket-0123abcd",
                functionName: "daily-function-0123abcd",
                logGroupName: "/cwlogs-export/scheduled/daily",
                roleArn: "arn:aws:iam::123456789012:role/daily-role-0123abcd",
                tableName: "daily-state-0123abcd",
            });
            const outputs = m.named("daily", SCHEDULED).outputs ?? {};
            assert.deepStrictEqual(Object.keys(outputs).sort(),
                ["alarmNames", "functionArn", "functionName", "logGroupName", "policyJson", "roleArn", "scheduleName", "tableName"]);
            assert.strictEqual(outputs.roleArn, m.stackOutputs.roleArn);
            assert.strictEqual(outputs.policyJson, m.named("daily-policy").inputs.policy);
        });
    });

    describe("examples/cross-account-export (workload role, archive, workload exports)", () => {
        it("step 1: the workload's caller role alone, nothing read from the archive", async () => {
            const { monitor: m } = await runs.exportWorkloadRole();
            noErrors(m);
            assert.strictEqual(m.ofType(STACK_REFERENCE).length, 0);
            assert.strictEqual(m.ofType(EXPORT_TASK).length, 0);
            const caller = m.named("workload-caller", "cwlogs:export:ExportCallerRole");
            assert.strictEqual(m.named("workload-caller-role").parent, caller.urn);
            assert.deepStrictEqual(m.stackOutputs.callerRoleArns, [`arn:aws:iam::${WORKLOAD_ACCOUNT}:role/workload-caller-role-0123abcd`]);
        });

        it("step 2: the archive reads the workload stack and its bucket policy names that role", async () => {
            const { monitor: m } = await runs.exportArchive();
            noErrors(m);
            const ref = m.named("acme/cwlogs-export-workload/dev", STACK_REFERENCE);
            assert.ok(ref.read);
            const policy = m.named("archive-policy", "aws:s3/bucketPolicy:BucketPolicy");
            assert.ok(policy.dependencies.includes(ref.urn));
            assert.ok((policy.inputs.policy as string).includes(`arn:aws:iam::${WORKLOAD_ACCOUNT}:role/workload-caller-role-0123abcd`));
            assert.strictEqual(m.named("archive", "cwlogs:export:ExportBucket").parent, m.stackResource.urn);
            assert.strictEqual(m.stackOutputs.accountId, ARCHIVE_ACCOUNT);
        });

        it("step 3: the workload exports into the archive's bucket, after its role and policy", async () => {
            const archive = (await runs.exportArchive()).monitor.stackOutputs;
            const { monitor: m } = await runs.exportWorkload();
            noErrors(m);
            const ref = m.named("acme/cwlogs-export-archive/dev", STACK_REFERENCE);
            const [task] = m.ofType(EXPORT_TASK);
            assert.strictEqual(task.name, "workload-export-my-log-group");
            assert.strictEqual(task.parent, m.named("workload", "cwlogs:examples:WorkloadExports").urn);
            assert.strictEqual(task.inputs.destination, archive.bucketName);
            assert.strictEqual(task.inputs.destinationPrefix, archive.prefix);
            assert.strictEqual(task.inputs.roleArn, `arn:aws:iam::${WORKLOAD_ACCOUNT}:role/workload-caller-role-0123abcd`);
            for (const dep of [m.named("workload-caller-role").urn, m.named("workload-caller-export-policy").urn, ref.urn]) {
                assert.ok(task.dependencies.includes(dep), `the export does not wait for ${dep}`);
            }
            assert.deepStrictEqual(m.stackOutputs.exportTaskIds, { "my-log-group": "task-workload-export-my-log-group" });
        });

        it("with scheduledExport on: a ScheduledExport of the same log groups into the archive's bucket, prefix and key; its role joins callerRoleArns", async () => {
            const archive = (await runs.exportArchive()).monitor.stackOutputs;
            const { monitor: m } = await runs.exportWorkloadScheduled();
            noErrors(m);
            const component = m.named("scheduled", "cwlogs:export:ScheduledExport");
            assert.strictEqual(component.parent, m.stackResource.urn);
            assert.strictEqual(m.named("scheduled-function").parent, component.urn);
            const item = m.named("scheduled-settings", "aws:dynamodb/tableItem:TableItem");
            const config = JSON.parse((JSON.parse(item.inputs.item as string) as { settings: { S: string } }).settings.S) as Record<string, unknown>;
            assert.strictEqual(config.bucket, archive.bucketName);
            assert.strictEqual(config.prefix, archive.prefix);
            assert.deepStrictEqual(config.logGroupNames, ["my-log-group"]);
            const policy = m.named("scheduled-policy", "aws:iam/rolePolicy:RolePolicy").inputs.policy as string;
            for (const arn of [archive.kmsKeyArn as string, `arn:aws:s3:::${archive.bucketName}/${archive.prefix}/*`]) {
                assert.ok(policy.includes(arn), `the function's policy does not name ${arn}: ${policy}`);
            }
            assert.deepStrictEqual(m.stackOutputs.callerRoleArns, [
                `arn:aws:iam::${WORKLOAD_ACCOUNT}:role/workload-caller-role-0123abcd`, `arn:aws:iam::${WORKLOAD_ACCOUNT}:role/scheduled-role-0123abcd`,
            ]);
            // The flag adds, it does not change: the one-off export is still there.
            assert.deepStrictEqual(m.stackOutputs.exportTaskIds, { "my-log-group": "task-workload-export-my-log-group" });
        });

        it("step 4: the archive, up again, names the scheduled export's role in its bucket and key policies", async () => {
            const { monitor: before } = await runs.exportArchive();
            const { monitor: m } = await runs.exportArchiveScheduled();
            noErrors(m);
            const scheduledRole = `arn:aws:iam::${WORKLOAD_ACCOUNT}:role/scheduled-role-0123abcd`;
            assert.deepStrictEqual(m.stackOutputs.callerPrincipalArns, [`arn:aws:iam::${WORKLOAD_ACCOUNT}:role/workload-caller-role-0123abcd`, scheduledRole]);
            assert.ok((m.named("archive-policy").inputs.policy as string).includes(scheduledRole));
            assert.ok(!(before.named("archive-policy").inputs.policy as string).includes(scheduledRole), "the first archive run named it already");
            assert.ok((m.named("archive-key").inputs.policy as string).includes(scheduledRole), "the key policy does not name the scheduled role");
        });

        it("a malformed output of the workload stack fails the run at once, with the output named (no hang)", async () => {
            // An error thrown inside an apply carries stack frames that made Pulumi's runner spin in
            // Node 20's util.inspect for minutes, growing to gigabytes, before it printed anything.
            const r = await runs.exportArchiveBadWorkload();
            assert.notStrictEqual(r.exitCode, 0);
            assert.ok(r.durationMs < 60_000, `the failing run took ${r.durationMs} ms`);
            assert.ok(r.monitor.errors.some(e => e.includes("callerRoleArns") && e.includes("acme/cwlogs-export-workload/dev")),
                `errors logged: ${r.monitor.errors.join("\n")}`);
            assert.ok(r.monitor.errors.every(e => !/\n\s+at /.test(e)), `a stack trace was printed: ${r.monitor.errors.join("\n")}`);
        });
    });

    describe("examples/multi-account", () => {
        it("registers one aws provider per account, and every resource of an account goes through its provider", async () => {
            const { monitor: m } = await runs.multiAccount();
            noErrors(m);
            const providers = m.ofType("pulumi:providers:aws");
            assert.deepStrictEqual(providers.map(p => p.name).sort(), ["account-111111111111", "account-333333333333"]);
            for (const account of ["111111111111", "333333333333"]) {
                const provider = m.named(`account-${account}`);
                assert.deepStrictEqual(JSON.parse(provider.inputs.allowedAccountIds as string), [account]);
                const workload = m.named(`workload-${account}`, "cwlogs:examples:WorkloadExports");
                const awsResources = descendants(m, workload).filter(r => r.custom && r.type.startsWith("aws:"));
                assert.ok(awsResources.length >= 2, `workload-${account} has ${awsResources.length} aws resources`);
                for (const r of awsResources) {
                    assert.strictEqual(m.providerOf(r)?.urn, provider.urn, `${r.name} is not deployed through account-${account}`);
                }
                // Each account's export tasks assume the caller role of that account.
                const tasks = descendants(m, workload).filter(r => r.type === EXPORT_TASK);
                assert.ok(tasks.length >= 1);
                for (const t of tasks) {
                    assert.strictEqual(t.inputs.roleArn, `arn:aws:iam::${account}:role/workload-${account}-caller-role-0123abcd`);
                }
            }
            assert.deepStrictEqual(m.stackOutputs.callerRoleArnByAccount, {
                "111111111111": "arn:aws:iam::111111111111:role/workload-111111111111-caller-role-0123abcd",
                "333333333333": "arn:aws:iam::333333333333:role/workload-333333333333-caller-role-0123abcd",
            });
        });

        it("a program error fails the run with the program's message", async () => {
            const r = await runs.multiAccountWithoutAccounts();
            assert.notStrictEqual(r.exitCode, 0);
            assert.ok(r.monitor.errors.some(e => e.includes("[accounts]") && e.includes("give at least one account")),
                `errors logged: ${r.monitor.errors.join("\n")}`);
        });
    });

    describe("examples/cross-account-delivery (archive, then workload)", () => {
        it("the archive registers the destination, its policy and an encrypted bucket", async () => {
            const { monitor: m } = await runs.deliveryArchive();
            noErrors(m);
            const destination = m.named("central", "cwlogs:delivery:DeliveryDestination");
            assert.strictEqual(destination.parent, m.stackResource.urn);
            assert.strictEqual(m.named("central-destination-policy").parent, destination.urn);
            assert.strictEqual(m.named("central-bucket", "cwlogs:export:ExportBucket").parent, destination.urn);
            assert.strictEqual(m.stackOutputs.destinationArn,
                `arn:aws:logs:us-east-1:${ARCHIVE_ACCOUNT}:delivery-destination:central-destination-0123abcd`);
        });

        it("the workload delivers to the archive's destination, read through its StackReference", async () => {
            const archive = (await runs.deliveryArchive()).monitor.stackOutputs;
            const { monitor: m } = await runs.deliveryWorkload();
            noErrors(m);
            const ref = m.named("acme/cwlogs-delivery-archive/dev", STACK_REFERENCE);
            const delivery = m.named("app-logs-delivery-archive", "aws:cloudwatch/logDelivery:LogDelivery");
            assert.strictEqual(delivery.inputs.deliveryDestinationArn, archive.destinationArn);
            assert.ok(delivery.dependencies.includes(ref.urn));
            assert.ok(delivery.dependencies.includes(m.named("app-logs-source").urn));
            assert.strictEqual(delivery.parent, m.named("app-logs", "cwlogs:delivery:DeliverySource").urn);
        });
    });
});
