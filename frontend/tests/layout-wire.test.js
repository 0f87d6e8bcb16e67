import { test } from 'node:test';
import assert from 'node:assert/strict';
import { layoutGraph } from '../js/model/layout.js';
import { placeEdgeLabels } from '../js/model/geometry.js';
import { packLayout, unpackLayout, packLabels, unpackLabels } from '../js/model/layout-wire.js';
import { randomLayeredDag } from './helpers.js';

test('a packed layout and its labels unpack to the same, and their arrays can be transferred', () => {
  const g = randomLayeredDag(600, { layers: 40, seed: 5 });
  // A self loop and an edge to an unknown node: left out of the layout, kept out after the trip.
  g.edges.push({ id: 'loop', source: g.nodes[3].id, target: g.nodes[3].id }, { id: 'lost', source: g.nodes[0].id, target: 'nowhere' });
  // A small dummy budget leaves the longest edges as stubs (ghosts); wide labels find no room everywhere.
  const layout = layoutGraph(g.nodes, g.edges, { dummyBudget: 200, view: { width: 1200, height: 700 } });
  const labels = placeEdgeLabels(layout, g.edges.map((e) => ({ id: e.id, width: 90, height: 18 })));
  assert.ok(layout.ghosts.size > 0, 'some ghosts');
  assert.ok([...labels.values()].some((l) => l === null) && [...labels.values()].some((l) => l !== null), 'labels placed and not');
  const nodeIds = g.nodes.map((n) => n.id);
  const edgeIds = g.edges.map((e) => e.id);
  const { packed, transfer } = packLayout(layout, nodeIds, edgeIds);
  const xy = packLabels(labels, edgeIds);
  const moved = structuredClone({ packed, xy }, { transfer: [...transfer, xy.buffer] });
  assert.ok([...transfer, xy.buffer].every((b) => b.byteLength === 0), 'the buffers were moved, not copied');
  assert.deepEqual(unpackLayout(moved.packed, nodeIds, edgeIds), layout);
  assert.deepEqual(unpackLabels(moved.xy, edgeIds), labels);
});
