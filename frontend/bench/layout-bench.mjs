// Layout benchmark: a random layered 5,000-node DAG (override with: node layout-bench.mjs 20000).
// Prints milliseconds per layout (median of a few runs) and the layout's size.
import { layoutGraph } from '../js/model/layout.js';
import { randomLayeredDag } from '../tests/helpers.js';

const n = Number(process.argv[2] ?? 5000);
const runs = Number(process.argv[3] ?? 5);
const { nodes, edges } = randomLayeredDag(n, { layers: Math.max(2, Math.round(n / 80)), maxIn: 3, reach: 3, seed: 42 });
const times = [];
let L;
for (let i = 0; i < runs; i++) {
  const t0 = performance.now();
  L = layoutGraph(nodes, edges);
  times.push(performance.now() - t0);
}
times.sort((a, b) => a - b);
const median = times[Math.floor(times.length / 2)];
console.log(
  `layout: ${n} nodes, ${edges.length} edges, ${L.layers} layers, ${L.crossings} crossings -> ` +
    `median ${median.toFixed(1)} ms (min ${times[0].toFixed(1)} ms over ${times.length} runs)`,
);
