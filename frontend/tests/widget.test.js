import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createKernelApi } from '../js/widget.js';

const DIAMOND = 'a = 2; b = 1; e = (a+b)*(b+1)';

/** anywidget's model interface, with a kernel that answers what `reply` says (or nothing). */
function fakeModel(snapshot, reply) {
  const listeners = new Map();
  const sent = [];
  return {
    sent,
    get: (name) => (name === 'snapshot' ? snapshot : undefined),
    on: (event, fn) => listeners.set(event, [...(listeners.get(event) ?? []), fn]),
    off: (event, fn) => listeners.set(event, (listeners.get(event) ?? []).filter((f) => f !== fn)),
    send(content) {
      sent.push(content);
      const answer = reply?.(content);
      if (answer) queueMicrotask(() => (listeners.get('msg:custom') ?? []).forEach((fn) => fn(answer, [])));
    },
  };
}

const snapshot = {
  state: { source: DIAMOND, values: {}, input: 'b', output: null, view: 'operations' },
  graph: { nodes: [], edges: [], view: 'operations' },
  pathsByInput: { b: { gradient: 5 } },
  ops: [{ name: 'add' }],
};

test('a request the snapshot holds is answered without the kernel', async () => {
  const model = fakeModel(snapshot, () => assert.fail('the kernel was asked'));
  const api = createKernelApi(model);
  assert.equal((await api.paths({ source: DIAMOND, input: 'b', limit: 20 })).body.gradient, 5);
  assert.equal((await api.graph({ source: DIAMOND, options: { expand: false } })).ok, true);
  assert.deepEqual((await api.ops()).body, [{ name: 'add' }]);
  assert.equal(model.sent.length, 0);
});

test('any other request goes to the kernel as a custom message, and its answer comes back', async () => {
  const model = fakeModel(snapshot, (m) => ({ type: 'answer', id: m.id, status: 200, body: { gradient: 6, asked: m } }));
  const api = createKernelApi(model);
  const res = await api.paths({ source: DIAMOND, input: 'b', values: { a: 3 }, limit: 20 });
  assert.equal(res.ok, true);
  assert.equal(res.body.gradient, 6);
  assert.equal(res.body.asked.kind, 'paths');
  assert.deepEqual(res.body.asked.body.values, { a: 3 });
  // Another view, another expansion: not the snapshot's either.
  await api.graph({ source: DIAMOND, view: 'values' });
  await api.graph({ source: DIAMOND, options: { expand: true } });
  assert.equal(model.sent.length, 3);
  assert.ok(model.sent.every((m) => m.type === 'request'));
  assert.equal(new Set(model.sent.map((m) => m.id)).size, 3);
});

test("an error answer keeps the API's status and body", async () => {
  const detail = [{ loc: ['body', 'input'], msg: 'no statement named q' }];
  const model = fakeModel(snapshot, (m) => ({ type: 'answer', id: m.id, status: 422, body: { detail } }));
  const res = await createKernelApi(model).paths({ source: DIAMOND, input: 'q' });
  assert.deepEqual([res.ok, res.status, res.body.detail], [false, 422, detail]);
});

test('a superseded request rejects as an abort; a kernel that never answers times out with a reason', async () => {
  const silent = fakeModel(snapshot, () => null);
  const ctl = new AbortController();
  const pending = createKernelApi(silent).paths({ source: 'x = 1', input: 'x' }, ctl.signal);
  ctl.abort();
  await assert.rejects(pending, { name: 'AbortError' });
  const res = await createKernelApi(silent, 20).graph({ source: 'x = 1' });
  assert.equal(res.status, 0);
  assert.match(res.body.detail, /kernel did not answer/);
});

test('answers for another view of the same model are not taken', async () => {
  let other = null;
  const model = fakeModel(snapshot, (m) => {
    other = { type: 'answer', id: `someone-else:${m.id.split(':')[1]}`, status: 200, body: {} };
    return other;
  });
  const res = await createKernelApi(model, 30).graph({ source: 'x = 1' });
  assert.ok(other);
  assert.equal(res.status, 0); // only its own id resolves it
});
