/** Process environment for suites that point the AWS SDK (and the CLI) at a moto they start. */

/** The AWS settings a suite replaces: endpoint, credentials, region, profile and its files. */
export const AWS_ENV_KEYS: readonly string[] = [
    "AWS_ENDPOINT_URL", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_REGION", "AWS_DEFAULT_REGION",
    "AWS_PROFILE", "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE",
];

/**
 * Saves `keys`, removes them from `process.env`, sets `values`, and returns the function that puts
 * the saved values back (call it in `after`).
 */
export function replaceEnv(values: Record<string, string>, keys: readonly string[] = AWS_ENV_KEYS): () => void {
    const saved = new Map<string, string | undefined>();
    for (const k of new Set([...keys, ...Object.keys(values)])) {
        saved.set(k, process.env[k]);
        delete process.env[k];
    }
    Object.assign(process.env, values);
    return () => {
        for (const [k, v] of saved) {
            if (v === undefined) {
                delete process.env[k];
            } else {
                process.env[k] = v;
            }
        }
    };
}
