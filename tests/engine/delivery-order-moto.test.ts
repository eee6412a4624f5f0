/**
 * Deliveries that share a destination and a source, driven through moto in the order the Pulumi
 * engine would run them (issue 12, "ordered so AWS does not answer ConflictException").
 *
 * Four knowledge bases deliver to one shared S3 destination, two of them also to one shared CloudWatch
 * Logs destination. The components are built under mocks; every delivery-API resource they register
 * (destinations, sources, deliveries) is then created against moto by a small scheduler that does
 * what the engine does: it starts every resource whose dependencies are done, all at once, and on
 * destroy deletes a resource once everything that depends on it is deleted.
 *
 * What answers:
 * - moto 5 (moto/logs/models.py) models the delivery APIs, "The specified Delivery already exists"
 *   and "Delivery already exists for this Delivery Source with the same Delivery Destination Type"
 *   (ConflictException), and the refusal of a new outputFormat for an existing destination
 *   (ValidationException). It answers calls one by one, so it cannot model concurrency.
 * - AWS answers "ConflictException: Requested resource is currently being updated. Please try again
 *   later." to an operation on a delivery source or destination while another is under way
 *   (terraform-provider-aws #42194 and #42947, CreateDelivery in loops and in parallel). A middleware
 *   on the SDK client plays that part: it holds each CreateDelivery/DeleteDelivery 40 ms and answers
 *   that ConflictException to a call that overlaps one on the same source or destination. A control
 *   run without the components' ordering proves that it does.
 */
import * as assert from "assert";
import {
    CloudWatchLogsClient, CreateDeliveryCommand, DeleteDeliveryCommand, DeleteDeliveryDestinationCommand, DeleteDeliverySourceCommand,
    DescribeDeliveriesCommand, DescribeDeliveryDestinationsCommand, DescribeDeliverySourcesCommand, PutDeliveryDestinationCommand,
    PutDeliverySourceCommand, S3DeliveryConfiguration,
} from "@aws-sdk/client-cloudwatch-logs";
import type * as Delivery from "../../components/delivery";
import type * as Order from "../../components/delivery/deliveryOrder";
import { deliveryState } from "../support/deliveryState";
import { InstalledMocks, installMocks, Recorded, valueOf } from "../support/mocks";
import { Moto, MOTO_ACCOUNT, startMoto } from "../support/moto";

const REGION = "us-east-1";
const kb = (id: string) => `arn:aws:bedrock:${REGION}:${MOTO_ACCOUNT}:knowledge-base/${id}`;
const DESTINATION = "aws:cloudwatch/logDeliveryDestination:LogDeliveryDestination";
const SOURCE = "aws:cloudwatch/logDeliverySource:LogDeliverySource";
const DELIVERY = "aws:cloudwatch/logDelivery:LogDelivery";
const CONFLICT = "Requested resource is currently being updated. Please try again later.";

/** Name a resource gets from the provider (tests/support/deliveryState.ts). */
const nameOf = (r: Recorded) => (r.inputs.name as string | undefined) ?? `${r.name}-x1`;

/** The engine's concurrency over a dependency graph: every ready resource at once. */
async function runGraph(nodes: Recorded[], deps: (r: Recorded) => string[], op: (r: Recorded) => Promise<void>): Promise<{ order: string[]; errors: Error[] }> {
    const done = new Set<string>();
    const started = new Set<string>();
    const order: string[] = [];
    const errors: Error[] = [];
    const inGraph = new Set(nodes.map(n => n.urn));
    await new Promise<void>(resolve => {
        const pump = () => {
            const ready = nodes.filter(n => !started.has(n.urn) && deps(n).filter(d => inGraph.has(d)).every(d => done.has(d)));
            if (ready.length === 0 && started.size === done.size) {
                resolve();
                return;
            }
            for (const n of ready) {
                started.add(n.urn);
                op(n).catch((e: Error) => { errors.push(e); }).finally(() => {
                    // A failed resource counts as done so the run ends (the engine would stop; the count is what is asserted).
                    done.add(n.urn);
                    order.push(n.name);
                    pump();
                });
            }
        };
        pump();
    });
    return { order, errors };
}

