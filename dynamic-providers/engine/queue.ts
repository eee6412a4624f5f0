/**
 * In-process queue around the one-active-task limit: creates for the same account and region run one
 * at a time. Kept on `globalThis` so every copy of the engine in one process (the dynamic-provider
 * host deserializes one per provider string) shares it.
 */

// A string, not a Symbol: Pulumi's closure serializer cannot serialize a captured Symbol.
const QUEUES_KEY = "__cwlogsExportEngineQueues";

type Queues = Map<string, Promise<void>>;

function queues(): Queues {
    const g = globalThis as unknown as Record<string, Queues | undefined>;
    let q = g[QUEUES_KEY];
    if (q === undefined) {
        q = new Map();
        g[QUEUES_KEY] = q;
    }
    return q;
}

/**
 * Waits for the slot `key`, then returns the function that frees it. Rejects with `onTimeout()`'s
 * error when the deadline comes first; the slot is then passed on as soon as it is reached.
 */
export async function acquireSlot(key: string, deadline: number, onTimeout: () => Error): Promise<() => void> {
    const q = queues();
    const previous = q.get(key) ?? Promise.resolve();
    let release: () => void = () => undefined;
    const mine = new Promise<void>(resolve => { release = resolve; });
    const tail = previous.then(() => mine);
    q.set(key, tail);
    const free = (): void => {
        release();
        if (q.get(key) === tail) {
            q.delete(key);
        }
    };
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<"timeout">(resolve => {
        timer = setTimeout(() => resolve("timeout"), Math.max(0, deadline - Date.now()));
    });
    const first = await Promise.race([previous.then(() => "ready" as const), timedOut]);
    clearTimeout(timer);
    if (first === "timeout") {
        void previous.then(free);
        throw onTimeout();
    }
    return free;
}

/** True when no create of `key` is queued or running in this process: {@link acquireSlot} would return at once. */
export function slotIdle(key: string): boolean {
    return !queues().has(key);
}

/** Number of keys with queued or running creates (for tests). */
export function queuedKeys(): number {
    return queues().size;
}
