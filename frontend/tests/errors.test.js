import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseApiError, errorText, errorRange } from '../js/model/errors.js';
import { fixture } from './helpers.js';

test('FastAPI 422 with a position', () => {
  const [err] = parseApiError(422, fixture('error-422.json'));
  assert.deepEqual(err, { message: "expected an expression, found ')'", line: 2, column: 5, span: [10, 11] });
  assert.equal(errorText(err), "line 2, column 5: expected an expression, found ')'");
  assert.deepEqual(errorRange('a = 2\nb = )', err), [10, 11]);
});

test('a msg that already carries the position is not prefixed twice', () => {
  const body = { detail: [{ loc: ['body', 'source'], msg: 'line 2, column 9: unexpected end', type: 'program_error', ctx: { line: 2, column: 9, span: [14, 14] } }] };
  const [err] = parseApiError(422, body);
  assert.equal(err.message, 'unexpected end');
  assert.equal(errorText(err), 'line 2, column 9: unexpected end');
});

test('position without span', () => {
  const err = { message: 'm', line: 2, column: 3, span: null };
  assert.deepEqual(errorRange('ab\ncdef', err), [5, 6]);
  assert.deepEqual(errorRange('ab\ncd', { ...err, line: 9, column: 99 }), [5, 5]);
});

test('other error shapes', () => {
  const [a] = parseApiError(422, { detail: [{ loc: ['body', 'values', 'a'], msg: 'not a number', type: 't' }] });
  assert.equal(a.line, null);
  assert.equal(errorText(a), 'values.a: not a number');
  assert.equal(parseApiError(400, { detail: 'bad' })[0].message, 'bad');
  assert.equal(parseApiError(500, null)[0].message, 'server error (HTTP 500)');
  assert.equal(parseApiError(0, null)[0].message, 'cannot reach the server');
  assert.equal(errorRange('abc', { message: 'x', line: null, column: null, span: null }), null);
});
