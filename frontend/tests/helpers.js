// Test helpers: fixtures (answers of the real API, tests/test_frontend_fixtures.py) and generated graphs.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const here = dirname(fileURLToPath(import.meta.url));

export function fixture(name) {
  return JSON.parse(readFileSync(join(here, 'fixtures', name), 'utf8'));
}

const node = (id, op, extra = {}) => ({
  id, op, label: extra.name ?? op, name: null, kind: 'op', value: 1.0, grad: 1.0, tangent: null,
  shape: [], group: null, nonfinite: false, reason: null, ...extra,
});

/**
 * A ladder of k diamonds: x -> (s*1, s*1) -> sum -> ... ; 2^k paths from x to the output, every
 * local derivative 1 (so the gradient is 2^k).
 */
export function ladderGraph(k) {
  const nodes = [node('n0', 'leaf', { name: 'x', label: 'x', kind: 'input', grad: 2 ** k })];
  const edges = [];
  let s = 'n0';
  let id = 1;
  const edge = (source, target, arg) => {
    edges.push({ id: `e${edges.length}`, source, target, arg, local: 1.0, local_reason: null });
  };
  for (let i = 0; i < k; i++) {
    const p = `n${id++}`;
    const q = `n${id++}`;
    const m = `n${id++}`;
    const g = 2 ** (k - i - 1);
    nodes.push(node(p, 'neg', { grad: g }), node(q, 'exp', { grad: g }), node(m, 'add', { grad: g }));
    edge(s, p, 0);
    edge(s, q, 0);
    edge(p, m, 0);
    edge(q, m, 1);
    s = m;
  }
  const out = nodes[nodes.length - 1];
  out.name = 'y';
  return {
    nodes, edges, groups: [], output: s,
    stats: { nodes: nodes.length, edges: edges.length, path_counts: { n0: (2n ** BigInt(k)).toString() } },
  };
}

/**
 * A random layered DAG for tests and the benchmark: `n` nodes in `layers` layers, each node after the
 * first layer gets 1..maxIn parents from the previous `reach` layers. Deterministic for a seed.
 */
export function randomLayeredDag(n, { layers = 50, maxIn = 3, reach = 3, seed = 1 } = {}) {
  let state = seed >>> 0 || 1;
  const rand = () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 4294967296;
  };
  const perLayer = Math.ceil(n / layers);
  const nodes = [];
  const edges = [];
  for (let i = 0; i < n; i++) {
    nodes.push({ id: `n${i}`, width: 60 + Math.floor(rand() * 60), height: 44, kind: i < perLayer ? 'input' : 'op' });
  }
  for (let i = perLayer; i < n; i++) {
    const l = Math.floor(i / perLayer);
    const k = 1 + Math.floor(rand() * maxIn);
    for (let j = 0; j < k; j++) {
      const back = 1 + Math.floor(rand() * Math.min(reach, l));
      const lo = (l - back) * perLayer;
      const src = lo + Math.floor(rand() * perLayer);
      edges.push({ id: `e${edges.length}`, source: `n${src}`, target: `n${i}`, arg: j });
    }
  }
  return { nodes, edges };
}
