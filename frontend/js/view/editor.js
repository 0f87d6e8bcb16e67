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

  const renderGutter = () => {
    const lines = ta.value.split('\n').length;
    const errLines = new Set(errors.map((e) => e.line).filter((l) => l !== null));
    if (gutter.childElementCount !== lines || gutter.dataset.err !== [...errLines].join(',')) {
      gutter.replaceChildren(
        ...Array.from({ length: lines }, (_, i) => h('div', { class: errLines.has(i + 1) ? 'ln err' : 'ln', text: String(i + 1) })),
      );
      gutter.dataset.err = [...errLines].join(',');
    }
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
      syncScroll();
    },
    setReadOnly(on) {
      ta.readOnly = on;
      root.classList.toggle('readonly', on);
    },
    focus: () => ta.focus(),
  };
}
