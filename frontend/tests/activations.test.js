import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ACTIVATIONS, sampleCurve, markers, LEAKY_SLOPE } from '../js/model/activations.js';

const close = (a, b, eps = 1e-12) => assert.ok(Math.abs(a - b) < eps, `${a} vs ${b}`);

test('the four activations and their derivatives, with the engine\'s kink values', () => {
  const { sigmoid, tanh, relu, leaky_relu: leaky } = ACTIVATIONS;
  close(sigmoid.f(0), 0.5);
  close(sigmoid.df(0), 0.25);
  close(sigmoid.f(-800), 0);
  assert.ok(Number.isFinite(sigmoid.f(-800)) && Number.isFinite(sigmoid.df(800)));
  close(tanh.df(0), 1);
  assert.equal(relu.f(-2), 0);
  assert.equal(relu.df(0), 0);
  assert.equal(relu.df(3), 1);
  assert.equal(leaky.f(-2), -2 * LEAKY_SLOPE);
  assert.equal(leaky.df(0), LEAKY_SLOPE);
  // Finite differences agree away from the kink.
  for (const a of Object.values(ACTIVATIONS)) {
    for (const x of [-2.3, -0.4, 0.7, 3.1]) close((a.f(x + 1e-6) - a.f(x - 1e-6)) / 2e-6, a.df(x), 1e-6);
  }
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
  const m = markers('relu', units, [-5, 5]);
  assert.deepEqual(m.map((x) => x.label), ['h1', 'H[0]', 'H[1]']);
  assert.deepEqual(m.map((x) => x.df), [0, 1, 1]);
  assert.equal(m[2].shownX, 5);
  assert.equal(m[2].clipped, true);
  assert.equal(m[2].x, 9);
  assert.equal(markers('nope', units, [-5, 5]).length, 0);
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
