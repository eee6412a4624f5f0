/**
 * The ExportTask provider's AssumeRole of `roleArn`: a caller role created in the same `pulumi up`
 * can be refused for a few seconds while IAM propagates it; the provider waits that out instead of
 * failing the export (it gives up after seven tries, about 21 s). Through the test proxy in front of moto.
 */
import * as assert from "assert";
import { clientBase } from "../../dynamic-providers/aws";
import { replaceEnv } from "../support/env";
import { Moto, startMoto } from "../support/moto";
import { Proxy, startProxy } from "../support/proxy";

const ROLE = "arn:aws:iam::222222222222:role/ExportCaller";

describe("ExportTask provider: AssumeRole of roleArn (proxy + moto)", function () {
    this.timeout(60_000);
    let moto: Moto;
    let proxy: Proxy;
    let restoreEnv: () => void = () => undefined;

    before(async () => {
        moto = await startMoto();
        proxy = await startProxy(moto.endpoint);
        restoreEnv = replaceEnv({ ...moto.env("us-east-1"), AWS_ENDPOINT_URL: proxy.endpoint });
    });
    after(async () => {
        restoreEnv();
        await proxy?.stop();
        await moto?.stop();
    });

    it("retries AccessDenied while a new role propagates, then returns the role's credentials and account", async () => {
        proxy.clear();
        proxy.inject("AssumeRole", "access-denied", "access-denied");
        const base = await clientBase({ region: "us-east-1", roleArn: ROLE });
        assert.strictEqual(proxy.count("AssumeRole"), 3);
        assert.ok(base.credentials?.accessKeyId !== undefined && base.credentials.accessKeyId !== "testing", "the role's, not the caller's");
        assert.strictEqual(base.account, "222222222222");
    });
});
