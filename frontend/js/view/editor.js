// The program editor: a textarea over a mirror that marks the error, with a line-number gutter.
import { h, setText } from './dom.js';
import { errorRange, errorText } from '../model/errors.js';

/**
 * @param {HTMLElement} root a .editor element containing textarea#source
 * @param {HTMLElement} errorEl #error
 * @param {{onInput?: (text: string) => void}} handlers
 */
export function createEditor(root, errorEl, handlers = {}) {
  const ta = root.querySelector('textarea');
  const gutter = h('div', { class: 'gutter', 'aria-hidden': 'true' });
  const mirror = h('div', { class: 'mirror', 'aria-hidden': 'true' });
  root.prepend(gutter);
  root.insertBefore(mirror, ta);
  let errors = [];

  // The gutter's lines are added and removed as the program's line count changes, and only the lines
  // whose error mark changes are touched: a 1,000-line program keeps its 1,000 numbers.
  let marked = new Set(); // line numbers marked .err now
  const renderGutter = () => {
    let lines = 1;
    for (let i = ta.value.indexOf('\n'); i !== -1; i = ta.value.indexOf('\n', i + 1)) lines++;
    const have = gutter.childElementCount;
    if (have < lines) gutter.append(...Array.from({ length: lines - have }, (_, i) => h('div', { class: 'ln', text: String(have + i + 1) })));
    for (let n = have; n > lines; n--) gutter.lastElementChild?.remove();
    const errLines = new Set(errors.map((e) => e.line).filter((l) => l !== null && l <= lines));
    for (const n of marked) if (!errLines.has(n)) gutter.children[n - 1]?.classList.remove('err');
    for (const n of errLines) gutter.children[n - 1]?.classList.add('err');
    marked = errLines;
  };

  const renderMirror = () => {
    const text = ta.value;
    const ranges = errors.map((e) => errorRange(text, e)).filter(Boolean).sort((a, b) => a[0] - b[0]);
    const parts = [];
    let at = 0;
    for (const [a, b] of ranges) {
      if (a < at) continue;
      parts.push(document.createTextNode(text.slice(at, a)));
      const marked = text.slice(a, b);
      parts.push(h('mark', { class: marked && marked !== '\n' ? 'err' : 'err caret', text: marked && marked !== '\n' ? marked : ' ' }));
      at = marked === '\n' ? a : b;
    }
    parts.push(document.createTextNode(`${text.slice(at)}\n`));
    mirror.replaceChildren(...parts);
  };

  const syncScroll = () => {
    mirror.scrollTop = ta.scrollTop;
    mirror.scrollLeft = ta.scrollLeft;
    gutter.scrollTop = ta.scrollTop;
  };
  // After new content, in the next frame: reading scrollTop at once lays out the whole page in the
  // middle of the task (35 ms when a 1,000-line program's error clears), and again after it.
  let scrollQueued = false;
  const syncScrollSoon = () => {
    if (scrollQueued) return;
    scrollQueued = true;
    requestAnimationFrame(() => {
      scrollQueued = false;
      syncScroll();
    });
  };

  ta.addEventListener('input', () => {
    renderGutter();
    renderMirror();
    handlers.onInput?.(ta.value);
  });
  ta.addEventListener('scroll', syncScroll);
  ta.addEventListener('keydown', (ev) => {
    if (ev.key === 'Tab' && !ev.shiftKey && !ev.ctrlKey && !ev.metaKey) {
      // Two spaces instead of leaving the editor; Shift+Tab / Esc then Tab still move focus.
      if (ta.dataset.tabTrap === 'off') return;
      ev.preventDefault();
      ta.setRangeText('  ', ta.selectionStart, ta.selectionEnd, 'end');
      ta.dispatchEvent(new Event('input'));
    } else if (ev.key === 'Escape') {
      ta.dataset.tabTrap = 'off';
    }
  });
  ta.addEventListener('blur', () => {
    delete ta.dataset.tabTrap;
  });

  return {
    get value() {
      return ta.value;
    },
    set value(v) {
      ta.value = v;
      renderGutter();
      renderMirror();
      syncScroll();
    },
    /** Show errors ([] or null clears). Each {message, line, column, span}. */
    setErrors(list) {
      // No errors before nor now (every answer of a slider's drag): the 1,000-line gutter stays.
      if (!errors.length && !list?.length) return;
      errors = list ?? [];
      root.classList.toggle('has-error', errors.length > 0);
      ta.setAttribute('aria-invalid', errors.length ? 'true' : 'false');
      setText(errorEl, errors.map(errorText).join('\n'));
      errorEl.hidden = errors.length === 0;
      renderGutter();
      renderMirror();
      syncScrollSoon();
    },
    setReadOnly(on) {
      ta.readOnly = on;
      root.classList.toggle('readonly', on);
    },
    focus: () => ta.focus(),
  };
}
