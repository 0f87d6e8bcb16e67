// The paths panel: count, the listed paths with their factors and products, running sums, the
// gradient and its checks, and what each method costs.
import { h, setText } from './dom.js';
import { formatNumber, pathCountText, groupThousands, flatten, shapeOf } from '../model/format.js';
import { runningSums, checkPaths } from '../model/paths.js';
import { t } from '../i18n.js';

const fmt = (x, kind = null) => formatNumber(x, 6, 'NaN', kind);
const MAX_SHOWN = 8;
const MAX_ARRAY_ROWS = 64; // elements of an array input listed with their gradient
const FORWARD_RTOL = 1e-9; // forward and reverse mode add the same products in another order

const finite = (x) => typeof x === 'number' && Number.isFinite(x);

const KIND_NUMBER = { inf: Infinity, '-inf': -Infinity, nan: NaN };

/** The running sums of the products, a null product counted as its kind (∞, −∞, NaN). Pure. */
export function kindSums(paths) {
  let sum = 0;
  return paths.map((p) => {
    const x = typeof p.product === 'number' ? p.product : KIND_NUMBER[p.product_kind] ?? NaN;
    sum += x;
    return sum;
  });
}

/**
 * The paths answer's gradient beside its two witnesses, as text: forward mode (exact) and the
 * finite difference with its own error, and the honest verdict. Pure (no DOM).
 * Returns {listedSum, gradient, forward, fd, check, level} where level is 'ok' | 'warn' | 'bad'.
 */
export function witnesses(pj) {
  const c = checkPaths(pj);
  const parts = [];
  let level = 'ok';
  const worse = (to) => {
    if (to === 'bad' || (to === 'warn' && level === 'ok')) level = to;
  };
  const reasons = pj.reasons ?? {};
  const gradientShown = fmt(pj.gradient, pj.gradient_kind);
  if (!finite(pj.gradient)) {
    // Not "the paths do not add up": the gradient itself is ∞, −∞ or NaN, and the reason says why.
    parts.push(t('check.gradNonfinite', { v: gradientShown }) + (reasons.gradient ? t('check.because', { why: reasons.gradient }) : ''));
    worse('warn');
  } else if (!finite(pj.listed_sum)) {
    parts.push(t('check.listedNonfinite', { v: fmt(pj.listed_sum, pj.listed_sum_kind) }) + (reasons.listed_sum ? t('check.because', { why: reasons.listed_sum }) : ''));
    worse('warn');
  } else if (c.complete) {
    if (c.agree && String(pj.count) === '1') parts.push(t('check.onePath'));
    else if (c.agree) parts.push(t('check.agree', { n: groupThousands(String(pj.count)) }));
    else {
      parts.push(t('check.disagree'));
      worse('bad');
    }
  } else {
    const rest = groupThousands(BigInt(pj.count) - BigInt((pj.paths ?? []).length));
    parts.push(t('check.topOnly', { shown: (pj.paths ?? []).length, rest, v: fmt(pj.remainder, pj.remainder_kind) }));
  }
  let forward = '';
  if ('forward_mode' in pj) {
    forward = fmt(pj.forward_mode, pj.forward_mode_kind);
    if (finite(pj.gradient) && finite(pj.forward_mode)) {
      const scale = Math.max(Math.abs(pj.gradient), Math.abs(pj.forward_mode));
      if (Math.abs(pj.gradient - pj.forward_mode) <= FORWARD_RTOL * scale) parts.push(t('check.forwardAgrees'));
      else {
        parts.push(t('check.forwardDiffers', { v: forward }));
        worse('bad');
      }
    } else if (finite(pj.gradient)) {
      parts.push(t('check.forwardGives', { v: forward }));
      worse('warn');
    }
  }
  const error = pj.finite_difference_error;
  const fd = `${fmt(pj.finite_difference, pj.finite_difference_kind)}${finite(error) ? ` ± ${formatNumber(error, 2)}` : ''}`;
  const verdict = pj.finite_difference_verdict ?? (c.fdAgree ? 'agrees' : 'differs');
  if (verdict === 'agrees') parts.push(t('check.fdAgrees'));
  else if (verdict === 'unresolved') {
    parts.push(t('check.fdUnresolved', { v: formatNumber(error, 2) }));
    worse('warn');
  } else if (verdict === 'nonfinite') {
    if (finite(pj.gradient)) parts.push(t('check.fdIs', { v: fmt(pj.finite_difference, pj.finite_difference_kind) }));
    worse('warn');
  } else {
    parts.push(t('check.fdDiffers'));
    worse('bad');
  }
  return {
    listedSum: fmt(c.listedSum, pj.listed_sum_kind),
    gradient: gradientShown,
    forward,
    fd,
    check: parts.join(t('check.sep')),
    level,
  };
}

/** The first and last items of a long list with null standing for the elided middle. */
function elide(list, max) {
  if (list.length <= max) return list;
  const head = Math.ceil((max - 1) / 2);
  const tail = max - 1 - head;
  return [...list.slice(0, head), null, ...list.slice(list.length - tail)];
}

