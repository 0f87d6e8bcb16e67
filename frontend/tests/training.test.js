import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  readTrainingForm, trainRequest, definesName, createHistory, layerLabels, stepText, runVerdict, deadRelus, preActivations, throttleDelay,
} from '../js/model/training.js';
import { indexGraph } from '../js/model/graph-model.js';
import { activationsFrom } from '../js/model/activations.js';
import { fixture } from './helpers.js';

const activationsOf = (ops) => Object.keys(activationsFrom(ops));

const step = (n, loss, extra = {}) => ({ step: n, loss, params: { w: n }, grads: { w: 0.1 }, layer_grad: [0.1, 0.2], dead_relu: 0, elapsed: 0, ...extra });

test('readTrainingForm validates the optimizer, the learning rate and the steps', () => {
  assert.deepEqual(readTrainingForm({ optimizer: 'adam', lr: '0.01', steps: '3000' }), { ok: true, optimizer: { kind: 'adam', lr: 0.01 }, steps: 3000 });
  assert.equal(readTrainingForm({ optimizer: 'sgd', lr: '0.1', steps: '30,000' }).steps, 30000);
  assert.equal(readTrainingForm({ optimizer: 'rmsprop', lr: '0.1', steps: '1' }).field, 'optimizer');
  for (const lr of ['', '0', '-1', 'abc', 'Infinity']) assert.equal(readTrainingForm({ optimizer: 'sgd', lr, steps: '10' }).field, 'lr', lr);
  for (const steps of ['0', '1.5', '', '200001', 'x']) assert.equal(readTrainingForm({ optimizer: 'sgd', lr: '0.1', steps }).field, 'steps', steps);
  assert.equal(readTrainingForm({ optimizer: 'sgd', lr: '0.1', steps: '200000' }).ok, true);
});

test('trainRequest sends an unedited preset by name, an edited one as source with its loss', () => {
  const preset = { name: 'xor', seed: 3, source: 'w1 = 1\nC = w1^2\n', loss: 'C' };
  const optimizer = { kind: 'sgd', lr: 0.1 };
  assert.deepEqual(trainRequest({ source: preset.source, values: {}, preset, optimizer, steps: 10 }), { preset: 'xor', seed: 3, optimizer, steps: 10 });
  const edited = 'w1 = 2\nC = w1^2\nD = C + 1\n';
  assert.deepEqual(trainRequest({ source: edited, values: { w1: 5 }, preset, optimizer, steps: 10 }), { source: edited, loss: 'C', values: { w1: 5 }, optimizer, steps: 10 });
  // The loss statement was removed: let the server use the last statement.
  assert.equal(trainRequest({ source: 'w = 1\ny = w*w', preset, optimizer, steps: 1 }).loss, undefined);
  assert.deepEqual(trainRequest({ source: 'w = 1\ny = w*w', preset: null, optimizer, steps: 1 }), { source: 'w = 1\ny = w*w', optimizer, steps: 1 });
});

test('definesName finds statements at a line start or after a semicolon, not comparisons', () => {
  assert.ok(definesName('x = 1; C = x^2', 'C'));
  assert.ok(definesName('x = 1\n  C=x', 'C'));
  assert.ok(!definesName('x = 1\nCC = x', 'C'));
  assert.ok(!definesName('x = C', 'C'));
  assert.ok(!definesName('C == 1', 'C'));
});

test('history keeps every step once, in order, and finds steps', () => {
  const h = createHistory();
  h.start({ steps: 100, layers: [['w1'], ['w2', 'b2']], params: ['w1', 'w2', 'b2'] });
  for (const n of [0, 10, 20, 30]) h.add(step(n, 1 / (n + 1)));
  h.add(step(20, 0.5)); // a repeat replaces
  assert.equal(h.length, 4);
  assert.equal(h.at(2).loss, 0.5);
  assert.equal(h.indexOfStep(20), 2);
  assert.equal(h.indexOfStep(25), 2);
  assert.equal(h.indexOfStep(-1), -1);
  assert.equal(h.indexOfStep(1000), 3);
  assert.deepEqual(h.lossPoints()[0], [0, 1]);
  assert.deepEqual(h.layerRows()[1], [0.1, 0.2]);
  assert.deepEqual(h.layerLabels(), ['w1', 'layer 2 (2)']);
  h.add(step(5, 0.9)); // out of order: sorted in
  assert.deepEqual(h.records.map((r) => r.step), [0, 5, 10, 20, 30]);
  assert.equal(h.indexOfStep(10), 2);
  h.finish({ steps_run: 30, stopped: null });
  assert.equal(h.done.steps_run, 30);
  h.start({ steps: 5, layers: [] });
  assert.equal(h.length, 0);
  assert.equal(h.done, null);
  assert.equal(h.last(), null);
});

