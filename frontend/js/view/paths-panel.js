// The paths panel: count, the listed paths with their factors and products, running sums, the
// gradient and its checks, and what each method costs.
import { h, setText } from './dom.js';
import { formatNumber, pathCountText, groupThousands } from '../model/format.js';
import { runningSums, checkPaths } from '../model/paths.js';

const fmt = (x) => formatNumber(x, 6);
const MAX_SHOWN = 8;

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
 * @param {{onHover?: (i: number | null) => void, onPick?: (i: number) => void}} handlers
 */
export function createPathsPanel(els, handlers = {}) {
  let items = [];
  let scrolledTo = -1; // the list follows the animation, once per path

  function clear(message = '') {
    items = [];
    setText(els.count, message);
    els.list.replaceChildren();
    for (const k of ['listedSum', 'gradient', 'fd', 'check', 'product']) setText(els[k], '');
    setText(els.sigma, '0');
    els.check.className = 'check';
  }

  /**
   * @param {object} pj paths JSON
   * @param {Map<string, object>} byId node lookup (full graph)
   * @param {Map<string, string>} [labels] readable expression per node id
   */
  function show(pj, byId, labels = null) {
    const paths = pj.paths ?? [];
    setText(els.count, pathCountText(pj.count, paths.length));
    els.count.dataset.count = String(pj.count);
    const sums = runningSums(paths);
    items = paths.map((p, i) => {
      const chain = h('span', { class: 'chain' });
      const name = (id) => labels?.get(id) ?? nodeShort(byId.get(id));
      elide(p.nodes, MAX_SHOWN).forEach((id, k) => {
        if (k) chain.append(h('span', { class: 'arrow', text: ' → ' }));
        chain.append(id === null ? h('span', { class: 'elided', text: `${p.nodes.length - MAX_SHOWN + 1} more` }) : h('span', { class: 'pnode', text: name(id) }));
      });
      const factors = p.factors.length ? elide(p.factors, MAX_SHOWN).map((f) => (f === null ? '…' : formatNumber(f, 4))).join(' × ') : '1';
      const li = h(
        'li',
        { dataset: { index: String(i) }, tabindex: '0', title: `${p.nodes.map(name).join(' → ')}\n${p.factors.map((f) => formatNumber(f, 6)).join(' × ')}` },
        h('span', { class: 'rank', text: `${i + 1}` }),
        h(
          'div',
          { class: 'pbody' },
          chain,
          h('div', { class: 'factors' }, h('span', { class: 'fx', text: factors }), h('span', { class: 'eq', text: ' = ' }), h('strong', { class: 'product', text: fmt(p.product) })),
        ),
        h('span', { class: 'running', title: 'running sum', text: `Σ ${fmt(sums[i])}` }),
      );
      li.addEventListener('pointerenter', () => handlers.onHover?.(i));
      li.addEventListener('pointerleave', () => handlers.onHover?.(null));
      li.addEventListener('focus', () => handlers.onHover?.(i));
      li.addEventListener('blur', () => handlers.onHover?.(null));
      li.addEventListener('click', () => handlers.onPick?.(i));
      return li;
    });
    els.list.replaceChildren(...items);
    const c = checkPaths(pj);
    setText(els.listedSum, fmt(c.listedSum));
    setText(els.gradient, fmt(c.gradient));
    setText(els.fd, fmt(c.fd));
    let msg;
    if (c.complete) {
      msg = c.agree
        ? `✓ the ${groupThousands(String(pj.count))} path products add up to the reverse-mode gradient`
        : '✗ the listed paths do not add up to the gradient';
    } else {
      msg = `only the top ${paths.length} paths are listed: the other ${groupThousands(BigInt(pj.count) - BigInt(paths.length))} add ${fmt(pj.remainder)}`;
    }
    msg += c.fdAgree ? '; finite difference agrees ✓' : '; finite difference differs ✗';
    setText(els.check, msg);
    els.check.className = `check ${c.agree && c.fdAgree ? 'ok' : c.agree ? 'warn' : 'bad'}`;
    setText(els.sigma, '0');
    setText(els.product, '');
  }

  return {
    clear,
    show,
    /** Animation readout: which path, the running product as an expression, Σ so far. */
    setAnim(state, paths, t = 1) {
      if (t <= 0) {
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
      const where = p.factors.length > 4 ? `, edge ${state.step}/${p.factors.length}` : '';
      setText(els.product, `path ${state.path + 1}${where}: ${expr}`);
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
    h('div', { class: 'cost-row' }, h('span', { text: `Summing every path from ${inputName}` }), h('strong', { id: 'mult-paths', text: groupThousands(c.enumerate) })),
    h('div', { class: 'cost-row' }, h('span', { text: `Summing every path from all ${nInputs} inputs` }), h('strong', { id: 'mult-paths-all', text: groupThousands(all.enumerate) })),
    h('div', { class: 'cost-row' }, h('span', { text: 'Reverse mode, all inputs at once (one per edge)' }), h('strong', { id: 'mult-reverse', text: groupThousands(all.reverse) })),
    h('div', { class: 'cost-row' }, h('span', { text: `Forward mode from ${inputName} (one per edge reached)` }), h('strong', { id: 'mult-forward', text: groupThousands(c.forward) })),
  );
}
