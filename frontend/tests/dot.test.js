import { test } from 'node:test';
import assert from 'node:assert/strict';
import { toDot, dotQuote } from '../js/model/dot.js';
import { fixture } from './helpers.js';

test('dotQuote escapes quotes, backslashes and newlines', () => {
  assert.equal(dotQuote('a"b\\c\nd'), '"a\\"b\\\\c\\nd"');
});

test('diamond as DOT', () => {
  const dot = toDot(fixture('diamond.graph.json'));
  assert.ok(dot.startsWith('digraph "pathgrad" {'));
  assert.ok(dot.includes('rankdir=LR;'));
  assert.equal((dot.match(/->/g) ?? []).length, 6);
  assert.ok(dot.includes('"n1" [label="b\\nvalue 1\\ngrad 5"'));
  assert.ok(dot.includes('"n2" -> "n5" [label="2"]'));
  assert.ok(dot.trimEnd().endsWith('}'));
  // balanced braces
  assert.equal((dot.match(/{/g) ?? []).length, (dot.match(/}/g) ?? []).length);
});

test('groups become clusters; highlighted paths are coloured', () => {
  const g = fixture('neuron-expanded.graph.json');
  const dot = toDot(g, { highlight: { nodes: ['n4'], edges: ['e4'] } });
  assert.ok(dot.includes('subgraph "cluster_g0"'));
  assert.ok(dot.includes('label="sigmoid"'));
  assert.match(dot, /"n4" -> "n5" \[label="−1", color="#ea580c"/);
  // each node is declared once
  for (const n of g.nodes) {
    assert.equal(dot.split('\n').filter((l) => l.trim().startsWith(`"${n.id}" [`)).length, 1, n.id);
  }
});

test('hostile labels cannot break out of the quoted ID', () => {
  const g = fixture('diamond.graph.json');
  g.nodes[0].label = 'a"]; evil -> x; "';
  const dot = toDot(g);
  assert.ok(dot.includes('a\\"]; evil -> x; \\"'));
  assert.equal(dot.split('\n').filter((l) => /^\s*"n\d+" -> "n\d+" \[/.test(l)).length, 6);
  assert.equal(dot.split('\n').filter((l) => /^\s*"n0" \[label=/.test(l)).length, 1);
});

test('DOT keeps the assigned names: the drawing\'s titles, else name = operation', () => {
  const g = fixture('diamond.graph.json');
  const named = g.nodes.find((n) => n.name && n.op !== 'leaf');
  assert.ok(named, 'the diamond assigns e');
  const plain = toDot(g);
  assert.ok(plain.includes(`label="${named.name} = ${named.label}`), plain);
  const titles = new Map([[named.id, 'e = (a + b) × (b + 1)']]);
  assert.ok(toDot(g, { titles, name: 'pathgrad-e' }).includes('label="e = (a + b) × (b + 1)\\nvalue'));
  assert.ok(toDot(g, { name: 'pathgrad-e' }).startsWith('digraph "pathgrad-e" {'));
});

test('fileBaseName: after the preset or the output, safe on every file system', async () => {
  const { fileBaseName } = await import('../js/model/format.js');
  assert.equal(fileBaseName('pathgrad', 'xor-seed3'), 'pathgrad-xor-seed3');
  assert.equal(fileBaseName('pathgrad', 'e'), 'pathgrad-e');
  assert.equal(fileBaseName('pathgrad', null), 'pathgrad');
  assert.equal(fileBaseName('pathgrad', '../a b/c'), 'pathgrad-a-b-c');
});