test('layerLabels and stepText', () => {
  assert.deepEqual(layerLabels([['w'], ['a', 'b']]), ['w', 'layer 2 (2)']);
  assert.equal(stepText({ step: 1500, loss: 0.012345 }), 'step 1,500, loss 0.01235');
  assert.equal(stepText({ step: 3, loss: null }), 'step 3, loss NaN');
  assert.equal(stepText(null), '');
});

function run(losses, done = { steps_run: losses.length - 1, stopped: null }, extra = {}) {
  const h = createHistory();
  h.start({ steps: losses.length - 1, layers: [['w']] });
  losses.forEach((l, i) => h.add(step(i, l, extra)));
  if (done) h.finish(done);
  return h;
}

test('runVerdict: a plateau near 0.5 on XOR is a local minimum; other verdicts', () => {
  const stalled = run([1.2, 0.7, 0.55, 0.51, 0.505, 0.503, 0.502, 0.5015, 0.5013, 0.5013]);
  const v = runVerdict(stalled, { localMinima: true });
  assert.equal(v.kind, 'stalled');
  assert.equal(v.text, 'stalled near 0.5: a local minimum — try another seed');
  assert.equal(runVerdict(stalled).text, 'stalled near 0.5: the loss has stopped falling');
  assert.equal(runVerdict(run([1.2, 0.3, 0.05, 0.009])).kind, 'learned');
  assert.equal(runVerdict(run([1.2, 1.0, 0.8, 0.6, 0.4, 0.3, 0.2, 0.1, 0.05])).kind, 'ended');
  assert.equal(runVerdict(run([1, 2, null], { steps_run: 2, stopped: 'the loss is no longer finite' })).kind, 'diverged');
  assert.equal(runVerdict(run([1.2, 0.9], null)).kind, 'running');
  assert.equal(runVerdict(createHistory()).kind, null);
  const frozen = runVerdict(run([9, 9, 9], undefined, { layer_grad: [0, 0], dead_relu: 3 }));
  assert.equal(frozen.kind, 'frozen');
  assert.match(frozen.text, /3 dead ReLU units/);
  assert.match(runVerdict(run([0.3, 0.2], { steps_run: 1, stopped: 'stopped after 60 s' })).text, /stopped early: stopped after 60 s/);
});

// Records shaped like measured XOR runs (SGD, 3,000 steps): each step's largest layer |gradient|.
function measured(losses, grads, lr) {
  const h = createHistory();
  h.start({ steps: losses.length - 1, layers: [['w1'], ['w2']], optimizer: { kind: 'sgd', lr } });
  losses.forEach((l, i) => h.add(step(i, l, { layer_grad: [grads[i], grads[i] / 2] })));
  h.finish({ steps_run: losses.length - 1, stopped: null });
  return h;
}
const flatAt = (v, n) => Array(n).fill(v);

test('runVerdict tells saturation, divergence, a stall and success apart', () => {
  // Learning rate 1000: the loss jumps from 1.25 to 2 and the gradient is exactly 0 (σ pinned at 0/1).
  const lr1000 = measured([1.2547, 2.3, 2, ...flatAt(2, 12)], [0.3, 1e-3, 0, ...flatAt(0, 12)], 1000);
  const sat = runVerdict(lr1000, { localMinima: true });
  assert.equal(sat.kind, 'saturated');
  assert.match(sat.text, /saturated near 2: the gradient has vanished/);
  assert.match(sat.text, /learning rate 1000\) was too large/);
  assert.doesNotMatch(sat.text, /local minimum/);
  // Learning rate 50: 2e-8 at a loss of 2, also saturated.
  assert.equal(runVerdict(measured([1.25, 1.9, ...flatAt(1.99999994, 12)], [0.3, 1e-4, ...flatAt(2.2e-8, 12)], 50)).kind, 'saturated');
  // XOR's local minimum (rate 0.5): loss 0.5 with a gradient of 5e-5 left: a stall, not saturation.
  const local = measured([1.157, 0.8, 0.6, ...flatAt(0.5003, 12)], [0.2, 0.01, 1e-3, ...flatAt(5.2e-5, 12)], 0.5);
  assert.equal(runVerdict(local, { localMinima: true }).kind, 'stalled');
  assert.equal(runVerdict(local, { localMinima: true }).text, 'stalled near 0.5: a local minimum — try another seed');
  // Rising and still moving: diverging.
  const rising = measured([1.2, 0.6, 0.4, 0.5, 0.9, 1.4, 2.1, 2.9, 3.8, 4.9], [0.2, 0.2, 0.3, 0.4, 0.6, 0.8, 1, 1.2, 1.4, 1.6], 5);
  const div = runVerdict(rising);
  assert.equal(div.kind, 'diverging');
  assert.match(div.text, /rose from 0.4 to 4.9 — the step \(learning rate 5\) is too large/);
  // Success.
  assert.equal(runVerdict(measured([1.25, 0.3, 0.01, ...flatAt(0.0003, 12)], [0.2, 0.1, 1e-3, ...flatAt(2.5e-5, 12)], 0.5)).kind, 'learned');
});

