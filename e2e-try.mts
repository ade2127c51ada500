import { DEFAULT_E2E_OPTIONS, runE2eBench } from './bench/e2e-bench.ts';
import { formatFigure } from './bench/stats.ts';
const figures = await runE2eBench({ ...DEFAULT_E2E_OPTIONS, connections: Number(process.argv[2] ?? 20), rounds: Number(process.argv[3] ?? 8), targetRate: Number(process.argv[4] ?? 30000), log: (l) => console.error(l) });
for (const f of figures) console.log(formatFigure(f));
