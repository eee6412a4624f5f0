/**
 * The runs of this tier: every example (and the root project) through Pulumi's own program runner,
 * in the order a user deploys them, each started once and shared by the tests that read it.
 *
 * Type-checking: `pulumi up` type-checks a TypeScript program with ts-node unless
 * PULUMI_NODEJS_TRANSPILE_ONLY is set. With @pulumi/aws, examples/same-account took 80 s type-checked
 * against 22 s transpiled on a shared 2-core machine (about 11 s of CPU transpiled, 6 s of it
 * TypeScript transpiling the library's sources). The runs here transpile only; `npm run lint`
 * type-checks every example (tsconfig.json includes examples/), so no type error goes unnoticed.
 *
 * Runs go two at a time (the machine has 2 cores); a run that reads another stack waits for it.
 */
import * as path from "path";
import { RunOptions, RunResult, runPulumiProgram, startPulumiProgram } from "../support/pulumiProgram";

export const REPO = path.resolve(__dirname, "../..");
export const WORKLOAD_ACCOUNT = "111111111111";
export const ARCHIVE_ACCOUNT = "222222222222";
const PARALLEL = 2;

/** The outputs a dynamic ExportTask's provider returns on create (the engine merges them into its state). */
function exportTaskOutputs(r: { type: string; name: string; inputs: Record<string, unknown> }): Record<string, unknown> | undefined {
    if (r.type !== "pulumi-nodejs:dynamic/cwlogs:ExportTask") {
        return undefined;
    }
    const taskId = `task-${r.name}`;
    return { taskId, status: "COMPLETED", exportLocation: `s3://${r.inputs.destination}/${r.inputs.destinationPrefix ?? "exportedlogs"}/${taskId}` };
}

let slots = PARALLEL;
const waiting: (() => void)[] = [];
async function limited<T>(fn: () => Promise<T>): Promise<T> {
    if (slots === 0) {
        await new Promise<void>(resolve => waiting.push(resolve));
    } else {
        slots--;
    }
    try {
        return await fn();
    } finally {
        const next = waiting.shift();
        if (next) {
            next();
        } else {
            slots++;
        }
    }
}

function run(options: RunOptions, expectFailure = false): Promise<RunResult> {
    const start = expectFailure ? startPulumiProgram : runPulumiProgram;
    return limited(() => start({
        ...options,
        dir: path.join(REPO, options.dir),
        env: { PULUMI_NODEJS_TRANSPILE_ONLY: "true", ...options.env },
        monitor: { computed: exportTaskOutputs, ...options.monitor },
    }));
}

const cache = new Map<string, Promise<RunResult>>();
function once(key: string, start: () => Promise<RunResult>): Promise<RunResult> {
    let p = cache.get(key);
    if (p === undefined) {
        p = start();
        // Awaited by the tests later; a failure is reported there, not as an unhandled rejection.
        p.catch(() => undefined);
        cache.set(key, p);
    }
    return p;
}

