/** The terminal-screen model tests/support/terminal.ts, used to replay the CLI's terminal output. */
import * as assert from "assert";
import { Screen } from "../support/terminal";

describe("terminal screen model (test support)", () => {
    it("prints, wraps at the width, and scrolls lines off the top into the scrollback", () => {
        const s = new Screen(3, 5);
        s.write("abcdefg\r\nxy\r\nz\r\nlast");
        assert.deepStrictEqual(s.scrollback, ["abcde", "fg"]);
        assert.deepStrictEqual(s.screen(), ["xy", "z", "last"]);
        assert.deepStrictEqual(s.transcript(), ["abcde", "fg", "xy", "z", "last"]);
    });

    it("moves the cursor up and erases to the end of the screen (a redraw in place)", () => {
        const s = new Screen(5, 20);
        s.write("log 1\r\nbar A\r\nbar B\r\n");
        s.write("\x1b[2A\x1b[0Jlog 2\r\nbar C\r\n");
        assert.deepStrictEqual(s.transcript(), ["log 1", "log 2", "bar C"]);
        assert.strictEqual(s.lostUps, 0);
    });

    it("erases in line (K) and ignores colours and private modes", () => {
        const s = new Screen(2, 20);
        s.write("\x1b[?25l\x1b[1mhello\x1b[0m world\r\x1b[2K\x1b[31mok\x1b[0m");
        assert.deepStrictEqual(s.screen(), ["ok", ""]);
        s.write("\r\nabcdef\x1b[3D\x1b[K");
        assert.deepStrictEqual(s.screen(), ["ok", "abc"]);
    });

    it("shows the stale lines a block taller than the screen leaves: cursor-up cannot reach scrolled-off rows", () => {
        const s = new Screen(4, 20);
        const block = (n: string): string => ["1", "2", "3", "4", "5"].map(i => `bar ${i}${n}`).join("\r\n") + "\r\n";
        s.write(block("a"));
        s.write(`\x1b[5A\x1b[0J${block("b")}`);
        s.write("\x1b[5A\x1b[0Jsummary\r\n");
        assert.ok(s.lostUps > 0);
        assert.ok(s.transcript().some(l => l.startsWith("bar ")), "stale bars remain above the summary");
        const fits = new Screen(4, 20);
        const small = (n: string): string => `bar 1${n}\r\nbar 2${n}\r\n`;
        fits.write(small("a"));
        fits.write(`\x1b[2A\x1b[0J${small("b")}`);
        fits.write("\x1b[2A\x1b[0Jsummary\r\n");
        assert.deepStrictEqual(fits.transcript(), ["summary"]);
        assert.strictEqual(fits.lostUps, 0);
    });
});
