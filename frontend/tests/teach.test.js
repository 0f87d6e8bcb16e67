// The teaching panels' model modules: lab rows, exercise links, answers, hints, score, lesson links.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { labRequest, labRows, nodeLines, sameNumber, wrongEntries, hasArrays, VARIANTS } from '../js/model/lab.js';
import {
  parseExerciseHash, exerciseHash, parseAnswer, hintMessage, scoreAfter, EMPTY_SCORE, hiddenQuantities, questionText,
  programExerciseHash, programRequest, exerciseIdentity, exerciseQuestionKey, programId,
} from '../js/model/exercises.js';
import { STEPS, LADDER, VANISHING_FACTOR, ladder, firstVanished, parseLessonHash, lessonHash, clampStep, stepDone, hiddenControls } from '../js/model/lesson.js';
import { costs } from '../js/model/paths.js';
import { groupThousands } from '../js/model/format.js';
import { indexGraph } from '../js/model/graph-model.js';
import { catalogs } from '../js/i18n.js';

// POST /api/lab's answer for x = 3; y = x*x with two variants (the shape of backend/pathgrad/lab.py).
const LAB = {
  output: 'n1',
  variants: {
    correct: { ran: true, skipped: null, visits: '2', gradients: { x: 6 }, adjoints: { n1: 1, n0: 6 }, differs: [], differs_leaves: [] },
    'parents-by-node': { ran: true, skipped: null, visits: '2', gradients: { x: 3 }, adjoints: { n1: 1, n0: 3 }, differs: ['n0'], differs_leaves: ['x'] },
    'path-walk': { ran: false, skipped: 'too many', visits: '6291451', gradients: null, adjoints: null, differs: [], differs_leaves: [] },
  },
};

test('the lab request carries the program, its values and output only', () => {
  assert.deepEqual(labRequest({ source: 'x = 3; y = x*x', values: { x: 2 }, output: 'y', view: 'values', input: 'x' }), { source: 'x = 3; y = x*x', values: { x: 2 }, output: 'y' });
  assert.deepEqual(labRequest({ source: 's', values: {} }, ['no-zero-grad']), { source: 's', values: {}, variants: ['no-zero-grad'] });
});

test('lab rows follow the variants order and mark the wrong leaves', () => {
  const rows = labRows(LAB);
  assert.deepEqual(rows.map((r) => r.variant), ['correct', 'path-walk', 'parents-by-node']);
  assert.equal(rows[2].wrongLeaves, 1);
  assert.deepEqual(rows[2].grads, [{ leaf: 'x', value: 3, correct: 6, wrong: true, wrongEntries: 1, size: 1 }]);
  assert.equal(rows[1].ran, false);
  assert.equal(rows[1].grads[0].wrong, false); // not run is not wrong
  assert.equal(rows[1].visits, '6291451');
  assert.deepEqual(labRows(null), []);
  assert.equal(VARIANTS.length, 6);
});

test('node lines give the wrong value beside the right one', () => {
  const lines = nodeLines(LAB, 'parents-by-node');
  assert.deepEqual(lines.get('n0'), { value: 3, correct: 6, wrong: true, array: false });
  assert.deepEqual(lines.get('n1'), { value: 1, correct: 1, wrong: false, array: false });
  assert.equal(nodeLines(LAB, 'path-walk').size, 0);
  assert.ok(sameNumber(8, 8 + 1e-12));
  assert.ok(!sameNumber(8, 10));
});

// POST /api/lab's answer for x = [1, 2, 3]; y = sum(x*x), two variants.
const ARRAY_LAB = {
  output: 'n2',
  variants: {
    correct: { ran: true, skipped: null, visits: '3', gradients: { x: [2, 4, 6] }, adjoints: { n2: 1, n1: [1, 1, 1], n0: [2, 4, 6] }, differs: [], differs_leaves: [] },
    'parents-by-node': { ran: true, skipped: null, visits: '3', gradients: { x: [1, 2, 3] }, adjoints: { n2: 1, n1: [1, 1, 1], n0: [1, 2, 3] }, differs: ['n0'], differs_leaves: ['x'] },
  },
};

