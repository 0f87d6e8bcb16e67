import { test } from 'node:test';
import assert from 'node:assert/strict';
import { indexGraph, gradLeaves } from '../js/model/graph-model.js';
import {
  countPaths, pathsThroughEdges, costs, leafPathCounts, reverseSweep, forwardSweep, enumeratePaths, runningSums, checkPaths,
} from '../js/model/paths.js';
import { fixture, ladderGraph, randomLayeredDag } from './helpers.js';

test('diamond: two paths from b, one from a; counts match stats.path_counts', () => {
  const raw = fixture('diamond.graph.json');
  const g = indexGraph(raw);
  assert.equal(countPaths(g, 'n1', 'n5'), 2n);
  assert.equal(countPaths(g, 'n0', 'n5'), 1n);
  const counts = leafPathCounts(g, gradLeaves(g).map((n) => n.id), g.output);
  for (const [id, c] of counts) assert.equal(c.toString(), raw.stats.path_counts[id]);
});

test('ladder of 30 diamonds: 2^30 paths, exactly; 2^64 beyond Number precision', () => {
  const g = indexGraph(ladderGraph(30));
  assert.equal(countPaths(g, 'n0', g.output), 1073741824n);
  const g64 = indexGraph(ladderGraph(64));
  assert.equal(countPaths(g64, 'n0', g64.output), 18446744073709551616n);
});

test('paths through edges and the cost of enumerating every path', () => {
  const g = indexGraph(fixture('diamond.graph.json'));
  const through = pathsThroughEdges(g, ['n1'], 'n5');
  assert.deepEqual(Object.fromEntries([...through].map(([k, v]) => [k, Number(v)])), {
    e0: 0, e1: 1, e2: 1, e3: 0, e4: 1, e5: 1,
  });
  const c = costs(g, ['n1'], 'n5');
  assert.equal(c.paths, 2n);
  assert.equal(c.enumerate, 4n); // two paths of length 2
  assert.equal(c.reverse, 6n); // one per edge
  const all = costs(g, ['n0', 'n1'], 'n5');
  assert.equal(all.paths, 3n);
  assert.equal(all.enumerate, 6n);
});

test('enumerate cost equals the brute-force sum of path lengths on random DAGs', () => {
  for (let seed = 1; seed <= 5; seed++) {
    const { nodes, edges } = randomLayeredDag(60, { layers: 6, seed });
    const raw = { nodes: nodes.map((n) => ({ ...n, op: 'add' })), edges: edges.map((e) => ({ ...e, local: 1 })) };
    const g = indexGraph(raw);
    const out = g.order[g.order.length - 1];
    const inputs = g.order.slice(0, 3);
    let brute = 0n;
    let count = 0n;
    for (const x of inputs) {
      for (const p of enumeratePaths(g, x, out, 1e6)) {
        brute += BigInt(p.edges.length);
        count += 1n;
      }
    }
    const c = costs(g, inputs, out);
    assert.equal(c.enumerate, brute);
    assert.equal(c.paths, count);
  }
  // ladder of k diamonds: 2^k paths of length 2k
  const g = indexGraph(ladderGraph(40));
  assert.equal(costs(g, ['n0'], g.output).enumerate, 2n ** 40n * 80n);
});

test('reverse sweep reproduces the gradients, one multiplication per edge', () => {
  const g = indexGraph(fixture('diamond.graph.json'));
  const r = reverseSweep(g, 'n5');
  assert.equal(r.adjoint.get('n0'), 2);
  assert.equal(r.adjoint.get('n1'), 5);
  assert.equal(r.mults, 6);
  assert.equal(r.steps[0].node, 'n5');
  const order = r.steps.map((s) => s.node);
  // reverse topological: every node after all its consumers
  for (const e of g.edges) assert.ok(order.indexOf(e.target) < order.indexOf(e.source));
  const n = indexGraph(fixture('neuron-expanded.graph.json'));
  const rn = reverseSweep(n, n.output);
  for (const node of n.nodes) {
    if (node.grad !== null) assert.ok(Math.abs(rn.adjoint.get(node.id) - node.grad) < 1e-12, node.id);
  }
});

test('forward sweep from b gives the tangent db -> de = 5', () => {
  const g = indexGraph(fixture('diamond.graph.json'));
  const f = forwardSweep(g, 'n1');
  assert.equal(f.tangent.get('n5'), 5);
  assert.equal(f.tangent.get('n2'), 1);
  assert.equal(f.mults, 4);
});

test('enumeratePaths matches the paths fixture', () => {
  const g = indexGraph(fixture('diamond.graph.json'));
  const ps = enumeratePaths(g, 'n1', 'n5');
  const fx = fixture('diamond.paths-b.json');
  assert.deepEqual(ps, fx.paths.map(({ nodes, edges, factors, product }) => ({ nodes, edges, factors, product })));
  assert.deepEqual(runningSums(ps), [3, 5]);
});

test('checkPaths compares listed sum, gradient and finite difference', () => {
  const c = checkPaths(fixture('diamond.paths-b.json'));
  assert.equal(c.complete, true);
  assert.equal(c.agree, true);
  assert.equal(c.fdAgree, true);
  assert.equal(c.listedSum, 5);
  const truncated = { ...fixture('diamond.paths-b.json'), truncated: true, paths: [{ product: 3 }], listed_sum: 3, remainder: 2 };
  assert.equal(checkPaths(truncated).agree, true);
  const tiny = { ...fixture('diamond.paths-b.json'), paths: [{ product: 1e-20 }], listed_sum: 1e-20, gradient: 2e-20, finite_difference: 0 };
  assert.equal(checkPaths(tiny).agree, false);
  assert.equal(checkPaths(tiny).fdAgree, true); // below the finite-difference noise floor
  const zero = { ...tiny, paths: [{ product: 0 }], listed_sum: 0, gradient: 0 };
  assert.equal(checkPaths(zero).agree, true);
});
