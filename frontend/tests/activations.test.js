import { test } from 'node:test';
import assert from 'node:assert/strict';
import { activationsFrom, sampleCurve, markers, paramDefault, sampledFunction } from '../js/model/activations.js';
import { fixture } from './helpers.js';

const close = (a, b, eps = 1e-12) => assert.ok(Math.abs(a - b) < eps, `${a} vs ${b}`);
const OPS = fixture('ops.json'); // GET /api/ops, the backend's table
const ACTIVATIONS = activationsFrom(OPS);
const LEAKY_SLOPE = paramDefault(OPS.find((op) => op.name === 'leaky_relu'), 'slope');

test('the activations are the table\'s, in its order, with the engine\'s kink values', () => {
  assert.deepEqual(Object.keys(ACTIVATIONS), OPS.filter((op) => op.activation).map((op) => op.name));
  assert.equal(LEAKY_SLOPE, 0.01);
  const { sigmoid, tanh, relu, leaky_relu: leaky } = ACTIVATIONS;
  close(sigmoid.f(0), 0.5);
  close(sigmoid.df(0), 0.25);
  close(tanh.df(0), 1);
  assert.equal(relu.f(-2), 0);
  assert.equal(relu.df(0), 0);
  assert.equal(relu.df(3), 1);
  close(leaky.f(-2), -2 * LEAKY_SLOPE);
  assert.equal(leaky.df(0), LEAKY_SLOPE);
  assert.equal(leaky.note, `leaky_relu′ = ${LEAKY_SLOPE} for x ≤ 0: never exactly 0`);
  // Beyond the sampled range f goes on along its last piece (ReLU exactly), f′ stays at its end value.
  assert.equal(relu.f(9), 9);
  assert.equal(relu.df(9), 1);
  assert.ok(Number.isFinite(sigmoid.f(-800)) && Number.isFinite(sigmoid.df(800)));
  // The samples are the engine's f and f′: their finite differences agree away from a kink.
  for (const a of Object.values(ACTIVATIONS)) {
    for (const x of [-2.3, -0.45, 0.75, 3.15]) {
      const [x0, x1] = [x - 0.05, x + 0.05]; // neighbouring samples (every 0.1)
      close((a.f(x1) - a.f(x0)) / 0.1, (a.df(x0) + a.df(x1)) / 2, 3e-3);
    }
  }
});

test('sampledFunction is exact at the samples and linear between them', () => {
  const f = sampledFunction([-1, 0, 2], [1, 0, 4]);
  assert.equal(f(0), 0);
  assert.equal(f(-0.5), 0.5);
  assert.equal(f(1), 2);
  assert.equal(f(3), 6); // on along the last piece
  assert.equal(sampledFunction([-1, 0, 2], [1, 0, 4], false)(3), 4); // or held at the end
  assert.ok(Number.isNaN(f(NaN)));
});

test('sampleCurve covers the range and samples the kink at 0', () => {
  const c = sampleCurve((x) => x, [-5, 5], 7);
  assert.equal(c[0][0], -5);
  assert.equal(c[c.length - 1][0], 5);
  assert.ok(c.some(([x]) => x === 0));
  for (let i = 1; i < c.length; i++) assert.ok(c[i][0] > c[i - 1][0]);
});

test('markers: one per unit entry of that op, clamped into the plot', () => {
  const units = [
    { id: 'n1', name: 'h1', op: 'relu', z: [-0.5] },
    { id: 'n2', name: 'H', op: 'relu', z: [2, 9] },
    { id: 'n3', name: 'g', op: 'tanh', z: [0] },
  ];
  const m = markers(ACTIVATIONS, 'relu', units, [-5, 5]);
  assert.deepEqual(m.map((x) => x.label), ['h1', 'H[0]', 'H[1]']);
  assert.deepEqual(m.map((x) => x.df), [0, 1, 1]);
  assert.equal(m[2].shownX, 5);
  assert.equal(m[2].clipped, true);
  assert.equal(m[2].x, 9);
  assert.equal(markers(ACTIVATIONS, 'nope', units, [-5, 5]).length, 0);
  // A unit's own f and f′ (from the graph) win over the curve's.
  const own = markers(ACTIVATIONS, 'tanh', [{ id: 'n', name: 'g', op: 'tanh', z: [9], f: [0.99999997], df: [6e-8] }], [-5, 5]);
  assert.deepEqual([own[0].f, own[0].df, own[0].clipped], [0.99999997, 6e-8, true]);
});

test('each activation gets its own y-range: ReLU reaches 5, sigmoid stays near [0, 1]', async () => {
  const { plotYRange } = await import('../js/model/activations.js');
  const [sLo, sHi] = plotYRange(ACTIVATIONS.sigmoid, [-5, 5]);
  assert.ok(sLo < 0 && sLo > -0.2 && sHi > 1 && sHi < 1.2, `${sLo} ${sHi}`);
  const [rLo, rHi] = plotYRange(ACTIVATIONS.relu, [-5, 5]);
  assert.ok(rHi >= 5 && rHi < 5.6 && rLo < 0, `${rLo} ${rHi}`);
  const [tLo, tHi] = plotYRange(ACTIVATIONS.tanh, [-5, 5]);
  assert.ok(tLo < -1 && tLo > -1.3 && tHi > 1 && tHi < 1.3, `${tLo} ${tHi}`);
  const [lLo] = plotYRange(ACTIVATIONS.leaky_relu, [-5, 5]);
  assert.ok(lLo < -0.05, `${lLo}`);
});
