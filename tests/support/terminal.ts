/**
 * A minimal terminal screen, enough to replay what the CLI writes to a terminal and see what a user
 * would see: printable text with autowrap, CR, LF (scrolling into a scrollback at the bottom),
 * backspace, tab, and the CSI sequences for cursor movement (A B C D G H f), erase in display (J) and
 * in line (K); other CSI sequences (colours, private modes) are ignored. No headless terminal
 * emulator is among the dependencies, so this model stands in; tests/unit/terminal.test.ts tests it.
 */
export class Screen {
    /** Lines scrolled off the top, oldest first (a real terminal keeps them in its scrollback). */
    readonly scrollback: string[] = [];
    private readonly grid: string[][];
    private row = 0;
    private col = 0;
    /** Cursor-up steps asked for above the top row: what the program meant to redraw but could not reach. */
    lostUps = 0;

    constructor(readonly rows: number, readonly cols: number) {
        this.grid = Array.from({ length: rows }, () => this.blank());
    }

    private blank(): string[] {
        return new Array<string>(this.cols).fill(" ");
    }

    private lineFeed(): void {
        if (this.row === this.rows - 1) {
            this.scrollback.push(this.grid.shift()!.join("").trimEnd());
            this.grid.push(this.blank());
        } else {
            this.row++;
        }
    }

    private put(ch: string): void {
        if (this.col >= this.cols) {
            this.col = 0;
            this.lineFeed();
        }
        this.grid[this.row][this.col++] = ch;
    }

    private csi(params: string, final: string): void {
        if (params.startsWith("?") || params.startsWith(">")) {
            return;
        }
        const nums = params.split(";").map(p => (p === "" ? undefined : Number(p)));
        const n = nums[0] ?? 1;
        switch (final) {
            case "A":
                if (n > this.row) {
                    this.lostUps += n - this.row;
                }
                this.row = Math.max(0, this.row - n);
                break;
            case "B":
                this.row = Math.min(this.rows - 1, this.row + n);
                break;
            case "C":
                this.col = Math.min(this.cols - 1, this.col + n);
                break;
            case "D":
                this.col = Math.max(0, this.col - n);
                break;
            case "G":
                this.col = Math.min(this.cols - 1, Math.max(0, n - 1));
                break;
            case "H":
            case "f":
                this.row = Math.min(this.rows - 1, Math.max(0, (nums[0] ?? 1) - 1));
                this.col = Math.min(this.cols - 1, Math.max(0, (nums[1] ?? 1) - 1));
                break;
            case "J": {
                const mode = nums[0] ?? 0;
                if (mode === 0) {
                    this.grid[this.row].fill(" ", Math.min(this.col, this.cols));
                    for (let r = this.row + 1; r < this.rows; r++) {
                        this.grid[r] = this.blank();
                    }
                } else if (mode === 1) {
                    for (let r = 0; r < this.row; r++) {
                        this.grid[r] = this.blank();
                    }
                    this.grid[this.row].fill(" ", 0, Math.min(this.col + 1, this.cols));
                } else {
                    for (let r = 0; r < this.rows; r++) {
                        this.grid[r] = this.blank();
                    }
                }
                break;
            }
            case "K": {
                const mode = nums[0] ?? 0;
                const line = this.grid[this.row];
                if (mode === 0) {
                    line.fill(" ", Math.min(this.col, this.cols));
                } else if (mode === 1) {
                    line.fill(" ", 0, Math.min(this.col + 1, this.cols));
                } else {
                    line.fill(" ");
                }
                break;
            }
            default:
                break; // SGR (m) and the rest change nothing this model shows
        }
    }

    /** Feeds terminal output. */
    write(data: string): void {
        for (let i = 0; i < data.length; i++) {
            const ch = data[i];
            if (ch === "\x1b") {
                if (data[i + 1] === "[") {
                    let j = i + 2;
                    while (j < data.length && !/[@-~]/.test(data[j])) {
                        j++;
                    }
                    this.csi(data.slice(i + 2, j), data[j] ?? "");
                    i = j;
                } else if (data[i + 1] === "]") {
                    // OSC: up to BEL or ST
                    let j = i + 2;
                    while (j < data.length && data[j] !== "\x07" && !(data[j] === "\x1b" && data[j + 1] === "\\")) {
                        j++;
                    }
                    i = data[j] === "\x1b" ? j + 1 : j;
                } else {
                    i++;
                }
            } else if (ch === "\r") {
                this.col = 0;
            } else if (ch === "\n") {
                this.lineFeed();
            } else if (ch === "\b") {
                this.col = Math.max(0, this.col - 1);
            } else if (ch === "\t") {
                this.col = Math.min(this.cols - 1, (Math.floor(this.col / 8) + 1) * 8);
            } else if (ch >= " " || ch > "\x7f") {
                this.put(ch);
            }
        }
    }

    /** The visible screen, one string per row, trailing spaces trimmed. */
    screen(): string[] {
        return this.grid.map(r => r.join("").trimEnd());
    }

    /** Scrollback then screen, without the empty rows at the bottom: everything the user can scroll through. */
    transcript(): string[] {
        const all = [...this.scrollback, ...this.screen()];
        while (all.length > 0 && all[all.length - 1] === "") {
            all.pop();
        }
        return all;
    }
}
