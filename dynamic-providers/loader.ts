/**
 * What Pulumi serializes into state as the ExportTask's `__provider`: a shell whose methods load the
 * implementation (./provider, with the engine, validators and AWS module) from the installed
 * `cwlogs-export` package when the dynamic-provider host calls them.
 *
 * Why not capture the implementation: a create that fails after the task exists returns its
 * properties, `__provider` included, in gRPC trailers, and Node's HTTP/2 refuses header blocks over
 * 64 KiB; the host then never answers and `pulumi up` hangs. Captured, the provider was about 58 KB
 * (inlined from a symlinked package or this repository), so long inputs crossed that limit. The
 * shell is a few KB in every install shape.
 */
import { createRequire } from "module";
import { dirname } from "path";
import type * as pulumi from "@pulumi/pulumi";
import type { ExportTaskOutputs, ExportTaskProvider } from "./provider";
import type { ExportTaskInputs } from "./inputs";

/**
 * The package subpath of the implementation (package.json `exports`). State written by every
 * version of this package loads it by this name, so it stays, with the methods of ExportTaskProvider.
 */
const IMPLEMENTATION = "cwlogs-export/provider-runtime";

/**
 * Loads ExportTaskProvider the way the host would `require` a package: from the host's working
 * directory, which Pulumi sets to the program's folder. That finds the package in the program's
 * node_modules (installed or symlinked, as a monorepo links it), and inside a checkout of this
 * repository the package itself (Node's self-reference through `exports`), also from a folder with
 * a package.json of its own (an example). require-from-string, the host's loader, gives the
 * serialized code no file name, so its own `require` could not self-reference.
 */
function implementation(): ExportTaskProvider {
    let notFound = "";
    for (let dir = process.cwd(); ; dir = dirname(dir)) {
        // A directory with a trailing separator: Node resolves as from a file in it.
        const from = createRequire(`${dir}/`);
        let file: string | undefined;
        try {
            file = from.resolve(IMPLEMENTATION);
        } catch (e) {
            notFound ||= (e as Error).message.split("\n")[0];
        }
        if (file !== undefined) {
            const m = from(file) as { ExportTaskProvider: new () => ExportTaskProvider };
            return new m.ExportTaskProvider();
        }
        if (dirname(dir) === dir) {
            throw new Error(`ExportTask: the dynamic-provider host could not load ${IMPLEMENTATION} from ${process.cwd()}: ` +
                `install the package in the Pulumi program's folder (npm install cwlogs-export) and run pulumi there. (${notFound})`);
        }
    }
}

/** Implements `pulumi.dynamic.ResourceProvider` for `cwlogs:ExportTask` by delegating to ExportTaskProvider. */
export class ExportTaskProviderShell implements pulumi.dynamic.ResourceProvider<ExportTaskInputs, ExportTaskOutputs> {
    async check(olds: ExportTaskInputs, news: ExportTaskInputs): Promise<pulumi.dynamic.CheckResult<ExportTaskInputs>> {
        return implementation().check(olds, news);
    }

    async diff(id: string, olds: ExportTaskOutputs, news: ExportTaskInputs): Promise<pulumi.dynamic.DiffResult> {
        return implementation().diff(id, olds, news);
    }

    async create(inputs: ExportTaskInputs): Promise<pulumi.dynamic.CreateResult<ExportTaskOutputs>> {
        return implementation().create(inputs);
    }

    async read(id: string, props?: ExportTaskOutputs): Promise<pulumi.dynamic.ReadResult<ExportTaskOutputs>> {
        return implementation().read(id, props);
    }

    async update(id: string, olds: ExportTaskOutputs, news: ExportTaskInputs): Promise<pulumi.dynamic.UpdateResult<ExportTaskOutputs>> {
        return implementation().update(id, olds, news);
    }

    async delete(id: string, props: ExportTaskOutputs): Promise<void> {
        return implementation().delete(id, props);
    }
}
