import { test } from 'node:test';
import assert from 'node:assert/strict';
import { indexGraph } from '../js/model/graph-model.js';
import { startCursor, walk, describeCursor } from '../js/model/walk.js';
import { setLocale } from '../js/i18n.js';

// e = (a + b) * (b + 1): b has two children; e has two parents.
const g = indexGraph({
  nodes: [
    { id: 'a', name: 'a', op: 'leaf', kind: 'input', value: 2, grad: 2 },
    { id: 'b', name: 'b', op: 'leaf', kind: 'input', value: 1, grad: 5 },
    { id: 'c', op: 'add', label: 'a + b', value: 3, grad: 2 },
    { id: 'd', op: 'add', label: 'b + 1', value: 2, grad: 3 },
    { id: 'e', name: 'e', op: 'mul', value: 6, grad: 1 },
  ],
  edges: [
    { id: 'e0', source: 'a', target: 'c', arg: 0, local: 1 },
    { id: 'e1', source: 'b', target: 'c', arg: 1, local: 1 },
    { id: 'e2', source: 'b', target: 'd', arg: 0, local: 1 },
    { id: 'e3', source: 'c', target: 'e', arg: 0, local: 2 },
    { id: 'e4', source: 'd', target: 'e', arg: 1, local: 3 },
  ],
  output: 'e',
});

test('walk: parent, child and siblings along the edges', () => {
  let c = startCursor('e');
  c = walk(g, c, 'parent');
  assert.deepEqual(c, { id: 'c', via: { edge: 'e3', from: 'e', dir: 'parent' } });
  // The other argument of e, and round again.
  assert.equal(walk(g, c, 'next').id, 'd');
  assert.equal(walk(g, walk(g, c, 'next'), 'next').id, 'c');
  assert.equal(walk(g, c, 'prev').id, 'd');
  // From b going to its users: c, then the sibling d (b's other child).
  c = walk(g, startCursor('b'), 'child');
  assert.deepEqual(c, { id: 'c', via: { edge: 'e1', from: 'b', dir: 'child' } });
  assert.equal(walk(g, c, 'next').id, 'd');
  // Ends of the graph: nothing further.
  assert.equal(walk(g, startCursor('e'), 'child'), null);
  assert.equal(walk(g, startCursor('a'), 'parent'), null);
  // No walked edge yet: the siblings are the other arguments of the first user.
  assert.equal(walk(g, startCursor('a'), 'next').id, 'b');
});

test('describeCursor says the value, the gradient and the local derivative of the edge walked', () => {
  const c = walk(g, startCursor('e'), 'parent');
  assert.equal(describeCursor(g, c), 'a + b: value 3, gradient 2; edge to e: local derivative 2; 2 in, 1 out');
  const b = walk(g, walk(g, startCursor('c'), 'parent'), 'next');
  assert.equal(describeCursor(g, b), 'b: value 1, gradient 5; edge to a + b: local derivative 1; 0 in, 2 out; Enter selects it as the input');
  setLocale('zh');
  try {
    assert.equal(describeCursor(g, c), 'a + b：值 3，梯度 2；通往 e 的边：局部导数 2；入边 2 条，出边 1 条');
  } finally {
    setLocale('en');
  }
});
