// `npm run bench -- datatypes`: sending a 1000×1000 FLOAT64 matrix column by column between two ranks,
// with a vector type (the runtime packs), packing by hand in user code, and sending the contiguous rows
// of the same volume (the baseline, measured in the same run). Prints JSON lines with ratios.
import { emit, jsonLines, tsrun } from "./lib.ts";

const rows = jsonLines(process.execPath, [tsrun, "-np", "2", "bench/programs/columns.ts"]);
const base = rows.find((r) => r.mode === "contiguous rows")!.ms as number;
for (const r of rows)
  emit({
    bench: "datatypes",
    matrix: "1000x1000 float64",
    mode: r.mode,
    messages: 1000,
    ms: Number((r.ms as number).toFixed(1)),
    ratioToRows: Number(((r.ms as number) / base).toFixed(2)),
  });