describe("deliveries sharing a source and a destination, through moto in the engine's order", function () {
    this.timeout(120_000);
    let moto: Moto;
    let logs: CloudWatchLogsClient;
    let m: InstalledMocks;
    /** CreateDelivery/DeleteDelivery calls under way, by source name and destination ARN. */
    const busy = new Map<string, number>();
    let inFlight = 0;
    let maxInFlight = 0;
    const conflicts: string[] = [];
    /** Delivery id -> its source and destination (DeleteDelivery names only the id). */
    const deliveryOf = new Map<string, { source: string; destination: string }>();
    /** Created delivery id, by registered resource name. */
    const ids = new Map<string, string>();

    const graph = () => [...m.ofType(DESTINATION), ...m.ofType(SOURCE), ...m.ofType(DELIVERY)];

    async function create(r: Recorded): Promise<void> {
        const i = r.inputs;
        if (r.type === DESTINATION) {
            await logs.send(new PutDeliveryDestinationCommand({
                name: nameOf(r), outputFormat: i.outputFormat as "json" | undefined,
                deliveryDestinationConfiguration: i.deliveryDestinationConfiguration as { destinationResourceArn: string },
            }));
        } else if (r.type === SOURCE) {
            await logs.send(new PutDeliverySourceCommand({ name: nameOf(r), resourceArn: i.resourceArn as string, logType: i.logType as string }));
        } else {
            const out = await logs.send(new CreateDeliveryCommand({
                deliverySourceName: i.deliverySourceName as string, deliveryDestinationArn: i.deliveryDestinationArn as string,
                s3DeliveryConfiguration: (i.s3DeliveryConfigurations as S3DeliveryConfiguration[] | undefined)?.[0],
            }));
            ids.set(r.name, out.delivery!.id!);
        }
    }

    async function destroy(r: Recorded): Promise<void> {
        if (r.type === DELIVERY) {
            await logs.send(new DeleteDeliveryCommand({ id: ids.get(r.name)! }));
        } else if (r.type === SOURCE) {
            await logs.send(new DeleteDeliverySourceCommand({ name: nameOf(r) }));
        } else {
            await logs.send(new DeleteDeliveryDestinationCommand({ name: nameOf(r) }));
        }
    }

    /** Destroy order: a resource goes once everything that depends on it is gone. */
    function dependents(nodes: Recorded[]): (r: Recorded) => string[] {
        return r => nodes.filter(n => n.dependencies.includes(r.urn)).map(n => n.urn);
    }

    before(async () => {
        moto = await startMoto();
        logs = new CloudWatchLogsClient({ endpoint: moto.endpoint, region: REGION, credentials: moto.credentials });
        logs.middlewareStack.add((next, context) => async args => {
            const command = (context as { commandName?: string }).commandName;
            if (command !== "CreateDeliveryCommand" && command !== "DeleteDeliveryCommand") {
                return next(args);
            }
            const input = args.input as { deliverySourceName?: string; deliveryDestinationArn?: string; id?: string };
            const target = input.id !== undefined ? deliveryOf.get(input.id) : { source: input.deliverySourceName!, destination: input.deliveryDestinationArn! };
            if (target === undefined) {
                return next(args);
            }
            const keys = [`source:${target.source}`, `destination:${target.destination}`];
            if (keys.some(k => (busy.get(k) ?? 0) > 0)) {
                conflicts.push(`${command} ${target.source} -> ${target.destination}`);
                throw Object.assign(new Error(CONFLICT), { name: "ConflictException" });
            }
            keys.forEach(k => busy.set(k, (busy.get(k) ?? 0) + 1));
            maxInFlight = Math.max(maxInFlight, ++inFlight);
            try {
                await new Promise(r => setTimeout(r, 40));
                const result = await next(args);
                const id = (result.output as { delivery?: { id?: string } }).delivery?.id;
                if (id !== undefined) {
                    deliveryOf.set(id, target);
                }
                return result;
            } finally {
                inFlight--;
                keys.forEach(k => busy.set(k, busy.get(k)! - 1));
            }
        }, { step: "initialize", name: "awsConflictOnConcurrentDeliveryOperations" });

        m = installMocks({ accountId: MOTO_ACCOUNT, region: REGION, state: deliveryState(MOTO_ACCOUNT, REGION) });
        const D = require("../../components/delivery") as typeof Delivery;
        (require("../../components/delivery/deliveryOrder") as typeof Order).resetDeliveryOrder();
        const archive = new D.DeliveryDestination("ord-archive", { s3: {}, outputFormat: "json" });
        const search = new D.DeliveryDestination("ord-search", { cloudWatchLogs: { logGroupName: "/aws/vendedlogs/ord", createLogGroup: false }, outputFormat: "json" });
        const plan: Record<string, ("archive" | "search")[]> = { KB00000001: ["archive", "search"], KB00000002: ["archive"], KB00000003: ["search", "archive"], KB00000004: ["archive"] };
        const sources = Object.entries(plan).map(([id, to], n) => new D.DeliverySource(`ord-${n + 1}`, {
            resourceArn: kb(id), logType: "APPLICATION_LOGS",
            deliveries: Object.fromEntries(to.map(k => [k, k === "archive"
                ? { destinationArn: archive.destinationArn, suffixPath: `${id}/{yyyy}/{MM}/{dd}`, enableHiveCompatiblePath: false }
                : { destinationArn: search.destinationArn }])),
        }));
        for (const s of sources) {
            await valueOf(s.deliveryArns);
        }
        await m.settled();
    });
    after(async () => { await moto?.stop(); });

    it("the components' order: every delivery created with no ConflictException, unrelated deliveries still side by side", async () => {
        assert.strictEqual(m.ofType(DELIVERY).length, 6);
        const run = await runGraph(graph(), r => r.dependencies, create);
        assert.deepStrictEqual(run.errors.map(e => e.message), []);
        assert.deepStrictEqual(conflicts, []);
        const listed = (await logs.send(new DescribeDeliveriesCommand({}))).deliveries ?? [];
        assert.strictEqual(listed.length, 6);
        // Four deliveries to the archive, one after the other in program order (sources 1, 2, 3, 4).
        const toArchive = run.order.filter(n => n.endsWith("-delivery-archive"));
        assert.deepStrictEqual(toArchive, ["ord-1-delivery-archive", "ord-2-delivery-archive", "ord-3-delivery-archive", "ord-4-delivery-archive"]);
        // Not everything is serialised: deliveries that share nothing ran at the same time.
        assert.ok(maxInFlight >= 2, `at most ${maxInFlight} delivery call at a time`);
    });

    it("destroy in the engine's reverse order: deliveries one by one per destination, then sources and destinations; moto is left empty", async () => {
        const nodes = graph();
        const run = await runGraph(nodes, dependents(nodes), destroy);
        assert.deepStrictEqual(run.errors.map(e => e.message), []);
        assert.deepStrictEqual(conflicts, []);
        assert.deepStrictEqual((await logs.send(new DescribeDeliveriesCommand({}))).deliveries ?? [], []);
        assert.deepStrictEqual((await logs.send(new DescribeDeliverySourcesCommand({}))).deliverySources ?? [], []);
        assert.deepStrictEqual((await logs.send(new DescribeDeliveryDestinationsCommand({}))).deliveryDestinations ?? [], []);
    });

    it("control: the same resources without the order between deliveries meet ConflictException", async () => {
        const withoutOrder = (r: Recorded) => r.type === DELIVERY ? r.dependencies.filter(d => !m.ofType(DELIVERY).some(x => x.urn === d)) : r.dependencies;
        const run = await runGraph(graph(), withoutOrder, create);
        assert.ok(conflicts.length >= 1, "no conflict without the order: the check above proves nothing");
        assert.ok(run.errors.every(e => e.message === CONFLICT));
        assert.strictEqual(run.errors.length, conflicts.length);
        // Clean up for the next test.
        for (const d of (await logs.send(new DescribeDeliveriesCommand({}))).deliveries ?? []) {
            await logs.send(new DeleteDeliveryCommand({ id: d.id! }));
        }
        conflicts.length = 0;
    });

    it("a delivery replaced create-first meets ConflictException (one delivery per source and destination type); delete-first, as registered, succeeds", async () => {
        const source = nameOf(m.named("ord-2-source"));
        const oldArn = m.named("ord-2-delivery-archive").inputs.deliveryDestinationArn as string;
        const old = await logs.send(new CreateDeliveryCommand({ deliverySourceName: source, deliveryDestinationArn: oldArn }));
        // The replacement destination: another S3 destination (a new ARN replaces the delivery).
        const replacement = await logs.send(new PutDeliveryDestinationCommand({
            name: "ord-archive-2", deliveryDestinationConfiguration: { destinationResourceArn: "arn:aws:s3:::ord-archive-2" },
        }));
        const newArn = replacement.deliveryDestination!.arn!;
        await assert.rejects(logs.send(new CreateDeliveryCommand({ deliverySourceName: source, deliveryDestinationArn: newArn })), (e: Error) => {
            assert.strictEqual(e.name, "ConflictException");
            assert.strictEqual(e.message, "Delivery already exists for this Delivery Source with the same Delivery Destination Type.");
            return true;
        });
        assert.strictEqual(m.named("ord-2-delivery-archive").options!.deleteBeforeReplace, true);
        await logs.send(new DeleteDeliveryCommand({ id: old.delivery!.id! }));
        const created = await logs.send(new CreateDeliveryCommand({ deliverySourceName: source, deliveryDestinationArn: newArn }));
        assert.strictEqual(created.delivery!.deliveryDestinationArn, newArn);
        await logs.send(new DeleteDeliveryCommand({ id: created.delivery!.id! }));
    });

    it("a new outputFormat for an existing destination is refused in place; the delete-first replacement the component registers succeeds", async () => {
        const dest = m.named("ord-archive-destination");
        const config = dest.inputs.deliveryDestinationConfiguration as { destinationResourceArn: string };
        await assert.rejects(logs.send(new PutDeliveryDestinationCommand({ name: nameOf(dest), outputFormat: "parquet", deliveryDestinationConfiguration: config })), (e: Error) => {
            assert.strictEqual(e.name, "ValidationException");
            assert.strictEqual(e.message, "Update to existing Delivery Destination with new Output Format is not allowed. Please create a new Delivery Destination instead.");
            return true;
        });
        // The registration: a change of outputFormat is a replacement, never an update.
        assert.deepStrictEqual(dest.options!.replaceOnChanges, ["outputFormat"]);
        // The replacement: the delivery to it goes first (its ARN is replaced too), then the destination.
        const source = nameOf(m.named("ord-2-source"));
        const d = await logs.send(new CreateDeliveryCommand({ deliverySourceName: source, deliveryDestinationArn: `arn:aws:logs:${REGION}:${MOTO_ACCOUNT}:delivery-destination:${nameOf(dest)}` }));
        await logs.send(new DeleteDeliveryCommand({ id: d.delivery!.id! }));
        await logs.send(new DeleteDeliveryDestinationCommand({ name: nameOf(dest) }));
        const put = await logs.send(new PutDeliveryDestinationCommand({ name: nameOf(dest), outputFormat: "parquet", deliveryDestinationConfiguration: config }));
        assert.strictEqual(put.deliveryDestination!.outputFormat, "parquet");
        const again = await logs.send(new CreateDeliveryCommand({ deliverySourceName: source, deliveryDestinationArn: put.deliveryDestination!.arn! }));
        assert.ok(again.delivery!.id);
    });
});
