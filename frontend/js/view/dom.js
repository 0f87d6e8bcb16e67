// Small DOM helpers. User text enters the DOM only through textContent (never innerHTML).

const SVG_NS = 'http://www.w3.org/2000/svg';

/** Create an HTML element: h('li', {class: 'x', dataset: {id: 'n0'}}, 'text', child). */
export function h(tag, attrs = {}, ...children) {
  return fill(document.createElement(tag), attrs, children);
}

/** Create an SVG element. */
export function s(tag, attrs = {}, ...children) {
  return fill(document.createElementNS(SVG_NS, tag), attrs, children);
}

function fill(el, attrs, children) {
  for (const [k, v] of Object.entries(attrs ?? {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k === 'text') el.textContent = v;
    else if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.setAttribute('class', v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    el.append(typeof c === 'string' || typeof c === 'number' ? document.createTextNode(String(c)) : c);
  }
  return el;
}

/** Set text only when it changed (cheap in-place updates). */
export function setText(el, text) {
  if (el && el.textContent !== text) el.textContent = text;
}

/**
 * Make a <select>'s or <datalist>'s options `items` ({value, text}), keeping the options that open and
 * close the list as they are: a program of a thousand statements has a thousand options, and an edit
 * changes one or two of them (rebuilding all of them cost a style and layout pass of thousands).
 * @param {HTMLSelectElement | HTMLDataListElement} list
 * @param {{value: string, text?: string}[]} items
 */
export function setOptions(list, items) {
  const now = list.children;
  const same = (el, it) => el.value === it.value && el.textContent === (it.text ?? '');
  let head = 0;
  while (head < now.length && head < items.length && same(now[head], items[head])) head++;
  let tail = 0;
  while (tail < now.length - head && tail < items.length - head && same(now[now.length - 1 - tail], items[items.length - 1 - tail])) tail++;
  for (let i = now.length - tail - 1; i >= head; i--) now[i].remove();
  const before = now[head] ?? null;
  const fresh = items.slice(head, items.length - tail).map((it) => h('option', { value: it.value, text: it.text ?? '' }));
  if (before) before.before(...fresh);
  else list.append(...fresh);
}

/** Offer a string or Blob as a file download. */
export function download(filename, data, type = 'text/plain') {
  const blob = data instanceof Blob ? data : new Blob([data], { type });
  const url = URL.createObjectURL(blob);
  const a = h('a', { href: url, download: filename });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

/** True when keyboard focus is in a text field (shortcuts must not fire there). */
export function typingInField(target) {
  const t = target;
  if (!t || !t.tagName) return false;
  if (t.isContentEditable) return true;
  if (t.tagName === 'TEXTAREA' || t.tagName === 'SELECT') return true;
  if (t.tagName === 'INPUT') return !['range', 'checkbox', 'button', 'radio'].includes(t.type);
  return false;
}
