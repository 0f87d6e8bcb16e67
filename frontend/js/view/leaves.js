// Leaf value controls: a number field and a slider per scalar leaf, a text field for array leaves.
// Rows are rebuilt only when the set of leaves changes, so a slider being dragged is never replaced.
import { h, setText } from './dom.js';
import { formatNumber } from '../model/format.js';
import { arrayValueError } from '../model/state.js';
import { t, getLocale } from '../i18n.js';

function sliderRange(v) {
  const span = Math.max(2, Math.abs(v) * 2);
  const lo = Math.floor((v - span) * 100) / 100;
  const hi = Math.ceil((v + span) * 100) / 100;
  return { lo, hi, step: Number(((hi - lo) / 400).toPrecision(2)) };
}

/**
 * @param {HTMLElement} root #leaves
 * @param {{onChange: (name: string, value: number | number[]) => void, onSelect?: (name) => void}} handlers
 */
export function createLeafControls(root, handlers) {
  let key = '';
  let rows = new Map();
  let disabled = false;

  function build(leaves) {
    rows = new Map();
    const items = leaves.map((n) => {
      const name = n.name ?? n.id;
      const isArray = Array.isArray(n.value);
      const row = h('div', { class: 'leaf-row', dataset: { leafRow: name } });
      // The naming rule, visible: w…, b…, weight…, bias…, theta… are parameters (what Train changes).
      const kindText = n.kind === 'param' ? t('leaves.param') : t('leaves.input');
      const label = h('button', { type: 'button', class: `leaf-name kind-${n.kind ?? 'input'}`, title: `${t('leaves.select', { name })} · ${kindText}`, text: name });
      label.addEventListener('click', () => handlers.onSelect?.(name));
      row.append(label);
      if (isArray) {
        const text = h('input', { type: 'text', class: 'leaf-array', 'data-leaf': name, spellcheck: 'false', 'aria-label': t('leaf.value', { name }) });
        text.value = JSON.stringify(n.value);
        text.addEventListener('change', () => {
          // What is wrong is said at the field, not at the program's line the server would point to.
          let why;
          let v;
          try {
            v = JSON.parse(text.value);
            why = arrayValueError(v);
          } catch {
            why = 'not an array: write it like [1, 2] or [[1, 2], [3, 4]]';
          }
          text.classList.toggle('invalid', !!why);
          text.setAttribute('aria-invalid', String(!!why));
          text.title = why ? `${name}: ${why}` : '';
          setText(fieldError, why ? `${name}: ${why}` : '');
          if (!why) handlers.onChange(name, v);
        });
        const fieldError = h('span', { class: 'leaf-error', role: 'alert' });
        row.append(text, fieldError);
        rows.set(name, { text, isArray });
      } else {
        const v = typeof n.value === 'number' ? n.value : 0;
        const r = sliderRange(v);
        const num = h('input', { type: 'number', class: 'leaf-number', 'data-leaf': name, step: 'any', 'aria-label': t('leaf.value', { name }) });
        const range = h('input', { type: 'range', class: 'leaf-range', 'data-leaf': name, min: r.lo, max: r.hi, step: r.step, 'aria-label': t('leaf.slider', { name }) });
        num.value = String(v);
        num.title = String(v); // the whole number, when the field is too narrow to show it
        range.value = String(v);
        const grad = h('span', { class: 'leaf-grad', title: t('leaf.grad') });
        num.addEventListener('input', () => {
          const x = Number(num.value);
          if (num.value.trim() === '' || !Number.isFinite(x)) return;
          if (x < Number(range.min)) range.min = String(sliderRange(x).lo);
          if (x > Number(range.max)) range.max = String(sliderRange(x).hi);
          range.value = String(x);
          handlers.onChange(name, x);
        });
        range.addEventListener('input', () => {
          const x = Number(range.value);
          num.value = String(x);
          handlers.onChange(name, x);
        });
        row.append(num, range, grad);
        rows.set(name, { num, range, grad, isArray });
      }
      return row;
    });
    const rule = leaves.some((n) => n.kind === 'param') ? [h('p', { class: 'muted small leaf-rule', text: t('leaves.rule') })] : [];
    root.replaceChildren(...(items.length ? [...items, ...rule] : [h('p', { class: 'muted', text: t('leaf.none') })]));
  }

  return {
    /** Show the current leaves; keeps rows (and any active drag) when the names are unchanged. */
    update(leaves, selected = null) {
      // Another language is another key too: the rows' labels are written again.
      const k = `${getLocale()}|${leaves.map((n) => `${n.name ?? n.id}:${Array.isArray(n.value)}`).join(',')}`;
      if (k !== key) {
        key = k;
        build(leaves);
      }
      // The focused field, also inside a shadow root (the notebook widget, <pathgrad-graph>).
      const focused = /** @type {Document | ShadowRoot} */ (root.getRootNode()).activeElement ?? document.activeElement;
      for (const n of leaves) {
        const name = n.name ?? n.id;
        const r = rows.get(name);
        if (!r) continue;
        if (r.isArray) {
          if (focused !== r.text) r.text.value = JSON.stringify(n.value);
        } else {
          const v = typeof n.value === 'number' ? n.value : null;
          if (v !== null && focused !== r.num && Number(r.num.value) !== v) r.num.value = String(v);
          if (v !== null) r.num.title = String(v);
          if (v !== null && focused !== r.range && Number(r.range.value) !== v) {
            if (v < Number(r.range.min) || v > Number(r.range.max)) {
              const rr = sliderRange(v);
              r.range.min = String(rr.lo);
              r.range.max = String(rr.hi);
              r.range.step = String(rr.step);
            }
            r.range.value = String(v);
          }
          setText(r.grad, `∂ ${formatNumber(n.grad, 4)}`);
        }
      }
      for (const row of /** @type {NodeListOf<HTMLElement>} */ (root.querySelectorAll('.leaf-row'))) row.classList.toggle('selected', row.dataset.leafRow === selected);
      for (const el of root.querySelectorAll('input')) el.disabled = disabled;
    },
    setDisabled(on) {
      disabled = on;
      for (const el of root.querySelectorAll('input')) el.disabled = on;
    },
  };
}
