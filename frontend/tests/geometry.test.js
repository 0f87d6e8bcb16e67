import { test } from 'node:test';
import assert from 'node:assert/strict';
import { edgeGeometry, edgePath, labelWidth, placeEdgeLabels } from '../js/model/geometry.js';

const near = (a, b, eps = 0.05) => assert.ok(Math.abs(a - b) <= eps, `${a} is not ${b}`);

test('edgeGeometry: a straight edge is measured exactly', () => {
  const g = edgeGeometry([[10, 20], [110, 20]]);
  near(g.length, 100, 1e-9);
  assert.deepEqual(g.at(0), { x: 10, y: 20 });
  assert.deepEqual(g.at(1), { x: 110, y: 20 });
  near(g.at(0.25).x, 35, 1e-9);
  near(g.at(0.25).y, 20, 1e-9);
});

test('edgeGeometry follows the curve of edgePath: ends, symmetry, clamping', () => {
  const pts = [[0, 0], [100, 60]];
  // edgePath draws a cubic with horizontal tangents: (0,0) (50,0) (50,60) (100,60).
  assert.equal(edgePath(pts), 'M0.0,0.0 C50.0,0.0 50.0,60.0 100.0,60.0');
  const g = edgeGeometry(pts);
  assert.ok(g.length > Math.hypot(100, 60) && g.length < 160, `length ${g.length}`);
  near(g.at(0.5).x, 50);
  near(g.at(0.5).y, 30);
  const a = g.at(0.2);
  const b = g.at(0.8);
  near(a.x + b.x, 100);
  near(a.y + b.y, 60);
  assert.deepEqual(g.at(-1), g.at(0));
  assert.deepEqual(g.at(2), g.at(1));
  // Monotone along the curve.
  let prev = g.at(0);
  for (let f = 0.05; f <= 1; f += 0.05) {
    const p = g.at(f);
    assert.ok(p.x >= prev.x && p.y >= prev.y);
    prev = p;
  }
});

test('edgeGeometry spans every segment of a routed edge', () => {
  const pts = [[0, 0], [100, 0], [200, 40], [300, 40]];
  const g = edgeGeometry(pts);
  const first = edgeGeometry(pts.slice(0, 2)).length;
  const second = edgeGeometry(pts.slice(1, 3)).length;
  const third = edgeGeometry(pts.slice(2)).length;
  near(g.length, first + second + third, 1e-9);
  const p = g.at(first / g.length);
  near(p.x, 100);
  near(p.y, 0);
  near(g.at(1).x, 300, 1e-9);
});

test('placeEdgeLabels: a label wider than the room left at its spot slides back inside the drawing', () => {
  // A link along the drawing's bottom gap, from x = 300 to x = 390 of a 400-px-wide drawing.
  const layout = { nodes: new Map(), edges: new Map([['e', [[300, 90], [390, 90]]]]), width: 400, height: 100 };
  const at = placeEdgeLabels(layout, [{ id: 'e', width: 200, height: 18 }]).get('e');
  assert.ok(at, 'placed');
  assert.ok(at.x - 100 >= 0 && at.x + 100 <= 400, `label from ${at.x - 100} to ${at.x + 100}`);
  near(at.y, 90, 1e-9); // still on the link
  // Without the drawing's size it sits at the link's middle, as before.
  const free = placeEdgeLabels({ nodes: new Map(), edges: layout.edges }, [{ id: 'e', width: 200, height: 18 }]).get('e');
  near(free.x, 345, 0.5);
});

test('labelWidth: a column per character of the monospace font, two for a CJK one, at least 14', () => {
  assert.equal(labelWidth(''), 14);
  const near = (a, b) => assert.ok(Math.abs(a - b) < 1e-9, `${a} vs ${b}`);
  near(labelWidth('0.25'), 10 + 4 * 7.3);
  near(labelWidth('−0.0012'), 10 + 7 * 7.3);
  near(labelWidth('梯度 2'), 10 + 2 * 14.6 + 2 * 7.3);
  near(labelWidth('𝑥'), 10 + 7.3); // outside the BMP: one character
  assert.equal(labelWidth(0.5), labelWidth('0.5'));
});
