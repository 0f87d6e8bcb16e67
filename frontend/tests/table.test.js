import { test } from 'node:test';
import assert from 'node:assert/strict';
import { indexGraph } from '../js/model/graph-model.js';
import { graphTables, toMarkdown, toCsv } from '../js/model/table.js';

const g = indexGraph({
  nodes: [
    { id: 'x', name: 'x', op: 'leaf', kind: 'input', value: 3, grad: 6 },
    { id: 'y', name: 'y', op: 'mul', value: 9, grad: 1 },
  ],
  edges: [
    { id: 'e0', source: 'x', target: 'y', arg: 0, local: 3 },
    { id: 'e1', source: 'x', target: 'y', arg: 1, local: 3 },
  ],
  output: 'y',
});
const pj = {
  input: 'x', output: 'y', count: '2', gradient: 6, listed_sum: 6,
  paths: [
    { nodes: ['x', 'y'], edges: ['e0'], factors: [3], product: 3 },
    { nodes: ['x', 'y'], edges: ['e1'], factors: [3], product: 3 },
  ],
};

test('graphTables: nodes with value and gradient, edges with local derivatives, paths with products', () => {
  const [nodes, edges, paths, sum] = graphTables(g, new Map([['y', 'y = x × x']]), pj, g.byId, new Map([['mul', '×']]));
  assert.deepEqual(nodes.head, ['node', 'operation', 'value', 'gradient']);
  assert.deepEqual(nodes.rows, [['x', 'input', '3', '6'], ['y = x × x', '×', '9', '1']]);
  assert.deepEqual(edges.rows, [['x', 'y = x × x', '3'], ['x', 'y = x × x', '3']]);
  assert.equal(paths.caption, 'Paths from x to y = x × x: 2 of 2 listed');
  assert.deepEqual(paths.rows[1], ['2', 'x → y = x × x', '3', '3']);
  assert.deepEqual(sum.rows, [['Σ of the listed paths', '6'], ['gradient (reverse mode)', '6']]);
  assert.equal(graphTables(g, new Map(), null).length, 2);
});

test('Markdown and CSV: pipes and quotes escaped', () => {
  const tables = [{ caption: 'T', head: ['a', 'b'], rows: [['|x|', 'say "hi", then']] }];
  assert.equal(toMarkdown(tables), '**T**\n\n| a | b |\n| --- | --- |\n| \\|x\\| | say "hi", then |\n');
  assert.equal(toCsv(tables), 'T\r\na,b\r\n|x|,"say ""hi"", then"\r\n');
});