/** Short name of a node for a path chain. */
export function nodeShort(n) {
  if (!n) return '?';
  if (n.name) return n.name;
  return n.label ?? n.op;
}

/**
 * @param {Record<string, HTMLElement>} els {count, list, listedSum, gradient, fd, check, product, sigma, costs, note}
 *   and optionally `forward` (forward mode's gradient; without it, it is shown beside the finite difference)
 * @param {{onHover?: (i: number | null) => void, onPick?: (i: number) => void}} handlers
 */
export function createPathsPanel(els, handlers = {}) {
  let items = [];
  let scrolledTo = -1; // the list follows the animation, once per path

  function clear(message = '') {
    items = [];
    if (els.arrayGrad) {
      els.arrayGrad.closest('section')?.classList.remove('array-input');
      els.arrayGrad.hidden = true;
      els.arrayGrad.replaceChildren();
    }
    setText(els.count, message);
    els.list.replaceChildren();
    for (const k of ['listedSum', 'gradient', 'fd', 'check', 'product', 'forward']) if (els[k]) setText(els[k], '');
    setText(els.sigma, '0');
    els.check.className = 'check';
  }

  /**
   * @param {import('#types/api').PathsResponse} pj paths JSON
   * @param {Map<string, object>} byId node lookup (full graph)
   * @param {Map<string, string>} [labels] readable expression per node id
   */
  function show(pj, byId, labels = null, twins = null) {
    const paths = pj.paths ?? [];
    setText(els.count, pathCountText(pj.count, paths.length));
    els.count.dataset.count = String(pj.count);
    // Running sums with IEEE arithmetic on the products' kinds: −∞ then +∞ is −∞, then NaN.
    const withKinds = kindSums(paths);
    const sums = runningSums(paths).map((sum, i) => (sum === null ? withKinds[i] : sum));
    items = paths.map((p, i) => {
      const chain = h('span', { class: 'chain' });
      const name = (id) => labels?.get(id) ?? nodeShort(byId.get(id));
      // Parallel edges (x*x): the step says which argument it enters, so two paths never read alike.
      const steps = p.nodes.map((id, k) => ({ id, twin: k ? twins?.get(p.edges?.[k - 1]) ?? null : null }));
      elide(steps, MAX_SHOWN).forEach((st, k) => {
        if (k) chain.append(h('span', { class: 'arrow', text: ' → ' }));
        if (st === null) {
          chain.append(h('span', { class: 'elided', text: t('paths.more', { n: p.nodes.length - MAX_SHOWN + 1 }) }));
          return;
        }
        chain.append(h('span', { class: 'pnode', text: name(st.id) }));
        if (st.twin) chain.append(h('span', { class: 'arg-of muted', text: ` (${t('paths.asArgument', { n: st.twin })})` }));
      });
      // Factors with their kinds (∞, −∞, NaN); elide() marks the elided middle with null.
      const kinds = p.factor_kinds ?? [];
      const indexed = p.factors.map((f, k) => ({ f, kind: kinds[k] ?? null }));
      const factors = p.factors.length ? elide(indexed, MAX_SHOWN).map((x) => (x === null ? '…' : formatNumber(x.f, 4, 'NaN', x.kind))).join(' × ') : '1';
      const why = p.product_reason ? `\n${p.product_reason}` : '';
      const li = h(
        'li',
        { dataset: { index: String(i) }, tabindex: '0', title: `${p.nodes.map(name).join(' → ')}\n${indexed.map((x) => formatNumber(x.f, 6, 'NaN', x.kind)).join(' × ')}${why}` },
        h('span', { class: 'rank', text: `${i + 1}` }),
        h(
          'div',
          { class: 'pbody' },
          chain,
          h('div', { class: 'factors' }, h('span', { class: 'fx', text: factors }), h('span', { class: 'eq', text: ' = ' }), h('strong', { class: 'product', text: fmt(p.product, p.product_kind) })),
        ),
        h('span', { class: 'running', title: t('paths.runningSum'), text: `Σ ${fmt(sums[i])}` }),
      );
      li.addEventListener('pointerenter', () => handlers.onHover?.(i));
      li.addEventListener('pointerleave', () => handlers.onHover?.(null));
      li.addEventListener('focus', () => handlers.onHover?.(i));
      li.addEventListener('blur', () => handlers.onHover?.(null));
      li.addEventListener('click', () => handlers.onPick?.(i));
      // The list by keyboard: ↑ ↓ move between paths, Enter plays from this one.
      li.addEventListener('keydown', (ev) => {
        if (ev.key === 'Enter') {
          ev.preventDefault();
          handlers.onPick?.(i);
        } else if (ev.key === 'ArrowDown' || ev.key === 'ArrowUp') {
          ev.preventDefault();
          items[i + (ev.key === 'ArrowDown' ? 1 : -1)]?.focus();
        }
      });
      return li;
    });
    els.list.replaceChildren(...items);
    const w = witnesses(pj);
    setText(els.listedSum, w.listedSum);
    setText(els.gradient, w.gradient);
    // Both witnesses: forward mode in its own field when the page has one, else beside the estimate.
    if (els.forward) setText(els.forward, w.forward);
    setText(els.fd, els.forward || !w.forward ? w.fd : `${w.fd} (forward mode ${w.forward})`);
    setText(els.check, w.check);
    els.check.className = `check ${w.level}`;
    setText(els.sigma, '0');
    setText(els.product, '');
  }

  /**
   * An array input: no paths (an edge between arrays carries a Jacobian), but its gradient element by
   * element, from reverse mode, and why.
   */
  function showArray(input, outputName) {
    clear(t('paths.arrayCount', { input: input.name ?? input.id, n: flatCount(input.value) }));
    const name = input.name ?? input.id;
    const values = flatten(input.value);
    const grads = Array.isArray(input.grad) ? flatten(input.grad) : [];
    const kinds = Array.isArray(input.grad_kind) ? flatten(input.grad_kind) : [];
    const shape = shapeOf(input.value);
    const shown = Math.min(values.length, MAX_ARRAY_ROWS);
    const rows = [];
    for (let i = 0; i < shown; i++) {
      rows.push(h('tr', {},
        h('td', { class: 'mono', text: `${name}[${unravel(i, shape).join(', ')}]` }),
        h('td', { class: 'mono', text: formatNumber(values[i], 6) }),
        h('td', { class: 'mono grad', text: formatNumber(grads[i] ?? null, 6, 'NaN', kinds[i] ?? null) })));
    }
    els.arrayGrad.replaceChildren(
      h('table', { class: 'array-grad-table', dataset: { testid: 'array-grad' } },
        h('thead', {}, h('tr', {},
          h('th', { scope: 'col', text: t('paths.arrayElement') }),
          h('th', { scope: 'col', text: t('paths.arrayValue') }),
          h('th', { scope: 'col', text: t('paths.arrayGrad', { output: outputName, input: name }) }))),
        h('tbody', {}, ...rows)),
      ...(shown < values.length ? [h('p', { class: 'muted small', text: t('paths.arrayMore', { shown, n: values.length }) })] : []),
    );
    els.arrayGrad.hidden = false;
    // The running product and the sums are about paths: hidden while an array is the input.
    els.arrayGrad.closest('section')?.classList.add('array-input');
    setText(els.check, t('paths.arrayWhy'));
    els.check.className = 'check info';
  }

  return {
    clear,
    show,
    showArray,
    /** Animation readout: which path, the running product as an expression, Σ so far. */
    setAnim(state, paths, time = 1) {
      if (time <= 0) {
        this.resetAnim();
        return;
      }
      setText(els.sigma, fmt(state.sum));
      items.forEach((li, i) => {
        li.classList.toggle('current', i === state.path && !state.done);
        li.classList.toggle('added', i < state.arrived);
      });
      if (state.path < 0 || !paths?.[state.path]) {
        setText(els.product, '');
        return;
      }
      const p = paths[state.path];
      const done = p.factors.slice(0, state.step).map((f) => formatNumber(f, 4));
      const shown = done.length > 4 ? ['…', ...done.slice(-3)] : done;
      const expr = done.length ? `${shown.join(' × ')} = ${fmt(state.product)}` : '1';
      const where = p.factors.length > 4 ? t('paths.anim.edge', { i: state.step, n: p.factors.length }) : '';
      setText(els.product, t('paths.anim.product', { i: state.path + 1, where, expr }));
      if (state.path !== scrolledTo) {
        scrolledTo = state.path;
        items[state.path]?.scrollIntoView?.({ block: 'nearest' });
      }
    },
    resetAnim() {
      scrolledTo = -1;
      setText(els.sigma, '0');
      setText(els.product, '');
      for (const li of items) li.classList.remove('current', 'added');
    },
    setHover(i) {
      items.forEach((li, k) => li.classList.toggle('hover', k === i));
    },
  };
}