test('on arrays the lab rows count the wrong entries of each gradient', () => {
  assert.ok(hasArrays(ARRAY_LAB) && !hasArrays(LAB));
  const [correct, wrong] = labRows(ARRAY_LAB);
  assert.deepEqual(correct.grads[0], { leaf: 'x', value: [2, 4, 6], correct: [2, 4, 6], wrong: false, wrongEntries: 0, size: 3 });
  assert.deepEqual(wrong.grads[0], { leaf: 'x', value: [1, 2, 3], correct: [2, 4, 6], wrong: true, wrongEntries: 3, size: 3 });
  assert.equal(wrongEntries([[1, 2], [3, 4]], [[1, 2], [3, 5]]), 1);
  assert.equal(wrongEntries([1, 2], [[1, 2]]), 2); // another shape: every entry
  assert.equal(wrongEntries([0, null], [0, null]), 0); // non-finite entries compare as themselves
  assert.equal(wrongEntries(3, 3 + 1e-13), 0);
  const lines = nodeLines(ARRAY_LAB, 'parents-by-node');
  assert.deepEqual(lines.get('n0'), { value: [1, 2, 3], correct: [2, 4, 6], wrong: true, array: true });
});

test('exercise links are level:seed and nothing else', () => {
  assert.deepEqual(parseExerciseHash('#exercise=2:17'), { level: 2, seed: 17 });
  assert.equal(exerciseHash(5, 0), '#exercise=5:0');
  for (const bad of ['#exercise=6:1', '#exercise=1:-1', '#exercise=1:x', '#exercise=1:99999999999', '#src=x', '', null]) {
    assert.equal(parseExerciseHash(bad), null, String(bad));
  }
});

test('a program exercise link carries the program, its values, input and output, and no answer', () => {
  const program = { source: 'a = 2\nb = 1\ne = (a+b)*(b+1)', values: { b: 3 }, input: 'b', output: null };
  const hash = programExerciseHash(program);
  assert.ok(hash.startsWith('#exercise=program&src='), hash);
  assert.ok(!hash.includes('+'), hash); // spaces as %20, as the page's own links
  assert.deepEqual(parseExerciseHash(hash), { program: { ...program, values: { b: 3 } } });
  assert.deepEqual(parseExerciseHash('#exercise=program&src=x%20%3D%201&out=x'), { program: { source: 'x = 1', values: {}, input: null, output: 'x' } });
  for (const bad of ['#exercise=program', '#exercise=program&in=x', '#exercise=program&src=x&vals=%7B', '#exercise=programs&src=x']) {
    assert.equal(parseExerciseHash(bad), null, bad);
  }
  assert.deepEqual(programRequest(program), { source: program.source, values: { b: 3 }, input: 'b' });
  assert.deepEqual(programRequest({ source: 's', values: { x: Number.NaN } }), { source: 's' });
  // What the check is sent: level and seed, or the program's fields; and the score's keys.
  const generated = { level: 2, seed: 7, source: 'x', questions: [] };
  assert.deepEqual(exerciseIdentity(generated), { level: 2, seed: 7 });
  const own = { level: null, seed: null, ...program, questions: [] };
  assert.deepEqual(exerciseIdentity(own), programRequest(program));
  assert.equal(exerciseQuestionKey(generated, 'q1'), '2:7:q1');
  assert.equal(exerciseQuestionKey(own, 'q1'), `${programId(own)}:q1`);
  assert.equal(programId(own), programId({ ...program }));
  assert.notEqual(programId(own), programId({ ...program, values: { b: 4 } }));
  assert.notEqual(programId(own), programId({ ...program, input: 'a' }));
});

test('answers are read as students type them', () => {
  assert.equal(parseAnswer('0.25'), 0.25);
  assert.equal(parseAnswer(' -1,5 '), -1.5);
  assert.equal(parseAnswer('1/4'), 0.25);
  assert.equal(parseAnswer('\u22122'), -2);
  assert.equal(parseAnswer('2.5e-3'), 0.0025);
  assert.equal(parseAnswer('.5'), 0.5);
  for (const bad of ['', 'abc', '1/0', '1..2', '--1', 'Infinity']) assert.equal(parseAnswer(bad), null, bad);
});

const GRAPH = indexGraph({
  nodes: [{ id: 'n0', name: 'x', label: 'x' }, { id: 'n1', name: 'u', label: '×' }, { id: 'n2', name: null, label: '+' }],
  edges: [{ id: 'e0', source: 'n0', target: 'n1' }, { id: 'e1', source: 'n0', target: 'n1' }, { id: 'e2', source: 'n1', target: 'n2' }],
  output: 'n2',
});

test('questions read with the nodes names', () => {
  assert.deepEqual(questionText({ kind: 'local', edge: 'e0', source: 'n0', target: 'n1' }, GRAPH), { key: 'teach.ex.q.local', params: { source: 'x', target: 'u' } });
  assert.deepEqual(questionText({ kind: 'gradient', node: 'n0' }, GRAPH).params, { output: '+', node: 'x' });
  assert.deepEqual(questionText({ kind: 'path', nodes: ['n0', 'n1', 'n2'], edges: ['e0', 'e2'] }, GRAPH).params, { path: 'x → u → +' });
});

