import { test } from 'node:test';
import assert from 'node:assert/strict';
import { witnesses, kindSums } from '../js/view/paths-panel.js';
import { fixture } from './helpers.js';

const diamond = () => ({
  ...fixture('diamond.paths-b.json'),
  forward_mode: 5, forward_mode_kind: null,
  finite_difference: 5, finite_difference_kind: null, finite_difference_error: 1.2e-12,
  finite_difference_resolves: true, finite_difference_verdict: 'agrees',
  gradient_kind: null, listed_sum_kind: null, remainder_kind: null, reasons: {},
});

test('both witnesses agree: forward mode and the finite difference with its error', () => {
  const w = witnesses(diamond());
  assert.equal(w.gradient, '5');
  assert.equal(w.forward, '5');
  assert.equal(w.fd, '5 ± 1.2e-12');
  assert.equal(w.check, '✓ the 2 path products add up to the reverse-mode gradient; forward mode agrees ✓; finite difference agrees ✓');
  assert.equal(w.level, 'ok');
});

test('a finite difference that cannot resolve the gradient is no tick', () => {
  // The sigmoid chain's lesson: a gradient below the estimate's error is not "agrees ✓".
  const pj = {
    ...diamond(), paths: [{ ...diamond().paths[0], product: 1e-19 }], listed_sum: 1e-19, gradient: 1e-19,
    forward_mode: 1e-19, finite_difference: 0, finite_difference_error: 2.5e-14,
    finite_difference_resolves: false, finite_difference_verdict: 'unresolved', count: '1',
  };
  const w = witnesses(pj);
  assert.match(w.check, /^✓ the one path's product is the reverse-mode gradient; forward mode agrees ✓; /);
  assert.match(w.check, /finite difference cannot resolve below ~2\.5e-14/);
  assert.doesNotMatch(w.check, /finite difference agrees/);
  assert.equal(w.level, 'warn');
  assert.equal(witnesses({ ...pj, finite_difference_verdict: 'differs' }).level, 'bad');
});

test('a gradient that is not finite is explained, not called a sum that does not add up', () => {
  const pj = {
    ...diamond(),
    paths: [{ ...diamond().paths[0], product: null, product_kind: 'inf' }, { ...diamond().paths[1], product: null, product_kind: '-inf' }],
    listed_sum: null, listed_sum_kind: 'nan', gradient: null, gradient_kind: 'nan', remainder: null, remainder_kind: 'nan',
    forward_mode: null, forward_mode_kind: 'nan', finite_difference: null, finite_difference_kind: 'nan',
    finite_difference_error: null, finite_difference_resolves: false, finite_difference_verdict: 'nonfinite',
    reasons: { gradient: 'reverse mode adds the same products: ∞ + (−∞) is undefined' },
  };
  const w = witnesses(pj);
  assert.equal(w.gradient, 'NaN');
  assert.equal(w.check, 'the gradient is NaN, not a finite number: reverse mode adds the same products: ∞ + (−∞) is undefined');
  assert.doesNotMatch(w.check, /do not add up/);
  assert.equal(w.level, 'warn');
  assert.equal(witnesses({ ...pj, gradient_kind: 'inf', reasons: {} }).check, 'the gradient is ∞, not a finite number');
});

test('forward mode disagreeing with reverse mode is a ✗', () => {
  const w = witnesses({ ...diamond(), forward_mode: 5.1 });
  assert.match(w.check, /forward mode gives 5\.1 ✗/);
  assert.equal(w.level, 'bad');
});

test('an answer without the new fields falls back to the old comparison', () => {
  const old = fixture('diamond.paths-b.json');
  for (const k of ['forward_mode', 'forward_mode_kind', 'finite_difference_error', 'finite_difference_resolves', 'finite_difference_verdict']) delete old[k];
  const w = witnesses(old);
  assert.equal(w.forward, '');
  assert.match(w.check, /finite difference agrees ✓$/);
});

test('running sums count a null product as its kind', () => {
  const paths = [{ product: 2 }, { product: null, product_kind: '-inf' }, { product: 1 }, { product: null, product_kind: 'inf' }];
  const sums = kindSums(paths);
  assert.deepEqual(sums.slice(0, 3), [2, -Infinity, -Infinity]);
  assert.ok(Number.isNaN(sums[3]));
});