/** Fill the costs box: multiplications for each method, exact. */
export function showCosts(el, { inputName, c, all, nInputs }) {
  el.replaceChildren(
    h('div', { class: 'cost-row' }, h('span', { text: t('cost.paths', { name: inputName }) }), h('strong', { id: 'mult-paths', text: groupThousands(c.enumerate) })),
    h('div', { class: 'cost-row' }, h('span', { text: t('cost.pathsAll', { n: nInputs }) }), h('strong', { id: 'mult-paths-all', text: groupThousands(all.enumerate) })),
    h('div', { class: 'cost-row' }, h('span', { text: t('cost.reverse') }), h('strong', { id: 'mult-reverse', text: groupThousands(all.reverse) })),
    h('div', { class: 'cost-row' }, h('span', { text: t('cost.forward', { name: inputName }) }), h('strong', { id: 'mult-forward', text: groupThousands(c.forward) })),
  );
}

function flatCount(v) {
  return Array.isArray(v) ? flatten(v).length : 1;
}

/** Flat index -> the element's index in an array of that shape (row-major). */
export function unravel(i, shape) {
  const out = [];
  for (let k = shape.length - 1; k >= 0; k--) {
    out.unshift(i % shape[k]);
    i = Math.floor(i / shape[k]);
  }
  return out;
}