const n = (id, op, value, extra = {}) => ({ id, op, value, name: null, kind: op === 'leaf' ? 'param' : 'op', grad: 0, ...extra });
const e = (id, source, target, arg = 0) => ({ id, source, target, arg, local: 1 });

test('deadRelus: a relu whose input is ≤ 0 everywhere; arrays need every entry ≤ 0', () => {
  const g = indexGraph({
    nodes: [
      n('n0', 'leaf', -1, { name: 'a' }),
      n('n1', 'relu', 0),
      n('n2', 'leaf', 2, { name: 'b' }),
      n('n3', 'relu', 2),
      n('n4', 'leaf', [[-1, 0], [-3, -4]], { name: 'X' }),
      n('n5', 'relu', [[0, 0], [0, 0]]),
      n('n6', 'leaf', [-1, 2], { name: 'Y' }),
      n('n7', 'relu', [0, 2]),
      n('n8', 'leaf', 0, { name: 'z' }),
      n('n9', 'relu', 0),
      n('n10', 'leaky_relu', -0.01),
    ],
    edges: [e('e0', 'n0', 'n1'), e('e1', 'n2', 'n3'), e('e2', 'n4', 'n5'), e('e3', 'n6', 'n7'), e('e4', 'n8', 'n9'), e('e5', 'n0', 'n10')],
    output: 'n9',
  });
  assert.deepEqual(deadRelus(g), ['n1', 'n5', 'n9']);
});

test('preActivations lists each activation unit with its input values', () => {
  const g = indexGraph({
    nodes: [n('n0', 'leaf', 0.5, { name: 'z' }), n('n1', 'sigmoid', 0.62, { name: 'h' }), n('n2', 'leaf', [1, -2, 3], { name: 'Z' }), n('n3', 'tanh', [0, 0, 0]), n('n4', 'exp', 1)],
    edges: [e('e0', 'n0', 'n1'), e('e1', 'n2', 'n3'), e('e2', 'n0', 'n4')],
  });
  const activations = activationsOf(fixture('ops.json'));
  assert.deepEqual(preActivations(g, activations), [
    // f: the unit's value; df: its edge's local derivative (a number on a scalar edge, none here on arrays)
    { id: 'n1', name: 'h', op: 'sigmoid', z: [0.5], f: [0.62], df: [1] },
    { id: 'n3', name: 'n3', op: 'tanh', z: [1, -2, 3], f: [0, 0, 0], df: [undefined, undefined, undefined] },
  ]);
  assert.equal(preActivations(g, activations, 2)[1].z.length, 2);
  assert.deepEqual(preActivations(g, ['exp']).map((u) => u.op), ['exp']); // the list given, no other
  // An array unit's df is its Jacobian's diagonal.
  const j = indexGraph({
    nodes: [n('n0', 'leaf', [1, -2], { name: 'Z' }), n('n1', 'relu', [1, 0])],
    edges: [{ id: 'e0', source: 'n0', target: 'n1', arg: 0, local: [[1, 0], [0, 0]] }],
  });
  assert.deepEqual(preActivations(j, activations)[0].df, [1, 0]);
});

test('throttleDelay: never while in flight, else wait out the interval', () => {
  assert.equal(throttleDelay(1000, 950, true, 100), null);
  assert.equal(throttleDelay(1000, 950, false, 100), 50);
  assert.equal(throttleDelay(1000, 800, false, 100), 0);
  assert.equal(throttleDelay(0, -Infinity, false, 100), 0);
});