export const runs = {
    /** `pulumi preview` at the repository root (Pulumi.yaml: the same-account walkthrough). */
    rootPreview: () => once("root-preview", () => run({ dir: ".", dryRun: true })),
    /** `pulumi up` in examples/same-account. */
    sameAccount: () => once("same-account", () => run({ dir: "examples/same-account" })),
    /** `pulumi up` in examples/v2-delivery. */
    v2Delivery: () => once("v2-delivery", () => run({ dir: "examples/v2-delivery" })),
    /** Cross-account export, step 1: the workload's caller role alone (`phase=role`), which the archive names. */
    exportWorkloadRole: () => once("export-workload-role", () => run({
        dir: "examples/cross-account-export/workload", config: { phase: "role" }, monitor: { accountId: WORKLOAD_ACCOUNT },
    })),
    /** Step 2: the archive, in its own account, reading the workload stack's caller roles. */
    exportArchive: () => once("export-archive", async () => {
        const workload = await runs.exportWorkloadRole();
        return run({
            dir: "examples/cross-account-export/archive",
            monitor: { accountId: ARCHIVE_ACCOUNT, stacks: { "acme/cwlogs-export-workload/dev": workload.monitor.wireStackOutputs } },
        });
    }),
    /** Step 3: the workload again with its stack file (`phase=export`), reading the archive stack. */
    exportWorkload: () => once("export-workload", async () => {
        const archive = await runs.exportArchive();
        return run({
            dir: "examples/cross-account-export/workload",
            monitor: { accountId: WORKLOAD_ACCOUNT, stacks: { "acme/cwlogs-export-archive/dev": archive.monitor.wireStackOutputs } },
        });
    }),
    /** Step 3 with `scheduledExport: true`: the workload adds a ScheduledExport into the archive's bucket. */
    exportWorkloadScheduled: () => once("export-workload-scheduled", async () => {
        const archive = await runs.exportArchive();
        return run({
            dir: "examples/cross-account-export/workload", config: { scheduledExport: true },
            monitor: { accountId: WORKLOAD_ACCOUNT, stacks: { "acme/cwlogs-export-archive/dev": archive.monitor.wireStackOutputs } },
        });
    }),
    /** Step 4: the archive again, reading that workload stack, whose callerRoleArns now lists the scheduled export's role. */
    exportArchiveScheduled: () => once("export-archive-scheduled", async () => {
        const workload = await runs.exportWorkloadScheduled();
        return run({
            dir: "examples/cross-account-export/archive",
            monitor: { accountId: ARCHIVE_ACCOUNT, stacks: { "acme/cwlogs-export-workload/dev": workload.monitor.wireStackOutputs } },
        });
    }),
    /**
     * Step 2 against a workload stack whose `callerRoleArns` output is malformed: bad input that only
     * exists once an output resolves, so the error is thrown inside an `apply` (exit code not checked).
     */
    exportArchiveBadWorkload: () => once("export-archive-bad-workload", () => run({
        dir: "examples/cross-account-export/archive",
        monitor: { accountId: ARCHIVE_ACCOUNT, stacks: { "acme/cwlogs-export-workload/dev": { callerRoleArns: ["arn:aws:iam::1111:role/caller"] } } },
        timeoutMs: 90_000,
    }, true)),
    /** `pulumi up` in examples/multi-account, reading the same archive stack. */
    multiAccount: () => once("multi-account", async () => {
        const archive = await runs.exportArchive();
        return run({
            dir: "examples/multi-account",
            monitor: { accountId: WORKLOAD_ACCOUNT, stacks: { "acme/cwlogs-export-archive/dev": archive.monitor.wireStackOutputs } },
        });
    }),
    /** examples/multi-account with no account in config: a program error (exit code not checked). */
    multiAccountWithoutAccounts: () => once("multi-account-no-accounts", () => run({
        dir: "examples/multi-account", config: { accounts: [] },
    }, true)),
    /** `pulumi up` in examples/scheduled-export (its ScheduledExport's code archive is the built bundle). */
    scheduledExport: () => once("scheduled-export", () => run({ dir: "examples/scheduled-export" })),
    /** The same with `alertTopicArn` set: the ScheduledExport's alarms. */
    scheduledExportAlarm: () => once("scheduled-export-alarm", () => run({
        dir: "examples/scheduled-export", config: { alertTopicArn: "arn:aws:sns:us-east-1:123456789012:ops-alerts" },
    })),
    /** Cross-account delivery: the archive (account B) first... */
    deliveryArchive: () => once("delivery-archive", () => run({
        dir: "examples/cross-account-delivery/archive", monitor: { accountId: ARCHIVE_ACCOUNT },
    })),
    /** ...then the workload (account A), reading it. */
    deliveryWorkload: () => once("delivery-workload", async () => {
        const archive = await runs.deliveryArchive();
        return run({
            dir: "examples/cross-account-delivery/workload",
            monitor: { accountId: WORKLOAD_ACCOUNT, stacks: { "acme/cwlogs-delivery-archive/dev": archive.monitor.wireStackOutputs } },
        });
    }),
};

/** Starts every run (each waits for what it reads); the tests then await the ones they check. */
export function startAll(): void {
    // The heads of the longest chains first, so the chains' later runs do not wait at the end.
    for (const start of [runs.exportWorkloadRole, runs.deliveryArchive, runs.sameAccount, runs.rootPreview, runs.v2Delivery, runs.scheduledExport,
        runs.exportArchive, runs.exportWorkload, runs.exportWorkloadScheduled, runs.exportArchiveScheduled, runs.multiAccount, runs.deliveryWorkload, runs.multiAccountWithoutAccounts, runs.exportArchiveBadWorkload]) {
        start();
    }
}
