(global as any).describe = () => undefined;
// eslint-disable-next-line
const { simulate } = require("../tests/unit/engineTiming.test");
(async () => {
  for (const m of [60_000, 600_000, 3_600_000]) for (const sp of [0, 0.5]) for (const mode of ["together", "one-by-one"]) {
    const o = await simulate(m, sp, mode);
    console.log(m/60000, sp, mode, JSON.stringify(o, (k, v) => typeof v === "number" ? Math.round(v * 1000) / 1000 : v));
  }
})();
