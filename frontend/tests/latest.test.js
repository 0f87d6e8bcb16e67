import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createLatest } from '../js/model/latest.js';

test('the latest ticket wins; cancel drops all in flight', () => {
  const latest = createLatest();
  const a = latest.start();
  const b = latest.start();
  assert.equal(latest.isLatest(a), false);
  assert.equal(latest.isLatest(b), true);
  latest.cancel();
  assert.equal(latest.isLatest(b), false);
  const c = latest.start();
  assert.equal(latest.isLatest(c), true);
  assert.equal(latest.count, 4);
});
