import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  pathTimeline, pathStateAt, sweepTimeline, sweepStateAt, nextStop, prevStop, pathStartTime, PATH_TIMING,
} from '../js/model/schedule.js';
import { reverseSweep, forwardSweep } from '../js/model/paths.js';
import { indexGraph } from '../js/model/graph-model.js';
import { fixture } from './helpers.js';

const T = { startMs: 100, edgeMs: 1000, arriveMs: 500, gapMs: 100 };

test('path timeline: events per path, durations add up', () => {
  const { paths } = fixture('diamond.paths-b.json');
  const tl = pathTimeline(paths, T);
  const types = tl.events.map((e) => e.type);
  assert.deepEqual(types, ['path', 'edge', 'edge', 'arrive', 'path', 'edge', 'edge', 'arrive', 'done']);
  assert.equal(tl.duration, 2 * (100 + 2 * 1000 + 500 + 100));
  const edges = tl.events.filter((e) => e.type === 'edge');
  assert.deepEqual(edges.map((e) => e.product), [1, 3, 1, 2]);
  assert.deepEqual(edges.map((e) => e.factor), [1, 3, 1, 2]);
  const arrive = tl.events.filter((e) => e.type === 'arrive');
  assert.deepEqual(arrive.map((e) => e.sum), [3, 5]);
  assert.equal(tl.events.at(-1).sum, 5);
  // events sorted in time
  for (let i = 1; i < tl.events.length; i++) assert.ok(tl.events[i].t >= tl.events[i - 1].t);
});

test('state at t: multiply along, add across', () => {
  const { paths } = fixture('diamond.paths-b.json');
  const tl = pathTimeline(paths, T);
  let s = pathStateAt(tl, -1);
  assert.equal(s.phase, 'idle');
  assert.equal(s.sum, 0);
  s = pathStateAt(tl, 50);
  assert.equal(s.phase, 'start');
  assert.equal(s.product, 1);
  s = pathStateAt(tl, 100 + 500 + 1000); // half-way along the second edge of path 0
  assert.equal(s.phase, 'travel');
  assert.equal(s.product, 1);
  assert.equal(s.pulse.edge, 'e5');
  assert.ok(Math.abs(s.pulse.frac - 0.5) < 1e-9);
  s = pathStateAt(tl, 100 + 2000 + 10); // arrived, not yet added
  assert.equal(s.phase, 'arrive');
  assert.equal(s.product, 3);
  assert.equal(s.sum, 0);
  s = pathStateAt(tl, 100 + 2000 + 500); // added
  assert.equal(s.sum, 3);
  assert.equal(s.arrived, 1);
  s = pathStateAt(tl, 2700 + 100 + 1000 + 1); // path 1, after its first edge
  assert.equal(s.path, 1);
  assert.equal(s.step, 1);
  assert.equal(s.product, 1);
  assert.equal(s.sum, 3);
  s = pathStateAt(tl, tl.duration);
  assert.equal(s.phase, 'done');
  assert.equal(s.sum, 5);
  assert.equal(s.done, true);
});

test('stepping goes from stop to stop, both ways', () => {
  const { paths } = fixture('diamond.paths-b.json');
  const tl = pathTimeline(paths, T);
  const seen = [];
  let t = 0;
  while (t < tl.duration) {
    t = nextStop(tl, t);
    seen.push(t);
  }
  assert.deepEqual(seen, [100, 1100, 2100, 2600, 2800, 3800, 4800, 5300, 5400]);
  assert.equal(prevStop(tl, 2100), 1100);
  assert.equal(prevStop(tl, 0), 0);
  assert.equal(pathStartTime(tl, 1), 2700);
});

test('non-finite factors propagate as null, and a zero-length path is its own product', () => {
  const tl = pathTimeline([
    { nodes: ['a', 'b'], edges: ['e0'], factors: [null], product: null },
    { nodes: ['a'], edges: [], factors: [], product: 1 },
  ]);
  assert.equal(tl.events.find((e) => e.type === 'arrive').sum, null);
  const tl2 = pathTimeline([{ nodes: ['a'], edges: [], factors: [], product: 1 }]);
  assert.equal(pathStateAt(tl2, tl2.duration).sum, 1);
});

test('empty path list', () => {
  const tl = pathTimeline([]);
  assert.equal(tl.duration, 0);
  assert.equal(pathStateAt(tl, 0).sum, 0);
  assert.equal(pathStateAt(tl, 0).done, true);
  assert.ok(PATH_TIMING.edgeMs > 0);
});

test('reverse sweep timeline: nodes light in reverse order, multiplications counted', () => {
  const g = indexGraph(fixture('diamond.graph.json'));
  const tl = sweepTimeline(reverseSweep(g, 'n5').steps, 'reverse', { nodeMs: 10, edgeMs: 10 });
  const end = sweepStateAt(tl, tl.duration);
  assert.equal(end.done, true);
  assert.equal(end.mults, 6);
  assert.equal(end.completed.get('n1'), 5);
  assert.equal(end.completed.get('n0'), 2);
  assert.equal(end.partial.get('n1'), 5);
  const first = sweepStateAt(tl, 0);
  assert.deepEqual([...first.completed.keys()], ['n5']);
  const mid = sweepStateAt(tl, 15); // output's two pushes in flight
  assert.equal(mid.pulses.length, 2);
  assert.equal(mid.mults, 0);
  const fwd = sweepTimeline(forwardSweep(g, 'n1').steps, 'forward', { nodeMs: 10, edgeMs: 10 });
  const fend = sweepStateAt(fwd, fwd.duration);
  assert.equal(fend.completed.get('n5'), 5);
  assert.equal(fend.mults, 4);
});

test('stopAtOrBefore: the last stop at or before a time (what reduced motion draws)', async () => {
  const { stopAtOrBefore } = await import('../js/model/schedule.js');
  const tl = { stops: [0, 100, 250, 400], duration: 400 };
  assert.equal(stopAtOrBefore(tl, 0), 0);
  assert.equal(stopAtOrBefore(tl, 99.9), 0);
  assert.equal(stopAtOrBefore(tl, 100), 100);
  assert.equal(stopAtOrBefore(tl, 399), 250);
  assert.equal(stopAtOrBefore(tl, 1000), 400);
});
