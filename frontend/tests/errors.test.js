import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseApiError, errorText, errorRange, localizeMessage } from '../js/model/errors.js';
import { setLocale } from '../js/i18n.js';
import { fixture } from './helpers.js';

test('FastAPI 422 with a position', () => {
  const [err] = parseApiError(422, fixture('error-422.json'));
  assert.deepEqual(err, { message: "expected an expression, found ')'", line: 2, column: 5, span: [10, 11], type: 'program_error', limit: null });
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

test('in Chinese: the position from ctx, known messages by their pattern, the rest by their type', () => {
  setLocale('zh');
  try {
    /** @type {(msg: string, type?: string, ctx?: Record<string, unknown>) => string} */
    const at = (msg, type = 'program_error', ctx = { line: 3, column: 7, span: [1, 2] }) => errorText(parseApiError(422, { detail: [{ loc: ['body', 'source'], msg, type, ctx }] })[0]);
    assert.equal(at("'foo' is not defined"), '第 3 行第 7 列：“foo”未定义');
    assert.equal(at('expected an expression, found the end of the line'), '第 3 行第 7 列：应为表达式，却遇到行尾');
    assert.equal(at("expected the end of the statement, found '('; only functions can be called (write * to multiply)"), "第 3 行第 7 列：应为语句结尾，却遇到'('；只有函数才能调用（乘法请写 *）");
    assert.equal(at('sigmoid() takes 1 argument (sigmoid(x)), got 2'), '第 3 行第 7 列：sigmoid() 需要 1 个参数（sigmoid(x)），实际给了 2 个');
    // A message the catalog does not know keeps the server's words behind the name of its type.
    assert.equal(at('something new'), '第 3 行第 7 列：程序错误：something new');
    assert.equal(at('too many nodes', 'limit_exceeded', { limit: 'max_nodes' }), '超出限制（max_nodes）：source: too many nodes');
    assert.equal(localizeMessage('stopped after 20 s (max_train_seconds)'), '20 秒后停止（max_train_seconds）');
    assert.equal(parseApiError(0, null)[0].message, '无法连接服务器');
  } finally {
    setLocale('en');
  }
  assert.equal(localizeMessage("'foo' is not defined"), "'foo' is not defined");
});
