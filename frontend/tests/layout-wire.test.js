import { test } from 'node:test';
import assert from 'node:assert/strict';
import { layoutGraph } from '../js/model/layout.js';
import { placeEdgeLabels } from '../js/model/geometry.js';
import { packLayout, unpackLayout } from '../js/model/layout-wire.js';
import { randomLayeredDag } from './helpers.js';

function laidOut({ nodes, edges }, opts) {
  const layout = layoutGraph(nodes, edges, opts);
  layout.labels = placeEdgeLabels(layout, edges.map((e) => ({ id: e.id, width: 90, height: 18 })));
  return layout;
}

test('a packed layout unpacks to the same layout, and its arrays can be transferred', () => {
  const g = randomLayeredDag(600, { layers: 40, seed: 5 });
  // A self loop and an edge to an unknown node: left out of the layout, kept out after the trip.
  g.edges.push({ id: 'loop', source: g.nodes[3].id, target: g.nodes[3].id }, { id: 'lost', source: g.nodes[0].id, target: 'nowhere' });
  // A small dummy budget leaves the longest edges as stubs (ghosts); wide labels find no room everywhere.
  const layout = laidOut(g, { dummyBudget: 200, view: { width: 1200, height: 700 } });
  assert.ok(layout.ghosts.size > 0, 'some ghosts');
  assert.ok([...layout.labels.values()].some((l) => l === null), 'some labels without a place');
  const nodeIds = g.nodes.map((n) => n.id);
  const edgeIds = g.edges.map((e) => e.id);
  const { packed, transfer } = packLayout(layout, nodeIds, edgeIds);
  const moved = structuredClone(packed, { transfer });
  assert.ok(transfer.every((b) => b.byteLength === 0), 'the buffers were moved, not copied');
  assert.deepEqual(unpackLayout(moved, nodeIds, edgeIds), layout);
});

test('a layout without labels unpacks without them', () => {
  const g = randomLayeredDag(50, { layers: 8, seed: 2 });
  const layout = layoutGraph(g.nodes, g.edges);
  const nodeIds = g.nodes.map((n) => n.id);
  const edgeIds = g.edges.map((e) => e.id);
  const back = unpackLayout(packLayout(layout, nodeIds, edgeIds).packed, nodeIds, edgeIds);
  assert.equal('labels' in back, false);
  assert.deepEqual(back, layout);
});
