/**
 * Captures what an ExportTask sends to the engine, the way `pulumi up` produces it: a test program
 * under `pulumi.runtime.setMocks` constructs an ExportTask, and the mock's newResource receives its
 * inputs, the serialized provider `__provider` included.
 */
import * as pulumi from "@pulumi/pulumi";
import { ExportTask, ExportTaskArgs } from "../../dynamic-providers";

/** Constructs one ExportTask under mocks and returns the inputs the engine would receive. */
export async function captureExportTask(name: string, args: ExportTaskArgs): Promise<{ type: string; inputs: Record<string, unknown> }> {
    let captured: { type: string; inputs: Record<string, unknown> } | undefined;
    await pulumi.runtime.setMocks({
        newResource(a: pulumi.runtime.MockResourceArgs) {
            if (a.name === name) {
                captured = { type: a.type, inputs: a.inputs as Record<string, unknown> };
            }
            return { id: `${a.name}-id`, state: a.inputs };
        },
        call(a: pulumi.runtime.MockCallArgs) {
            return a.inputs;
        },
    }, "project", "stack", false);
    const task = new ExportTask(name, args);
    await new Promise<void>(resolve => task.urn.apply(() => resolve()));
    for (let i = 0; i < 100 && captured === undefined; i++) {
        await new Promise(r => setTimeout(r, 20));
    }
    if (captured === undefined) {
        throw new Error("the mock never received the ExportTask");
    }
    return captured;
}

/** The serialized provider string of an ExportTask. */
export async function captureSerializedProvider(): Promise<string> {
    const { inputs } = await captureExportTask("capture", {
        logGroupName: "/capture/group", from: 1_700_000_000_000, to: 1_700_000_360_000, destination: "capture-bucket",
    });
    if (typeof inputs.__provider !== "string") {
        throw new Error("the mock never received __provider");
    }
    return inputs.__provider;
}
