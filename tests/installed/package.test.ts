/**
 * What package.json promises a user, checked against what CI actually tests: the Node.js lines of
 * `engines` are the ones `.ci/run` runs the suite on, and the Pulumi peer ranges start at the
 * versions the tests run with (the lockfile's), so a range never claims an untested lower bound.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";

const REPO = path.resolve(__dirname, "..", "..");

interface PackageJson {
    engines: { node: string };
    peerDependencies: Record<string, string>;
    dependencies: Record<string, string>;
    devDependencies: Record<string, string>;
    repository?: { type: string; url: string };
    homepage?: string;
    bugs?: { url: string };
}

const pkg = JSON.parse(fs.readFileSync(path.join(REPO, "package.json"), "utf8")) as PackageJson;

/** The Node.js major lines `.ci/run` tests (its `LINES=(...)`). */
function ciLines(): number[] {
    const script = fs.readFileSync(path.join(REPO, ".ci", "run"), "utf8");
    const m = /^LINES=\(([\d ]+)\)$/m.exec(script);
    assert.ok(m, ".ci/run declares LINES=(...)");
    return m[1].trim().split(/\s+/).map(Number);
}

/** The major lines `engines.node` admits, from its `^N.x.y` alternatives. */
function engineLines(): number[] {
    return pkg.engines.node.split("||").map(alt => {
        const m = /^\s*\^(\d+)\.\d+\.\d+\s*$/.exec(alt);
        assert.ok(m, `engines.node alternative ${JSON.stringify(alt)} is a caret range`);
        return Number(m[1]);
    });
}

describe("package.json: what it promises is what CI tests", () => {
    it("engines.node lists exactly the Node.js lines .ci/run tests, and this run's Node.js is one of them", () => {
        assert.deepStrictEqual(engineLines(), ciLines());
        assert.ok(ciLines().includes(Number(process.versions.node.split(".")[0])), `Node.js ${process.version} is not a tested line`);
    });

    it("this run's Node.js satisfies the minimum of its engines line", () => {
        const major = Number(process.versions.node.split(".")[0]);
        const alt = pkg.engines.node.split("||").map(a => a.trim()).find(a => a.startsWith(`^${major}.`));
        assert.ok(alt);
        const [, minor, patch] = alt.slice(1).split(".").map(Number);
        const [, runMinor, runPatch] = process.versions.node.split(".").map(Number);
        assert.ok(runMinor > minor || (runMinor === minor && runPatch >= patch), `${process.version} is below ${alt}`);
    });

    for (const name of ["@pulumi/pulumi", "@pulumi/aws"]) {
        it(`${name} is a peer dependency whose range starts at the version the tests run with`, () => {
            assert.strictEqual(pkg.dependencies[name], undefined, `${name} must not also be a dependency (two copies of the SDK break resource registration)`);
            const peer = pkg.peerDependencies[name];
            assert.match(peer, /^\^\d+\.\d+\.\d+$/);
            assert.strictEqual(pkg.devDependencies[name], peer, "the tests install the peer range's lower bound");
            const installed = (JSON.parse(fs.readFileSync(path.join(REPO, "node_modules", name, "package.json"), "utf8")) as { version: string }).version;
            assert.strictEqual(installed, peer.slice(1), `installed ${name}@${installed}, but the peer range starts at ${peer.slice(1)}: move the range or the lockfile`);
        });
    }

    it("names where the project lives: repository, homepage, bugs", () => {
        assert.strictEqual(pkg.repository?.type, "git");
        assert.match(pkg.repository?.url ?? "", /^git\+https:\/\/github\.com\/[\w.-]+\/[\w.-]+\.git$/);
        const base = (pkg.repository?.url ?? "").replace(/^git\+/, "").replace(/\.git$/, "");
        assert.strictEqual(pkg.homepage, `${base}#readme`);
        assert.strictEqual(pkg.bugs?.url, `${base}/issues`);
    });
});
