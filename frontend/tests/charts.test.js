import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  linearScale, logScale, logDomain, logTicks, niceTicks, linePath, thinSeries, rampColor, heatScale, heatColumns, ZERO_COLOR,
} from '../js/model/charts.js';

const close = (a, b, eps = 1e-9) => assert.ok(Math.abs(a - b) < eps, `${a} vs ${b}`);

test('linearScale maps and inverts; a zero-width domain maps to the middle', () => {
  const x = linearScale([0, 10], [100, 200]);
  assert.equal(x(0), 100);
  assert.equal(x(5), 150);
  assert.equal(x.invert(175), 7.5);
  assert.equal(linearScale([3, 3], [0, 10])(3), 5);
});

test('logScale: decades are evenly spaced; zeros, negatives and NaN sit on the floor', () => {
  const y = logScale([1e-3, 1], [300, 0]);
  assert.equal(y(1e-3), 300);
  assert.equal(y(1), 0);
  close(y(1e-2), 200);
  close(y(1e-1), 100);
  assert.equal(y(0), 300);
  assert.equal(y(-5), 300);
  assert.equal(y(NaN), 300);
  assert.equal(y(1e-9), 300, 'below the domain: clamped to the floor');
  assert.equal(y(1e9), 0, 'above: clamped to the top');
  assert.equal(y.isFloor(0), true);
  assert.equal(y.isFloor(1e-9), false, 'a tiny positive value is a value, not a zero');
});

test('logDomain: whole decades around the values, an extra one for zeros, a fallback', () => {
  assert.deepEqual(logDomain([0.5, 1.2]), [0.1, 10]);
  assert.deepEqual(logDomain([0.002, 0.3]), [1e-3, 1]);
  assert.deepEqual(logDomain([1e-9, 0.5, 0], { zeroRoom: true }), [1e-10, 1]);
  assert.deepEqual(logDomain([1e-9, 0.5]), [1e-9, 1]);
  assert.deepEqual(logDomain([0, 0, null]), [1e-3, 1]);
  assert.deepEqual(logDomain([], { fallback: [1, 10] }), [1, 10]);
  // A flat series still gets a decade.
  const [a, b] = logDomain([1, 1, 1]);
  assert.ok(b / a >= 10);
});

test('logTicks: powers of ten, thinned to at most max, keeping the top one', () => {
  assert.deepEqual(logTicks([1e-3, 1]), [1e-3, 1e-2, 1e-1, 1]);
  assert.deepEqual(logTicks([1, 10]), [1, 2, 5, 10]);
  assert.deepEqual(logTicks([0.1, 10]), [0.1, 1, 10]);
  assert.deepEqual(logTicks([1e-12, 1], 4), [1e-12, 1e-8, 1e-4, 1]);
  const t = logTicks([1e-12, 1], 4);
  assert.ok(t.length <= 4);
  assert.equal(t[t.length - 1], 1);
  for (const v of t) close(Math.log10(v), Math.round(Math.log10(v)));
});

test('niceTicks are 1/2/5 steps inside the range', () => {
  assert.deepEqual(niceTicks([0, 3000], 3), [0, 1000, 2000, 3000]);
  assert.deepEqual(niceTicks([0, 1], 5), [0, 0.2, 0.4, 0.6, 0.8, 1]);
  assert.deepEqual(niceTicks([0, 30000], 4), [0, 10000, 20000, 30000]);
  assert.deepEqual(niceTicks([2, 2]), [2]);
});

test('linePath draws M/L commands and breaks at gaps', () => {
  assert.equal(linePath([[0, 0], [1, 2], [2, 1]]), 'M0.0,0.0L1.0,2.0L2.0,1.0');
  assert.equal(linePath([[0, 0], null, [2, 1], [3, NaN], [4, 4]]), 'M0.0,0.0 M2.0,1.0 M4.0,4.0');
  assert.equal(linePath([]), '');
});

test('thinSeries keeps short series and the extremes of long ones', () => {
  const short = [[0, 1], [1, 2]];
  assert.equal(thinSeries(short, 10), short);
  const long = Array.from({ length: 5000 }, (_, i) => [i, i === 2500 ? 100 : 1 / (i + 1)]);
  const thin = thinSeries(long, 300);
  assert.ok(thin.length <= 302, String(thin.length));
  assert.ok(thin.some((p) => p[1] === 100), 'the spike survives');
  assert.equal(thin[0], long[0]);
  assert.equal(thin[thin.length - 1], long[long.length - 1]);
  for (let i = 1; i < thin.length; i++) assert.ok(thin[i][0] > thin[i - 1][0]);
});

test('rampColor: the ends of the ramp, and zero outside it', () => {
  assert.equal(rampColor(0), 'rgb(68,1,84)');
  assert.equal(rampColor(1), 'rgb(253,231,37)');
  assert.equal(rampColor(2), 'rgb(253,231,37)');
  assert.equal(rampColor(null), ZERO_COLOR);
  assert.match(rampColor(0.5), /^rgb\(\d+,\d+,\d+\)$/);
});

test('heatScale is logarithmic over the positive values; zero is null', () => {
  const sc = heatScale([1e-8, 1e-4, 1, 0]);
  assert.equal(sc(1e-8), 0);
  assert.equal(sc(1), 1);
  close(sc(1e-4), 0.5);
  assert.equal(sc(0), null);
  assert.equal(sc(NaN), null);
  assert.equal(sc.min, 1e-8);
  // An outlier far below is clamped at maxDecades under the largest value.
  const sc2 = heatScale([1e-30, 1e-2, 1], 4);
  assert.equal(sc2.min, 1e-4);
  assert.equal(sc2(1e-30), 0);
  assert.equal(heatScale([0, 0])(0), null);
  assert.equal(heatScale([0.3])(0.3), 1);
});

test('heatColumns bins rows into at most maxCols columns with per-layer means', () => {
  const rows = Array.from({ length: 10 }, (_, i) => [i, 2 * i]);
  const cols = heatColumns(rows, 5);
  assert.equal(cols.length, 5);
  assert.deepEqual(cols[0], { from: 0, to: 1, values: [0.5, 1] });
  assert.equal(cols[4].to, 9);
  assert.equal(heatColumns(rows, 100).length, 10);
  assert.deepEqual(heatColumns([], 5), []);
  assert.deepEqual(heatColumns([[null, 0], [NaN, 0]], 1)[0].values, [null, 0]);
});
