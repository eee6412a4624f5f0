/**
 * Mocha root hooks (loaded by .mocharc.json for every test file): after each test, no command line
 * a test started is left running. See {@link killLeftoverClis}.
 */
import { killLeftoverClis } from "./cli";

export const mochaHooks = {
    async afterEach(this: Mocha.Context): Promise<void> {
        const killed = await killLeftoverClis();
        if (killed > 0 && this.currentTest?.state === "passed") {
            throw new Error(`${killed} command line process(es) this test started were still running when it ended`);
        }
    },
};
