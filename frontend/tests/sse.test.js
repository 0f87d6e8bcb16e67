import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSseParser, parseSse } from '../js/model/sse.js';

test('parseSse reads event and data fields, one event per blank line', () => {
  const text = 'event: start\ndata: {"a":1}\n\nevent: step\ndata: {"step":0}\n\nevent: done\ndata: {}\n\n';
  const evs = parseSse(text);
  assert.deepEqual(evs.map((e) => e.event), ['start', 'step', 'done']);
  assert.deepEqual(JSON.parse(evs[1].data), { step: 0 });
});

test('events split across chunks at any byte come out whole and once', () => {
  const text = 'event: step\ndata: {"step":1,"loss":0.5}\n\nevent: step\ndata: {"step":2,"loss":0.25}\n\n';
  for (let cut = 0; cut <= text.length; cut++) {
    const p = createSseParser();
    const evs = [...p.push(text.slice(0, cut)), ...p.push(text.slice(cut)), ...p.end()];
    assert.equal(evs.length, 2, `cut at ${cut}`);
    assert.deepEqual(evs.map((e) => JSON.parse(e.data).step), [1, 2]);
  }
  // One character at a time.
  const p = createSseParser();
  const evs = [];
  for (const ch of text) evs.push(...p.push(ch));
  assert.equal(evs.length, 2);
});

test('CRLF, CR and LF line endings; a CR at a chunk end waits for a possible LF', () => {
  assert.deepEqual(parseSse('data: a\r\n\r\ndata: b\r\rdata: c\n\n').map((e) => e.data), ['a', 'b', 'c']);
  const p = createSseParser();
  assert.deepEqual(p.push('data: x\r'), []);
  assert.deepEqual(p.push('\n'), []);
  assert.deepEqual(p.push('\r').map((e) => e.data), []);
  assert.deepEqual(p.push('\n').map((e) => e.data), ['x']);
});

test('multi-line data, comments, missing space, no-colon fields, default type, ids', () => {
  const evs = parseSse(': keep-alive\nid: 7\ndata:one\ndata: two\ndata\n\n');
  assert.equal(evs.length, 1);
  assert.equal(evs[0].event, 'message');
  assert.equal(evs[0].data, 'one\ntwo\n');
  assert.equal(evs[0].id, '7');
  // Only the first space after the colon is removed.
  assert.equal(parseSse('data:  x\n\n')[0].data, ' x');
});

test('an event without data is not dispatched; an unfinished one at the end is dropped', () => {
  assert.deepEqual(parseSse('event: ping\n\n'), []);
  assert.deepEqual(parseSse('event: step\ndata: {"step": 3}\n'), []);
  assert.deepEqual(parseSse('event: step\ndata: {}\n\r').map((e) => e.event), ['step']);
});

test('a byte order mark at the start of the stream is ignored', () => {
  assert.equal(parseSse('\uFEFFevent: start\ndata: 1\n\n')[0].event, 'start');
});