test('hints point at what was missed', () => {
  const left = hintMessage({ correct: false, hint: 'path-left-out', params: { edges: ['e1', 'e2'] } }, GRAPH);
  assert.equal(left.key, 'teach.ex.hint.path-left-out');
  assert.deepEqual(left.marks.edges, ['e1', 'e2']);
  const fan = hintMessage({ correct: false, hint: 'fan-out-not-added', params: { edge: 'e0', branches: 2 } }, GRAPH);
  assert.deepEqual([fan.key, fan.params.node, fan.params.branches], ['teach.ex.hint.fan-out-not-added', 'x', 2]);
  assert.equal(hintMessage({ correct: false, hint: 'rule', params: { op: 'sigmoid' } }, GRAPH).params.rule, 'teach.rule.sigmoid');
  assert.equal(hintMessage({ correct: false, hint: 'rule', params: { op: 'matmul' } }, GRAPH).params.rule, 'teach.rule.other');
  assert.equal(hintMessage({ correct: false, hint: 'surprise', params: {} }, GRAPH).key, 'teach.ex.hint.paths');
  assert.equal(hintMessage({ correct: true }, GRAPH).key, 'teach.ex.right');
  // Every key a hint can name is in the catalogs, in both languages.
  const { en, zh } = catalogs();
  for (const hint of ['count-low', 'count-high', 'sign', 'path-left-out', 'fan-out-not-added', 'one-path', 'factor-off', 'added-not-multiplied', 'value-not-derivative', 'rule', 'paths']) {
    assert.ok(`teach.ex.hint.${hint}` in en && `teach.ex.hint.${hint}` in zh, hint);
  }
});

test('the score counts a question once, right at the first try or not', () => {
  let s = EMPTY_SCORE;
  s = scoreAfter(s, { question: 'a', correct: false });
  s = scoreAfter(s, { question: 'a', correct: true });
  s = scoreAfter(s, { question: 'b', correct: true });
  s = scoreAfter(s, { question: 'c', correct: true, revealed: true });
  s = scoreAfter(s, { question: 'b', correct: true }); // checked again: no second point
  assert.deepEqual({ right: s.right, solved: s.solved, seen: s.seen.length }, { right: 1, solved: 3, seen: 3 });
});

test('an open exercise hides every gradient and the asked edges until they are solved', () => {
  const ex = { questions: [{ id: 'q1', kind: 'local', edge: 'e0' }, { id: 'q2', kind: 'count' }] };
  assert.deepEqual(hiddenQuantities(ex), { edges: ['e0'], gradients: true });
  assert.deepEqual(hiddenQuantities(ex, new Set(['q1'])), { edges: [], gradients: true });
  assert.deepEqual(hiddenQuantities(ex, new Set(['q1', 'q2'])), { edges: [], gradients: false });
});

test('lesson links open at a step, locked or not', () => {
  assert.deepEqual(parseLessonHash('#lesson=3'), { step: 2, locked: false });
  assert.deepEqual(parseLessonHash('#lesson=9&locked=1'), { step: 8, locked: true });
  assert.deepEqual(parseLessonHash('#lesson=99'), { step: STEPS.length - 1, locked: false });
  assert.equal(parseLessonHash('#lesson=x'), null);
  assert.equal(lessonHash(0, true), '#lesson=1&locked=1');
  assert.equal(clampStep(-4), 0);
});

test('the nine steps tell the seed story and each has its texts in both languages', () => {
  assert.deepEqual(STEPS.map((s) => s.id), ['graph', 'local', 'paths', 'reverse', 'neuron', 'xor', 'vanishing', 'dead-relu', 'leaky']);
  const { en, zh } = catalogs();
  for (const step of STEPS) {
    for (const part of ['title', 'text', 'try']) {
      const key = `teach.lesson.${step.id}.${part}`;
      assert.ok(en[key] && zh[key], key);
    }
    assert.ok(['paths', 'train', 'compare', 'lab', 'exercises'].includes(step.panel));
  }
  assert.deepEqual(hiddenControls(STEPS[0]), ['program', 'transport', 'tabs']);
});

