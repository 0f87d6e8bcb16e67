// The graph drawn as SVG: nodes, edges, composite boxes, and the animation overlay.
// All text goes in through textContent.
import { s, setText } from './dom.js';
import { createPanZoom } from './panzoom.js';
import { nodeText, edgeText, nodeTooltip, edgeFlow } from '../model/graph-model.js';
import { logScale, magnitude, formatValue } from '../model/format.js';

const GRAD_LOW = [255, 247, 237]; // orange-50
const GRAD_HIGH = [253, 186, 116]; // orange-300: dark text stays readable
const mix = (a, b, t) => `rgb(${a.map((x, i) => Math.round(x + (b[i] - x) * t)).join(',')})`;

/** Smooth path through layout points: horizontal tangents at every point. */
export function edgePath(pts) {
  let d = `M${pts[0][0].toFixed(1)},${pts[0][1].toFixed(1)}`;
  for (let i = 1; i < pts.length; i++) {
    const [x0, y0] = pts[i - 1];
    const [x1, y1] = pts[i];
    const dx = (x1 - x0) / 2;
    d += ` C${(x0 + dx).toFixed(1)},${y0.toFixed(1)} ${(x1 - dx).toFixed(1)},${y1.toFixed(1)} ${x1.toFixed(1)},${y1.toFixed(1)}`;
  }
  return d;
}

function labelPoint(pts) {
  const k = pts.length - 1;
  const i = Math.max(0, Math.floor((k - 1) / 2));
  const a = pts[i];
  const b = pts[i + 1] ?? a;
  // Two thirds along the first (usually only) segment keeps labels of a fan-out apart.
  const f = k === 1 ? 0.6 : 0.5;
  return [a[0] + (b[0] - a[0]) * f, a[1] + (b[1] - a[1]) * f];
}

/**
 * @param {HTMLElement} root container (#graph)
 * @param {{onNodeClick?, onNodeHover?, onGroupToggle?}} handlers
 */