test('the try-this checks read the page context', () => {
  const ctx = (nodes, extra = {}) => ({ node: (n) => nodes[n] ?? null, ...extra });
  const neuron = STEPS.find((s) => s.id === 'neuron');
  assert.equal(stepDone(neuron, ctx({ w: { value: 0, grad: 0.25 } })), false);
  assert.equal(stepDone(neuron, ctx({ w: { value: 0, grad: 0.5 } })), true);
  const paths = STEPS.find((s) => s.id === 'paths');
  assert.equal(stepDone(paths, ctx({}, { input: 'b', mode: 'paths', atEnd: false })), false);
  assert.equal(stepDone(paths, ctx({}, { input: 'b', mode: 'paths', atEnd: true })), true);
  const dead = STEPS.find((s) => s.id === 'dead-relu');
  assert.equal(stepDone(dead, ctx({ w1: { value: 0.5, grad: 0 } })), false);
  assert.equal(stepDone(dead, { node: () => { throw new Error('no graph'); } }), false);
});

/** The graph of ladder(rungs) as the operations view draws it: x, then per rung σ(p) and p·σ(p). */
function ladderGraph(source) {
  /** @type {{id: string, name?: string, kind?: string}[]} */
  const nodes = [{ id: 'x', name: 'x', kind: 'input' }];
  const edges = [];
  let prev = 'x';
  for (const line of source.split('\n')) {
    const m = /^(h\d+) = (\w+) \* sigmoid\(\2\)$/.exec(line);
    if (!m) continue;
    assert.equal(m[2], prev);
    const s = `s_${m[1]}`;
    nodes.push({ id: s }, { id: m[1], name: m[1] });
    edges.push({ id: `${s}a`, source: prev, target: s, arg: 0 }, { id: `${m[1]}a`, source: prev, target: m[1], arg: 0 }, { id: `${m[1]}b`, source: s, target: m[1], arg: 1 });
    prev = m[1];
  }
  return indexGraph({ nodes, edges, output: prev });
}

test('the ladder step: its program, its figures and the page\'s cost counter agree', () => {
  const source = ladder(LADDER.rungs);
  const g = ladderGraph(source);
  assert.equal(g.nodes.length, 1 + 2 * LADDER.rungs); // every line was a rung
  const c = costs(g, ['x'], g.output);
  assert.deepEqual(c, { paths: LADDER.paths, enumerate: LADDER.enumerate, reverse: LADDER.edges, forward: LADDER.edges });
  assert.equal(LADDER.paths, 1073741824n);
  assert.equal(LADDER.edges, 90n);
  const { en, zh } = catalogs();
  for (const text of [en['teach.lesson.reverse.text'], zh['teach.lesson.reverse.text']]) {
    assert.ok(text.includes(`2^${LADDER.rungs} = ${groupThousands(LADDER.paths)}`), text);
    assert.ok(text.includes(groupThousands(LADDER.enumerate)), text);
    assert.ok(text.includes(` ${LADDER.edges} `), text);
    assert.ok(!/\b120\b/.test(text), text);
  }
});

test('the first step asks for dz/dx = y + 1 = 5: only y = 4 (x has two edges) does it', () => {
  const graph = STEPS.find((s) => s.id === 'graph');
  const at = (y) => ({ node: (n) => ({ x: { value: 2, grad: y + 1 }, y: { value: y, grad: 2 }, z: { value: 2 * y + 2, grad: 1 } })[n] ?? null });
  assert.equal(stepDone(graph, at(3)), false); // the start
  assert.equal(stepDone(graph, at(5)), false); // one edge counted
  assert.equal(stepDone(graph, at(4)), true);
});

test('the vanishing step asks for the first weight back from the last one below its thousandth', () => {
  const vanishing = STEPS.find((s) => s.id === 'vanishing');
  const grads = [3.6e-9, 1e-7, 5.9e-7, 2.8e-5, 1.8e-4, 1.7e-3, 6.7e-3, 4e-2, 2.4e-1, 4.8e-1]; // the preset at seed 0
  const ctx = (input) => ({ input, node: (n) => (/^w(\d+)$/.test(n) && grads[Number(n.slice(1)) - 1] !== undefined ? { value: 1, grad: -grads[Number(n.slice(1)) - 1] } : null) });
  assert.equal(VANISHING_FACTOR, 1000);
  assert.equal(firstVanished(ctx('w1')), 'w5'); // 1.8e-4 < 4.8e-4, and w6's 1.7e-3 is not
  assert.equal(stepDone(vanishing, ctx('w1')), false); // the step opens on w1: not the answer
  assert.equal(stepDone(vanishing, ctx('w4')), false);
  assert.equal(stepDone(vanishing, ctx('w5')), true);
  assert.equal(stepDone(vanishing, { input: 'w5', node: () => null }), false);
  const { en, zh } = catalogs();
  assert.ok(en['teach.lesson.vanishing.try'].includes('thousandth') && zh['teach.lesson.vanishing.try'].includes('千分之一'));
});