export function createGraphView(root, handlers = {}) {
  const svg = s('svg', { class: 'graph-svg', role: 'img', 'aria-label': 'computation graph' });
  const defs = s(
    'defs',
    {},
    s(
      'marker',
      { id: 'arrow', viewBox: '0 0 10 10', refX: '9', refY: '5', markerWidth: '11', markerHeight: '11', markerUnits: 'userSpaceOnUse', orient: 'auto' },
      s('path', { d: 'M0,1 L10,5 L0,9 z', class: 'arrowhead' }),
    ),
    s(
      'marker',
      { id: 'arrow-hl', viewBox: '0 0 10 10', refX: '9', refY: '5', markerWidth: '11', markerHeight: '11', markerUnits: 'userSpaceOnUse', orient: 'auto' },
      s('path', { d: 'M0,1 L10,5 L0,9 z', class: 'arrowhead-hl' }),
    ),
  );
  const viewport = s('g', { class: 'viewport' });
  const gGroups = s('g', { class: 'groups' });
  const gEdges = s('g', { class: 'edges' });
  const gLabels = s('g', { class: 'edge-labels' });
  const gNodes = s('g', { class: 'nodes' });
  const gOverlay = s('g', { class: 'overlay' });
  viewport.append(gGroups, gEdges, gLabels, gNodes, gOverlay);
  svg.append(defs, viewport);
  root.append(svg);
  const pz = createPanZoom(svg, viewport);

  let nodeEls = new Map();
  let edgeEls = new Map();
  let layout = null;
  let pulse = null;
  // Elements that carry each mark() class, and the nodes whose badge shows: an animation frame then
  // touches only what changed (re-marking a whole path every frame restyled it at 60 Hz).
  let marked = new Map();
  let badged = new Set();

  function render(view, lay) {
    layout = lay;
    gGroups.replaceChildren();
    gEdges.replaceChildren();
    gLabels.replaceChildren();
    gNodes.replaceChildren();
    gOverlay.replaceChildren();
    pulse = null;
    nodeEls = new Map();
    edgeEls = new Map();
    marked = new Map();
    badged = new Set();

    for (const gr of view.groups ?? []) {
      const boxes = gr.nodes.map((id) => lay.nodes.get(id)).filter(Boolean);
      if (!boxes.length) continue;
      const x0 = Math.min(...boxes.map((b) => b.x - b.width / 2)) - 12;
      const x1 = Math.max(...boxes.map((b) => b.x + b.width / 2)) + 12;
      const y0 = Math.min(...boxes.map((b) => b.y - b.height / 2)) - 26;
      const y1 = Math.max(...boxes.map((b) => b.y + b.height / 2)) + 12;
      const toggle = s(
        'g',
        { class: 'group-toggle', 'data-testid': `group-toggle-${gr.id}`, 'data-group': gr.id, tabindex: '0', role: 'button' },
        s('rect', { x: x0 + 6, y: y0 + 5, width: 16, height: 16, rx: 3 }),
        s('text', { x: x0 + 14, y: y0 + 17, 'text-anchor': 'middle', text: '−' }),
      );
      toggle.addEventListener('click', (ev) => {
        ev.stopPropagation();
        handlers.onGroupToggle?.(gr.id);
      });
      gGroups.append(
        s(
          'g',
          { class: 'group', 'data-id': gr.id },
          s('rect', { class: 'group-box', x: x0, y: y0, width: x1 - x0, height: y1 - y0, rx: 10 }),
          s('text', { class: 'group-label', x: x0 + 28, y: y0 + 17, text: `${gr.op} (expanded)` }),
          toggle,
        ),
      );
    }

    for (const e of view.edges) {
      const pts = lay.edges.get(e.id);
      if (!pts) continue;
      const d = edgePath(pts);
      const line = s('path', { class: 'line', d, 'marker-end': 'url(#arrow)' });
      const hit = s('path', { class: 'hit', d });
      const tip = s('title');
      const g = s('g', { class: 'edge', 'data-id': e.id, 'data-source': e.source, 'data-target': e.target }, hit, line, tip);
      const [lx, ly] = labelPoint(pts);
      const bg = s('rect', { class: 'elabel-bg', x: lx, y: ly - 8, width: 0, height: 16, rx: 4 });
      const label = s('text', { class: 'elabel', x: lx, y: ly + 4, 'text-anchor': 'middle' });
      const lg = s('g', { class: 'edge-label', 'data-id': e.id }, bg, label);
      g.addEventListener('pointerenter', () => handlers.onEdgeHover?.(e.id));
      g.addEventListener('pointerleave', () => handlers.onEdgeHover?.(null));
      gEdges.append(g);
      gLabels.append(lg);
      edgeEls.set(e.id, { g, line, label, bg, lg, tip, lx });
    }

    for (const n of view.nodes) {
      const p = lay.nodes.get(n.id);
      if (!p) continue;
      const txt = nodeText(n);
      const compact = p.height < 40;
      const rect = s('rect', { class: 'box', x: 0, y: 0, width: p.width, height: p.height, rx: compact ? 14 : 9 });
      const title = s('text', { class: 'title', x: p.width / 2, y: compact ? p.height / 2 + 4.5 : 19, 'text-anchor': 'middle' });
      const g = s('g', {
        class: `node kind-${n.kind ?? 'op'} op-${n.op}`,
        'data-id': n.id,
        transform: `translate(${(p.x - p.width / 2).toFixed(1)},${(p.y - p.height / 2).toFixed(1)})`,
        tabindex: n.kind === 'input' || n.kind === 'param' || n.op === 'leaf' ? '0' : null,
      });
      const tip = s('title');
      g.append(tip, rect, title);
      let val = null;
      let grad = null;
      if (!compact) {
        val = s('text', { class: 'val', x: p.width / 2, y: 36, 'text-anchor': 'middle' }, s('tspan', { class: 'k', text: 'value ' }), s('tspan', { class: 'v' }));
        grad = s('text', { class: 'grad', x: p.width / 2, y: 51, 'text-anchor': 'middle' }, s('tspan', { class: 'k', text: 'grad ' }), s('tspan', { class: 'v' }));
        g.append(val, grad);
      }
      if (n.collapsed) {
        const toggle = s(
          'g',
          { class: 'group-toggle', 'data-testid': `group-toggle-${n.id}`, 'data-group': n.id, role: 'button', tabindex: '0' },
          s('rect', { x: p.width - 14, y: -6, width: 18, height: 18, rx: 4 }),
          s('text', { x: p.width - 5, y: 7, 'text-anchor': 'middle', text: '+' }),
        );
        toggle.addEventListener('click', (ev) => {
          ev.stopPropagation();
          handlers.onGroupToggle?.(n.id);
        });
        g.append(toggle);
        g.classList.add('collapsed');
      }
      const badge = s('g', { class: 'badge', transform: `translate(${p.width / 2},${-14})` }, s('rect', { class: 'badge-bg', x: 0, y: -11, width: 0, height: 20, rx: 10 }), s('text', { class: 'badge-text', x: 0, y: 4, 'text-anchor': 'middle' }));
      g.append(badge);
      g.addEventListener('click', () => handlers.onNodeClick?.(n.id));
      g.addEventListener('keydown', (ev) => {
        if (ev.key === 'Enter') handlers.onNodeClick?.(n.id);
      });
      g.addEventListener('pointerenter', () => handlers.onNodeHover?.(n.id));
      g.addEventListener('pointerleave', () => handlers.onNodeHover?.(null));
      gNodes.append(g);
      nodeEls.set(n.id, { g, rect, title, val, grad, tip, badge, width: p.width, txt });
    }
    svg.setAttribute('data-nodes', String(nodeEls.size));
    return update(view);
  }

  /** Values, gradients, local derivatives and the |gradient| encoding, in place. */
  function update(view) {
    const byId = new Map(view.nodes.map((n) => [n.id, n]));
    const gscale = logScale(view.nodes.filter((n) => n.kind !== 'const').map((n) => magnitude(n.grad)));
    const g = { byId };
    const flows = new Map(view.edges.map((e) => [e.id, edgeFlow(g, e)]));
    const escale = logScale([...flows.values()]);
    for (const n of view.nodes) {
      const el = nodeEls.get(n.id);
      if (!el) continue;
      const txt = nodeText(n);
      setText(el.title, txt.title);
      if (el.val) setText(el.val.lastChild, txt.value);
      if (el.grad) {
        setText(el.grad.firstChild, 'grad ');
        setText(el.grad.lastChild, txt.grad);
      }
      setText(el.tip, nodeTooltip(n));
      const m = magnitude(n.grad);
      const t = gscale(m);
      el.g.classList.toggle('zero-grad', n.kind !== 'const' && m === 0);
      el.g.classList.toggle('nonfinite', !!n.nonfinite);
      el.g.classList.toggle('output', n.id === view.output);
      el.rect.setAttribute('fill', t === null ? '#ffffff' : mix(GRAD_LOW, GRAD_HIGH, t));
      el.g.dataset.gradScale = t === null ? '' : t.toFixed(3);
    }
    for (const e of view.edges) {
      const el = edgeEls.get(e.id);
      if (!el) continue;
      const text = edgeText(e);
      setText(el.label, text);
      const w = Math.max(12, text.length * 6.6 + 8);
      el.bg.setAttribute('x', (el.lx - w / 2).toFixed(1));
      el.bg.setAttribute('width', w.toFixed(1));
      const f = flows.get(e.id);
      const t = escale(f);
      el.line.setAttribute('stroke-width', (t === null ? 1.2 : 1.2 + 3.3 * t).toFixed(2));
      el.g.classList.toggle('zero-flow', f === 0);
      el.g.classList.toggle('nonfinite', e.local === null || e.local === undefined);
      const src = byId.get(e.source);
      const tgt = byId.get(e.target);
      setText(el.tip, `${e.id}: ∂${label(tgt)}/∂${label(src)} = ${formatValue(e.local, 6)}${e.local_reason ? ` (${e.local_reason})` : ''}`);
    }
    return { gradMin: gscale.min, gradMax: gscale.max };
  }

  const label = (n) => (n ? (n.name ?? n.label ?? n.id) : '?');


  return {
    svg,
    render,
    update,
    get layout() {
      return layout;
    },
    fit() {
      if (layout) pz.fit({ x: 0, y: 0, width: layout.width, height: layout.height });
    },
    zoomBy: (f) => pz.zoomBy(f),
    /** Mark nodes/edges with a class (replacing whatever had it). */
    mark(cls, nodeIds = [], edgeIds = []) {
      const want = new Set();
      for (const id of nodeIds) {
        const el = nodeEls.get(id);
        if (el) want.add(el.g);
      }
      for (const id of edgeIds) {
        const el = edgeEls.get(id);
        if (el) want.add(el.g).add(el.lg);
      }
      const had = marked.get(cls) ?? new Set();
      for (const el of had) if (!want.has(el)) el.classList.remove(cls);
      for (const el of want) if (!had.has(el)) el.classList.add(cls);
      marked.set(cls, want);
      svg.classList.toggle(`has-${cls}`, nodeIds.length + edgeIds.length > 0);
    },
    /** Replace a node's gradient line (label and value) during a sweep; null restores it. */
    setNodeLine(id, key, value) {
      const el = nodeEls.get(id);
      if (!el?.grad) return;
      setText(el.grad.firstChild, `${key} `);
      setText(el.grad.lastChild, value);
    },
    /** A small badge above a node (running Σ, adjoint); null hides it. */
    setBadge(id, text) {
      const el = nodeEls.get(id);
      if (!el) return;
      const [bg, t] = el.badge.children;
      if (text === null || text === undefined) {
        el.badge.classList.remove('shown');
        badged.delete(id);
        return;
      }
      setText(t, text);
      const w = Math.max(24, text.length * 7 + 14);
      bg.setAttribute('x', String(-w / 2));
      bg.setAttribute('width', String(w));
      el.badge.classList.add('shown');
      badged.add(id);
    },
    clearBadges() {
      for (const id of badged) nodeEls.get(id)?.badge.classList.remove('shown');
      badged.clear();
    },
    /**
     * Pulses travelling along edges: [{edge, frac, text?, reverse?}]. Each shows a dot and, with
     * text, a label that follows it.
     */
    setPulses(list) {
      const want = list ?? [];
      const existing = [...gOverlay.querySelectorAll('.pulse')];
      while (existing.length > want.length) existing.pop().remove();
      want.forEach((p, i) => {
        let g = existing[i];
        if (!g) {
          g = s('g', { class: 'pulse' }, s('circle', { r: 7 }), s('rect', { class: 'pulse-bg', x: 10, y: -24, width: 0, height: 20, rx: 6 }), s('text', { class: 'pulse-text', x: 16, y: -9 }));
          gOverlay.append(g);
        }
        const el = edgeEls.get(p.edge);
        if (!el) {
          g.setAttribute('visibility', 'hidden');
          return;
        }
        g.removeAttribute('visibility');
        el.len ??= el.line.getTotalLength(); // the drawing does not change until the next render
        const len = el.len;
        const f = Math.min(1, Math.max(0, p.reverse ? 1 - p.frac : p.frac));
        const pt = el.line.getPointAtLength(len * f);
        g.setAttribute('transform', `translate(${pt.x.toFixed(1)},${pt.y.toFixed(1)})`);
        const [, bg, text] = g.children;
        setText(text, p.text ?? '');
        bg.setAttribute('width', p.text ? String(p.text.length * 7 + 12) : '0');
        g.classList.toggle('has-text', !!p.text);
        if (i === 0 && p.follow) pz.ensureVisible(pt.x, pt.y);
      });
    },
    nodeElement: (id) => nodeEls.get(id)?.g ?? null,
    edgeElement: (id) => edgeEls.get(id)?.g ?? null,
  };
}
