// One module past 500 lines on purpose: building, syncing (virtualisation) and updating the drawing all
// read and write the same per-node and per-edge items, marks and badges; split, each part would need all.
// The graph drawn as SVG: nodes, edges and composite boxes (the animation's pulses: overlay.js; far
// zooms: overview.js).
// All text goes in through textContent.
//
// Only what can be seen is in the DOM (a 5,000-node graph drawn whole, ~128k elements, took the browser
// over a second to style and lay out, and every animation frame paid for all of them again):
// - virtualised: a node or an edge gets its elements when its box comes near the viewport, and loses
//   them again once far out of view if too many are drawn. Nodes that take keyboard focus (inputs,
//   parameters) and collapsed composites are always drawn, first and in order (tab order);
// - level of detail: when zoomed out a node is a box and an edge one path; titles and the edges'
//   hover areas come at zoom >= VERY_FAR_K, values, gradients and edge labels at >= FAR_K (the zooms
//   below which panzoom.js's .very-far and .far hide them; made once, they stay and CSS hides them);
//   tooltips (<title>) are made on first hover, badges when first shown;
// - the state of every node and edge (values, marks, badges, a sweep's lines) lives in plain objects
//   and is applied to an element when it is made; an update touches only the elements that exist;
// - events are delegated to the layer groups (no listeners per node or edge).
// fullCopy() gives the whole drawing at full detail, for the SVG and PNG exports.
import { setText } from './dom.js';
import { createPanZoom, FAR_K, VERY_FAR_K, OVERVIEW_K } from './panzoom.js';
import { createOverview } from './overview.js';
import { createOverlay } from './overlay.js';
import { nodeText, edgeText, nodeTooltip, edgeFlow, shortNote } from '../model/graph-model.js';
import { edgePath, LABEL_H, labelWidth, groupBoxes } from '../model/geometry.js';
// `tr`, not `t`: t is a transform or a gradient scale in this file.
import { t as tr } from '../i18n.js';
import { logScale, magnitude, formatValue } from '../model/format.js';

const SVG_NS = 'http://www.w3.org/2000/svg';
const GRAD_LOW = [255, 247, 237]; // orange-50
const GRAD_HIGH = [253, 186, 116]; // orange-300: dark text stays readable
const mix = (a, b, t) => `rgb(${a.map((x, i) => Math.round(x + (b[i] - x) * t)).join(',')})`;

// Virtualisation: draw what lies within MARGIN viewports of the view; once more than MAX_DRAWN nodes
// and edges are drawn, drop those beyond KEEP viewports (KEEP > MARGIN). Every element kept costs on
// each new value: Chromium lays the whole SVG out again (a 4,000-node chain at zoom 1: 900 elements
// kept after a pan made a leaf change 324-611 ms, 360 make it 250-420 ms), and a pan stays at 60 fps.
const MARGIN = 0.3;
const PAN_SLACK = 0.25; // viewports a drag only moves the picture (panzoom.js): within MARGIN
const KEEP = 0.6;
const MAX_DRAWN = 800;
const BADGE_ROOM = 26; // a badge sits above its node
/** Whether an item's box meets `box` ([x0, y0, x1, y1], layout units; null: nothing), `above` more above it. */
const meets = (it, box, above = 0) => !!box && it.x1 >= box[0] && it.x0 <= box[2] && it.y1 >= box[1] && it.y0 - above <= box[3];
const DEFER_ZOOM_ELEMENTS = 600; // nodes and edges drawn, past which a wheel zoom scales the picture first
const WHEEL_REST_MS = 160; // a wheel still this long has stopped (the overview then gives way to the drawing)

const EDGE_PAD = 8; // stroke, arrowhead

/** An SVG element with a class and attributes. */
function mk(tag, cls, attrs) {
  const el = document.createElementNS(SVG_NS, tag);
  if (cls) el.setAttribute('class', cls);
  if (attrs) for (const k in attrs) el.setAttribute(k, String(attrs[k]));
  return el;
}

function mkText(cls, attrs, text, tag = 'text') {
  const el = mk(tag, cls, attrs);
  el.textContent = text;
  return el;
}

/** Set an attribute only when it changed (an unchanged value still costs a style invalidation). */
function setAttr(el, name, value) {
  if (el.getAttribute(name) !== value) el.setAttribute(name, value);
}

const label = (n) => (n ? (n.name ?? n.label ?? n.id) : '?');

/**
 * A drawn node's state (made by render, kept by update and the marks): its box, text and flags; `el`
 * holds its SVG elements while they exist (near the view), else null.
 * @typedef {object} NodeItem
 * @property {string} id
 * @property {import('#types/api').GraphNode & Record<string, any>} n the view's node (graph-model.js)
 * @property {{x: number, y: number, width: number, height: number}} p its box in the layout (centre, size)
 * @property {number} x0 left
 * @property {number} y0 top
 * @property {number} x1 right
 * @property {number} y1 bottom
 * @property {boolean} compact
 * @property {boolean} focusable an input or parameter: takes keyboard focus
 * @property {boolean} pinned always drawn (focusable, or a collapsed composite)
 * @property {ReturnType<typeof nodeText> | null} txt
 * @property {number | null} t its place on the |gradient| scale (0..1)
 * @property {string} flags extra classes
 * @property {[string, string] | null} line a sweep's gradient line (key, value)
 * @property {string | null} badge
 * @property {{g: SVGElement, level: number, [part: string]: any} | null} el
 */
/**
 * A drawn edge's state, as NodeItem's.
 * @typedef {object} EdgeItem
 * @property {string} id
 * @property {import('#types/api').GraphEdge & Record<string, any>} e the view's edge
 * @property {number[][]} pts its polyline
 * @property {boolean} ghost a stub from a far source
 * @property {number} x0
 * @property {number} x1
 * @property {number} y0
 * @property {number} y1
 * @property {string | null} d the path's d attribute, made once
 * @property {number[] | null} lp its label's centre
 * @property {ReturnType<typeof import('../model/geometry.js').edgeGeometry> | null} geo
 * @property {string | null} text
 * @property {number | null} t its place on the |flow| scale (0..1)
 * @property {string} flags extra classes
 * @property {{g: SVGElement, level: number, [part: string]: any} | null} el
 */

/**
 * Give the SVG its container's size in pixels, following it. A percentage size (graph.css's 100%,
 * which stays the fallback) makes the browser lay out every element of the drawing again whenever
 * anything on the page is laid out (a number typed in a field: 30–50 ms at zoom 1 on a 4,000-node
 * chain); a fixed size keeps the drawing out of the page's layout.
 */
function sizeToContainer(svg, container) {
  if (typeof ResizeObserver !== 'function') return;
  new ResizeObserver((entries) => {
    const r = entries.at(-1)?.contentRect;
    if (!r || r.width <= 0 || r.height <= 0) return;
    svg.style.width = `${r.width}px`;
    svg.style.height = `${r.height}px`;
  }).observe(container);
}

/**
 * @param {HTMLElement} root container (#graph)
 * @param {{onNodeClick?, onNodeHover?, onEdgeHover?, onGroupToggle?}} handlers
 */
export function createGraphView(root, handlers = {}) {
  const svg = mk('svg', 'graph-svg', { role: 'img', 'aria-label': tr('graph.svg') });
  const defs = mk('defs');
  // Arrowheads: the edges take theirs from graph.css (marker-end), so that the far zooms can drop them.
  for (const [id, cls] of [['arrow', 'arrowhead'], ['arrow-hl', 'arrowhead-hl'], ['arrow-dim', 'arrowhead-dim']]) {
    const marker = mk('marker', null, { id, viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 11, markerHeight: 11, markerUnits: 'userSpaceOnUse', orient: 'auto' });
    marker.append(mk('path', cls, { d: 'M0,1 L10,5 L0,9 z' }));
    defs.append(marker);
  }
  // Dead ReLU units are hatched (a pattern, not only a grey): see training.css.
  const hatch = mk('pattern', null, { id: 'dead-hatch', width: 6, height: 6, patternUnits: 'userSpaceOnUse', patternTransform: 'rotate(45)' });
  hatch.append(mk('rect', 'hatch-bg', { width: 6, height: 6 }), mk('line', 'hatch-line', { x1: 0, y1: 0, x2: 0, y2: 6 }));
  defs.append(hatch);
  const viewport = mk('g', 'viewport');
  const gGroups = mk('g', 'groups');
  const gEdges = mk('g', 'edges');
  const gLabels = mk('g', 'edge-labels');
  const gNodes = mk('g', 'nodes');
  const gOverlay = mk('g', 'overlay');
  viewport.append(gGroups, gEdges, gLabels, gNodes, gOverlay);
  svg.append(defs, viewport);
  root.append(svg);
  sizeToContainer(svg, root);

  let layout = null;
  /** @type {Map<string, NodeItem>} node id -> item (see render) */
  let nodes = new Map();
  let nodeList = [];
  /** @type {Map<string, EdgeItem>} edge id -> item */
  let edges = new Map();
  let edgeList = [];
  let byId = new Map(); // the view's nodes, for edge tooltips
  let drawn = 0; // nodes + edges with elements
  let syncQueued = false;
  let lastView = null; // the query of the last sync
  // mark(): class -> ids of the nodes and edges that carry it.
  let marks = new Map();
  // Badges shown, and those cleared by clearBadges() but not yet hidden: an animation frame clears all
  // badges and sets one or two again; hiding them only at the end of the frame's task leaves a badge that
  // stays untouched instead of hiding and showing it (a style change) every frame.
  let badged = new Set();
  let clearing = new Set();
  let clearQueued = false;
  let hoverNode = null;
  let hoverEdge = null;
  let foundTimer = null;
  // A wheel zoom only scales the SVG's picture while many elements are drawn (and the overview,
  // whose zoom is cheap, is not shown before or after).
  const deferZoom = (from, to) => drawn > DEFER_ZOOM_ELEMENTS && from >= OVERVIEW_K && to >= OVERVIEW_K;
  let lastWheel = -Infinity; // when the wheel last turned over the graph
  let wheelRestTimer = null;
  svg.addEventListener('wheel', () => { lastWheel = performance.now(); }, { passive: true, capture: true });
  // A drag over many drawn elements moves their picture until it leaves the margin drawn around the view.
  const panSlack = () => {
    if (drawn <= DEFER_ZOOM_ELEMENTS || pz.transform.k < OVERVIEW_K) return null;
    const { width, height } = pz.size();
    return { x: width * PAN_SLACK, y: height * PAN_SLACK };
  };
  const pz = createPanZoom(svg, viewport, { onChange: scheduleSync, onResize: scheduleSync, deferZoom, panSlack });
  const overview = createOverview(root);
  const overlay = createOverlay(gOverlay, { edge: (id) => edges.get(id), follow: (x, y) => pz.ensureVisible(x, y) });
  root.prepend(overview.canvas);
  let overviewQueued = false;
  // How the overview colours what the marks single out.
  const MARK_COLOURS = [['found', '#7c3aed'], ['anim-path', '#ea580c'], ['hl', '#ea580c'], ['selected-input', '#1d4ed8'], ['swept', '#16a34a']];
  // The overview's fills, one string per step of the |gradient| scale (made once, not per node and picture).
  const stepFills = new Map(); // the scale's position, rounded to a step -> colour
  const stepFill = (t) => stepFills.get(t) ?? stepFills.set(t, mix(GRAD_LOW, GRAD_HIGH, t)).get(t);
  const overviewStyle = {
    fill: (it, steps) => (it.t === null ? '#ffffff' : stepFill(Math.round(it.t * steps) / steps)),
    nodeMark: (it) => {
      for (const [cls, colour] of MARK_COLOURS) if (marks.get(cls)?.nodes.has(it.id)) return colour;
      return null;
    },
    edgeHot: (it) => !!(marks.get('anim-path')?.edges.has(it.id) || marks.get('hl')?.edges.has(it.id)),
  };
  /** The overview's picture is out of date (new marks or colours): drawn anew once, after this task. */
  function invalidateOverview() {
    if (!overview.shown || overviewQueued) return;
    overviewQueued = true;
    queueMicrotask(() => {
      overviewQueued = false;
      overview.invalidate(pz.transform, pz.size()); // the view now: a render's fit() has moved it
    });
  }

  // ---- building elements

  function nodeClass(it) {
    let c = `node kind-${it.n.kind ?? 'op'} op-${it.n.op}${it.n.collapsed ? ' collapsed' : ''}${it.flags}`;
    for (const [cls, m] of marks) if (m.nodes.has(it.id)) c += ` ${cls}`;
    return c;
  }

  function edgeClass(base, it) {
    let c = base;
    for (const [cls, m] of marks) if (m.edges.has(it.id)) c += ` ${cls}`;
    return c;
  }

  let titles = new Map(); // node id -> title (view-graph.js)
  const nodeTxt = (it) => (it.txt ??= nodeText(it.n, titles.get(it.id)));
  const fillOf = (it) => (it.t === null ? '#ffffff' : mix(GRAD_LOW, GRAD_HIGH, it.t));
  const meterWidth = (it) => (it.t === null ? 0 : Math.max(1.5, (it.p.width - 10) * it.t)).toFixed(1);
  const gradLine = (it) => (it.line ? [`${tr(`node.key.${it.line[0]}`)} `, it.line[1]] : [`${tr('node.key.grad')} `, nodeTxt(it).grad]);

  /** The elements of a node, with the details for zoom level `level` (0, 1, 2). Registers nothing. */
  function buildNode(it, level) {
    const { p } = it;
    // (Plain setAttribute calls: thousands of these are made for a first paint.)
    const g = document.createElementNS(SVG_NS, 'g');
    g.setAttribute('class', nodeClass(it));
    g.setAttribute('data-id', it.id);
    g.setAttribute('transform', `translate(${it.x0.toFixed(1)},${it.y0.toFixed(1)})`);
    g.setAttribute('data-grad-scale', it.t === null ? '' : it.t.toFixed(3));
    if (it.focusable) g.setAttribute('tabindex', '0');
    if (it.n.group) g.setAttribute('data-member-of', it.n.group);
    const rect = document.createElementNS(SVG_NS, 'rect');
    rect.setAttribute('class', 'box');
    rect.setAttribute('x', '0');
    rect.setAttribute('y', '0');
    rect.setAttribute('width', String(p.width));
    rect.setAttribute('height', String(p.height));
    rect.setAttribute('rx', it.compact ? '14' : '9');
    rect.setAttribute('fill', fillOf(it));
    g.append(rect);
    // The gradient scale by length too, not only by colour: a bar along the box's foot, as long as
    // the node's place on the |gradient| scale (colour is never the only carrier).
    let meter = null;
    if (!it.compact) {
      meter = document.createElementNS(SVG_NS, 'rect');
      meter.setAttribute('class', 'gmeter');
      meter.setAttribute('x', '5');
      meter.setAttribute('y', String(p.height - 3.5));
      meter.setAttribute('height', '2');
      meter.setAttribute('width', meterWidth(it));
      g.append(meter);
    }
    const el = { g, rect, meter, title: null, val: null, grad: null, toggle: null, badge: null, tip: null, level: -1 };
    if (it.n.collapsed) {
      el.toggle = mk('g', 'group-toggle', { 'data-testid': `group-toggle-${it.id}`, 'data-group': it.id, role: 'button', tabindex: '0' });
      el.toggle.append(
        mk('rect', null, { x: p.width - 14, y: -6, width: 18, height: 18, rx: 4 }),
        mkText(null, { x: p.width - 5, y: 7, 'text-anchor': 'middle' }, '+'),
      );
      g.append(el.toggle);
    }
    if (it.badge !== null) showBadge(it, el);
    detailNode(it, el, level);
    return el;
  }

  /** Add the details a node lacks for zoom level `level`. */
  function detailNode(it, el, level) {
    if (level <= el.level) return;
    el.level = level;
    const { p } = it;
    const before = el.toggle ?? el.badge ?? null;
    if (level >= 1 && !el.title) {
      el.title = mkText('title', { x: p.width / 2, y: it.compact ? p.height / 2 + 4.5 : 16, 'text-anchor': 'middle' }, nodeTxt(it).title);
      el.g.insertBefore(el.title, before);
    }
    if (level >= 2 && !it.compact && !el.val) {
      el.val = mk('text', 'val', { x: p.width / 2, y: 30.5, 'text-anchor': 'middle' });
      el.val.append(mkText('k', null, `${tr('node.key.value')} `, 'tspan'), mkText('v', null, nodeTxt(it).value, 'tspan'));
      const [k, v] = gradLine(it);
      el.grad = mk('text', 'grad', { x: p.width / 2, y: 44, 'text-anchor': 'middle' });
      el.grad.append(mkText('k', null, k, 'tspan'), mkText('v', null, v, 'tspan'));
      el.g.insertBefore(el.val, before);
      el.g.insertBefore(el.grad, before);
      if (nodeTxt(it).note) {
        el.note = mkText('note', { x: p.width / 2, y: 58, 'text-anchor': 'middle' }, shortNote(nodeTxt(it).note));
        el.g.insertBefore(el.note, before);
      }
    }
  }

  function showBadge(it, el) {
    if (!el.badge) {
      el.badge = mk('g', 'badge', { transform: `translate(${it.p.width / 2},${-14})` });
      el.badge.append(mk('rect', 'badge-bg', { x: 0, y: -11, width: 0, height: 20, rx: 10 }), mkText('badge-text', { x: 0, y: 4, 'text-anchor': 'middle' }, ''));
      el.g.append(el.badge);
    }
    const [bg, t] = el.badge.children;
    const text = it.badge;
    setText(t, text);
    const w = Math.max(24, text.length * 7 + 14);
    setAttr(bg, 'x', String(-w / 2));
    setAttr(bg, 'width', String(w));
    el.badge.classList.add('shown');
  }

  function nodeTip(it, el) {
    if (!el.tip) {
      el.tip = mk('title');
      el.g.prepend(el.tip);
    }
    setText(el.tip, nodeTooltip(it.n));
  }

  /** A node's text, fill and classes after update(), on its existing elements. */
  function applyNode(it) {
    const el = it.el;
    setAttr(el.g, 'class', nodeClass(it));
    setAttr(el.g, 'data-grad-scale', it.t === null ? '' : it.t.toFixed(3));
    setAttr(el.rect, 'fill', fillOf(it));
    if (el.meter) setAttr(el.meter, 'width', meterWidth(it));
    if (el.title) setText(el.title, nodeTxt(it).title);
    if (el.val) setText(el.val.lastChild, nodeTxt(it).value);
    if (el.grad) {
      const [k, v] = gradLine(it);
      setText(el.grad.firstChild, k);
      setText(el.grad.lastChild, v);
    }
    if (el.note) setText(el.note, nodeTxt(it).note ? shortNote(nodeTxt(it).note) : '');
    if (el.tip) nodeTip(it, el);
  }

  const strokeWidth = (it) => (it.t === null ? 1.2 : 1.2 + 3.3 * it.t).toFixed(2);

  /** The elements of an edge; its label goes into `labels` (a group). Registers nothing. */
  function buildEdge(it, level, labels) {
    const g = document.createElementNS(SVG_NS, 'g');
    g.setAttribute('class', edgeClass(`edge${it.flags}`, it));
    g.setAttribute('data-id', it.id);
    g.setAttribute('data-source', it.e.source);
    g.setAttribute('data-target', it.e.target);
    const line = document.createElementNS(SVG_NS, 'path');
    line.setAttribute('class', 'line');
    line.setAttribute('d', (it.d ??= edgePath(it.pts)));
    line.setAttribute('stroke-width', strokeWidth(it));
    g.append(line);
    if (it.ghost) {
      // A stub from a far source (a shared weight): it says where it comes from.
      g.append(mkText('ghost-name', { x: (it.pts[0][0] - 3).toFixed(1), y: (it.pts[0][1] + 4).toFixed(1), 'text-anchor': 'end' }, label(byId.get(it.e.source))));
    }
    const el = { g, line, hit: null, lg: null, bg: null, label: null, tip: null, level: -1 };
    detailEdge(it, el, level, labels);
    return el;
  }

  function detailEdge(it, el, level, labels) {
    if (level <= el.level) return;
    el.level = level;
    if (level >= 1 && !el.hit) {
      // A wide transparent stroke to hover: hit-testing the thin .line (with its marker) costs far more.
      el.hit = mk('path', 'hit', { d: it.d });
      el.g.insertBefore(el.hit, el.line);
    }
    if (level >= 2 && !el.lg && it.lp) {
      const [lx, ly] = it.lp;
      const text = (it.text ??= edgeText(it.e));
      const w = labelWidth(text);
      el.bg = mk('rect', 'elabel-bg', { x: (lx - w / 2).toFixed(1), y: ly - LABEL_H / 2, width: w.toFixed(1), height: LABEL_H, rx: 4 });
      el.label = mkText('elabel', { x: lx, y: ly + 4.5, 'text-anchor': 'middle' }, text);
      el.lg = mk('g', edgeClass('edge-label', it), { 'data-id': it.id });
      el.lg.append(el.bg, el.label);
      labels.append(el.lg);
    }
  }

  function edgeTip(it, el) {
    if (!el.tip) {
      el.tip = mk('title');
      el.g.append(el.tip);
    }
    const e = it.e;
    setText(el.tip, `${e.id}: ∂${label(byId.get(e.target))}/∂${label(byId.get(e.source))} = ${formatValue(e.local, 6)}${e.local_reason ? ` (${e.local_reason})` : ''}`);
  }

  function applyEdge(it) {
    const el = it.el;
    setAttr(el.g, 'class', edgeClass(`edge${it.flags}`, it));
    setAttr(el.line, 'stroke-width', strokeWidth(it));
    if (el.lg) {
      const text = (it.text ??= edgeText(it.e));
      setText(el.label, text);
      const w = labelWidth(text);
      setAttr(el.bg, 'x', (it.lp[0] - w / 2).toFixed(1));
      setAttr(el.bg, 'width', w.toFixed(1));
    }
    if (el.tip) edgeTip(it, el);
  }

  // ---- which elements exist

  function drawNode(it, level) {
    if (it.el) {
      detailNode(it, it.el, level);
      return it.el;
    }
    it.el = buildNode(it, level);
    gNodes.append(it.el.g);
    drawn++;
    return it.el;
  }

  function drawEdge(it, level) {
    if (it.el) {
      detailEdge(it, it.el, level, gLabels);
      return it.el;
    }
    it.el = buildEdge(it, level, gLabels);
    gEdges.append(it.el.g);
    drawn++;
    return it.el;
  }

  function scheduleSync() {
    if (syncQueued || !layout) return;
    syncQueued = true;
    // After the current task's own work (render() is followed by fit(); a wheel event by nothing), so
    // always before the next frame and before anything else can look at the DOM.
    queueMicrotask(sync);
  }

  /** Draw the nodes and edges near the view (at its zoom's detail), drop far ones past the budget. */
  function sync() {
    syncQueued = false;
    if (!layout) return;
    const t = pz.transform;
    const { width, height } = pz.size();
    const level = t.k < VERY_FAR_K ? 0 : t.k < FAR_K ? 1 : 2;
    const key = `${t.x},${t.y},${t.k},${width},${height}`;
    if (key === lastView) return;
    lastView = key;
    if (offViewQueued) flushOffView(); // the view moves: what comes into it must be up to date
    // Too far to read any text: the canvas picture instead of the SVG's elements. A wheel that zooms a
    // big drawing in past that zoom keeps the (scaled) picture until it rests: drawing thousands of
    // elements at every crossing made a frame of 180 ms each time the wheel went back and forth.
    const wheeling = performance.now() - lastWheel < WHEEL_REST_MS;
    const big = layout.nodes.size + layout.edges.size > DEFER_ZOOM_ELEMENTS;
    const stayFar = wheeling && big && svg.classList.contains('overview');
    const far = t.k < OVERVIEW_K || stayFar;
    if (stayFar && t.k >= OVERVIEW_K) {
      clearTimeout(wheelRestTimer);
      wheelRestTimer = setTimeout(() => {
        lastView = null;
        scheduleSync();
      }, WHEEL_REST_MS);
    }
    svg.classList.toggle('overview', far);
    if (far) {
      overview.show(t, { width, height }, overviewStyle);
      return;
    }
    overview.hide();
    const vw = width / t.k;
    const vh = height / t.k;
    const vx = -t.x / t.k;
    const vy = -t.y / t.k;
    const x0 = vx - vw * MARGIN;
    const x1 = vx + vw * (1 + MARGIN);
    const y0 = vy - vh * MARGIN;
    const y1 = vy + vh * (1 + MARGIN);
    const box = [x0, y0, x1, y1];
    for (const it of edgeList) if (meets(it, box)) drawEdge(it, level);
    for (const it of nodeList) if (meets(it, box, BADGE_ROOM)) drawNode(it, level);
    if (drawn > MAX_DRAWN) {
      const kx0 = vx - vw * KEEP;
      const kx1 = vx + vw * (1 + KEEP);
      const ky0 = vy - vh * KEEP;
      const ky1 = vy + vh * (1 + KEEP);
      const far = (it) => it.x1 < kx0 || it.x0 > kx1 || it.y1 < ky0 || it.y0 - BADGE_ROOM > ky1;
      // @ts-expect-error -- root's root node is a Document or a ShadowRoot (a widget), both with activeElement
      const focused = root.getRootNode().activeElement ?? document.activeElement;
      for (const it of nodeList) {
        if (!it.el || it.pinned || !far(it) || it.el.g.contains(focused)) continue;
        it.el.g.remove();
        it.el = null;
        drawn--;
      }
      for (const it of edgeList) {
        if (!it.el || !far(it)) continue;
        it.el.g.remove();
        it.el.lg?.remove();
        it.el = null;
        drawn--;
      }
    }
  }

  // ---- events, delegated

  gGroups.addEventListener('click', (ev) => {
    const group = ev.target.closest?.('[data-group]');
    if (!group) return;
    ev.stopPropagation();
    handlers.onGroupToggle?.(group.dataset.group);
  });
  const nodeItemOf = (target) => {
    const g = target?.closest?.('g.node');
    return g && gNodes.contains(g) ? nodes.get(g.dataset.id) : undefined;
  };
  gNodes.addEventListener('click', (ev) => {
    const toggle = ev.target.closest?.('.group-toggle');
    if (toggle) {
      ev.stopPropagation();
      handlers.onGroupToggle?.(toggle.dataset.group);
      return;
    }
    const it = nodeItemOf(ev.target);
    if (it) handlers.onNodeClick?.(it.id);
  });
  // In the overview the nodes are a picture: a click finds its node from the layout.
  svg.addEventListener('click', (ev) => {
    if (!overview.shown || !layout) return;
    const r = svg.getBoundingClientRect();
    const t = pz.transform;
    const x = (ev.clientX - r.left - t.x) / t.k;
    const y = (ev.clientY - r.top - t.y) / t.k;
    const it = nodeList.find((n) => x >= n.x0 && x <= n.x1 && y >= n.y0 && y <= n.y1);
    if (it) handlers.onNodeClick?.(it.id);
  });
  gNodes.addEventListener('keydown', (ev) => {
    if (ev.key !== 'Enter') return;
    const it = nodeItemOf(ev.target);
    if (it) handlers.onNodeClick?.(it.id);
  });
  const hoverNodeTo = (it) => {
    if (it === hoverNode) return;
    hoverNode = it;
    if (it?.el) nodeTip(it, it.el);
    handlers.onNodeHover?.(it ? it.id : null);
  };
  gNodes.addEventListener('pointerover', (ev) => hoverNodeTo(nodeItemOf(ev.target) ?? null));
  gNodes.addEventListener('pointerout', (ev) => hoverNodeTo(nodeItemOf(ev.relatedTarget) ?? null));
  const edgeItemOf = (target) => {
    const g = target?.closest?.('g.edge');
    return g && gEdges.contains(g) ? edges.get(g.dataset.id) : undefined;
  };
  const hoverEdgeTo = (it) => {
    if (it === hoverEdge) return;
    hoverEdge = it;
    if (it?.el) edgeTip(it, it.el);
    handlers.onEdgeHover?.(it ? it.id : null);
  };
  gEdges.addEventListener('pointerover', (ev) => hoverEdgeTo(edgeItemOf(ev.target) ?? null));
  gEdges.addEventListener('pointerout', (ev) => hoverEdgeTo(edgeItemOf(ev.relatedTarget) ?? null));

  // ---- exports: a copy of the whole drawing, every node and edge at full detail

  /** A deep copy of the SVG with every node and edge drawn (the live one holds only what is near the view). */
  function fullCopy() {
    const copy = svg.cloneNode(true);
    copy.removeAttribute('style'); // the live view's compositing and any pending pan or zoom
    if (!layout) return copy;
    const cEdges = copy.querySelector('.edges');
    const cLabels = copy.querySelector('.edge-labels');
    const cNodes = copy.querySelector('.nodes');
    cEdges.replaceChildren();
    cLabels.replaceChildren();
    cNodes.replaceChildren();
    for (const it of edgeList) {
      const el = buildEdge(it, 2, cLabels);
      edgeTip(it, el);
      cEdges.append(el.g);
    }
    for (const it of nodeList) {
      const el = buildNode(it, 2);
      nodeTip(it, el);
      cNodes.append(el.g);
    }
    return copy;
  }

  // ---- drawing

  function render(view, lay, nodeTitles = new Map()) {
    layout = lay;
    titles = nodeTitles;
    gGroups.replaceChildren();
    gEdges.replaceChildren();
    gLabels.replaceChildren();
    gNodes.replaceChildren();
    overlay.clear();
    offView.nodes.clear();
    offView.edges.clear();
    nodes = new Map();
    edges = new Map();
    nodeList = [];
    edgeList = [];
    drawn = 0;
    lastView = null;
    marks = new Map();
    badged = new Set();
    clearing = new Set();
    hoverNode = null;
    hoverEdge = null;

    // An expanded composite: the union of its boxes (outline first, then the fill over the inner
    // outlines), a tooltip, and a button that collapses it; a click anywhere on it does too.
    for (const gr of view.groups ?? []) {
      const boxes = groupBoxes(lay, gr.nodes);
      if (!boxes.length) continue;
      const g = mk('g', 'group', { 'data-id': gr.id, 'data-group': gr.id });
      g.append(mkText(null, {}, tr('group.expanded', { op: gr.op }), 'title'));
      for (const b of boxes) g.append(mk('rect', 'group-edge', { x: b.x, y: b.y, width: b.width, height: b.height, rx: 6 }));
      for (const b of boxes) g.append(mk('rect', 'group-box', { x: b.x, y: b.y, width: b.width, height: b.height, rx: 6 }));
      const first = boxes[0];
      const toggle = mk('g', 'group-toggle', { 'data-testid': `group-toggle-${gr.id}`, 'data-group': gr.id, tabindex: '0', role: 'button', 'aria-label': tr('group.collapse', { op: gr.op }) });
      toggle.append(mk('rect', null, { x: first.x - 7, y: first.y - 7, width: 14, height: 14, rx: 3 }), mkText(null, { x: first.x, y: first.y + 4, 'text-anchor': 'middle' }, '−'));
      g.append(toggle);
      gGroups.append(g);
    }

    for (const e of view.edges) {
      const pts = lay.edges.get(e.id);
      if (!pts) continue;
      let x0 = Infinity;
      let x1 = -Infinity;
      let y0 = Infinity;
      let y1 = -Infinity;
      for (const [x, y] of pts) {
        if (x < x0) x0 = x;
        if (x > x1) x1 = x;
        if (y < y0) y0 = y;
        if (y > y1) y1 = y;
      }
      const ghost = !!lay.ghosts?.has(e.id);
      const it = {
        id: e.id, e, pts, ghost, x0: x0 - EDGE_PAD - (ghost ? 60 : 0), x1: x1 + EDGE_PAD, y0: y0 - EDGE_PAD, y1: y1 + EDGE_PAD,
        d: null, lp: lay.labels?.get(e.id) ? [lay.labels.get(e.id).x, lay.labels.get(e.id).y] : null, geo: null, text: null, t: null, flags: '', el: null,
      };
      edges.set(e.id, it);
      edgeList.push(it);
    }

    for (const n of view.nodes) {
      const p = lay.nodes.get(n.id);
      if (!p) continue;
      const x0 = p.x - p.width / 2;
      const y0 = p.y - p.height / 2;
      const focusable = n.kind === 'input' || n.kind === 'param' || n.op === 'leaf';
      const it = {
        id: n.id, n, p, x0, y0, x1: x0 + p.width, y1: y0 + p.height, compact: p.height < 40,
        focusable, pinned: focusable || !!n.collapsed, txt: null, t: null, flags: '', line: null, badge: null, el: null,
      };
      nodes.set(n.id, it);
      nodeList.push(it);
    }
    svg.setAttribute('data-nodes', String(nodes.size));
    overview.setItems({ layout: lay, nodes: nodeList, edges: edgeList });
    const scale = update(view);
    // Focusable nodes exist whatever the view, in the graph's order (the tab order).
    for (const it of nodeList) if (it.pinned) drawNode(it, 0);
    scheduleSync();
    return scale;
  }

  // Drawn elements outside the view when the numbers change: brought up to date after the frame that
  // shows the view (the margin drawn around it for panning doubled the work of a leaf change).
  const offView = { nodes: new Set(), edges: new Set() };
  let offViewQueued = false;

  /** The part of the layout seen now ([x0, y0, x1, y1]), or null when no element is seen (the overview). */
  function seenBox() {
    if (overview.shown) return null;
    const t = pz.transform;
    const { width, height } = pz.size();
    return [-t.x / t.k, -t.y / t.k, (width - t.x) / t.k, (height - t.y) / t.k];
  }

  /** Apply the numbers to the elements left off the view (before the view moves, or after a frame). */
  function flushOffView() {
    offViewQueued = false;
    for (const it of offView.nodes) if (it.el) applyNode(it);
    for (const it of offView.edges) if (it.el) applyEdge(it);
    offView.nodes.clear();
    offView.edges.clear();
  }

  /** Values, gradients, local derivatives and the |gradient| encoding, in place. */
  function update(view) {
    byId = new Map(view.nodes.map((n) => [n.id, n]));
    const gscale = logScale(view.nodes.filter((n) => n.kind !== 'const').map((n) => magnitude(n.grad)));
    const g = { byId };
    const flows = new Map(view.edges.map((e) => [e.id, edgeFlow(g, e)]));
    const escale = logScale([...flows.values()]);
    const box = seenBox();
    for (const n of view.nodes) {
      const it = nodes.get(n.id);
      if (!it) continue;
      const m = magnitude(n.grad);
      it.n = n;
      it.txt = null;
      it.line = null; // a sweep's lines are undone
      it.t = gscale(m);
      it.flags = `${n.kind !== 'const' && m === 0 ? ' zero-grad' : ''}${n.nonfinite ? ' nonfinite' : ''}${n.id === view.output ? ' output' : ''}`;
      if (!it.el) continue;
      if (meets(it, box, BADGE_ROOM)) {
        applyNode(it);
        offView.nodes.delete(it);
      } else offView.nodes.add(it);
    }
    for (const e of view.edges) {
      const it = edges.get(e.id);
      if (!it) continue;
      const f = flows.get(e.id);
      it.e = e;
      it.text = null;
      it.t = escale(f);
      const noLocal = e.local_needed !== false && (e.local === null || e.local === undefined);
      it.flags = `${f === 0 ? ' zero-flow' : ''}${noLocal ? ' nonfinite' : ''}${e.local_needed === false ? ' no-local' : ''}`;
      if (!it.el) continue;
      if (meets(it, box)) {
        applyEdge(it);
        offView.edges.delete(it);
      } else offView.edges.add(it);
    }
    if ((offView.nodes.size || offView.edges.size) && !offViewQueued) {
      offViewQueued = true;
      requestAnimationFrame(() => setTimeout(() => offViewQueued && flushOffView(), 0));
    }
    invalidateOverview();
    return { gradMin: gscale.min, gradMax: gscale.max };
  }

  function flushBadges() {
    clearQueued = false;
    for (const id of clearing) {
      const it = nodes.get(id);
      if (it && it.badge === null) it.el?.badge?.classList.remove('shown');
    }
    clearing.clear();
  }

  /** The item's elements, drawn now if they are not (at the current zoom's detail). */
  function ensure(it, draw) {
    if (!it) return null;
    const k = pz.transform.k;
    return draw(it, k < VERY_FAR_K ? 0 : k < FAR_K ? 1 : 2);
  }

  return {
    svg,
    fullCopy,
    render,
    update,
    get layout() {
      return layout;
    },
    /** The edge labels' places (placeEdgeLabels' Map), when they come after the drawing: the labels of the edges drawn in detail appear. */
    setLabels(labels) {
      if (!layout) return;
      layout.labels = labels;
      for (const it of edgeList) {
        const l = labels.get(it.id);
        it.lp = l ? [l.x, l.y] : null;
        const el = it.el;
        if (el && el.level >= 2 && !el.lg && it.lp) {
          el.level = 1;
          detailEdge(it, el, 2, gLabels);
        }
      }
    },
    /** The drawing's size in pixels as last laid out (no forced layout), or null while it has no box. */
    measured: () => pz.measured(),
    fit() {
      if (layout) pz.fit({ x: 0, y: 0, width: layout.width, height: layout.height });
    },
    /** Centre on a node, zoomed in far enough to read it, and mark it for a moment. */
    focusNode(id) {
      const it = nodes.get(id);
      if (!it) return;
      pz.centerOn(it.p.x, it.p.y, Math.max(pz.transform.k, 1));
      this.mark('found', [id]);
      clearTimeout(foundTimer);
      foundTimer = setTimeout(() => this.mark('found'), 1800);
    },
    /** Bring a node into view for the keyboard walk: pan to it, zooming in only as far as its text reads. */
    revealNode(id) {
      const it = nodes.get(id);
      if (!it) return;
      if (pz.transform.k < FAR_K) pz.centerOn(it.p.x, it.p.y, FAR_K);
      else pz.ensureVisible(it.p.x, it.p.y, 80);
      ensure(it, drawNode);
    },
    /** The zoom now (1 = the layout's own size). */
    get zoom() {
      return pz.transform.k;
    },
    zoomBy: (f) => pz.zoomBy(f),
    /** Mark nodes/edges with a class (replacing whatever had it). */
    mark(cls, nodeIds = [], edgeIds = []) {
      const had = marks.get(cls) ?? { nodes: new Set(), edges: new Set() };
      const want = { nodes: new Set(nodeIds), edges: new Set(edgeIds) };
      for (const id of had.nodes) if (!want.nodes.has(id)) nodes.get(id)?.el?.g.classList.remove(cls);
      for (const id of want.nodes) if (!had.nodes.has(id)) nodes.get(id)?.el?.g.classList.add(cls);
      for (const id of had.edges) {
        if (want.edges.has(id)) continue;
        const el = edges.get(id)?.el;
        el?.g.classList.remove(cls);
        el?.lg?.classList.remove(cls);
      }
      for (const id of want.edges) {
        if (had.edges.has(id)) continue;
        const el = edges.get(id)?.el;
        el?.g.classList.add(cls);
        el?.lg?.classList.add(cls);
      }
      marks.set(cls, want);
      svg.classList.toggle(`has-${cls}`, nodeIds.length + edgeIds.length > 0);
      if (had.nodes.size || had.edges.size || want.nodes.size || want.edges.size) invalidateOverview();
    },
    /** Replace a node's gradient line (label and value) during a sweep; null restores it. */
    setNodeLine(id, key, value) {
      const it = nodes.get(id);
      if (!it || it.compact) return;
      if (it.line && it.line[0] === key && it.line[1] === value) return;
      it.line = [key, value];
      const grad = it.el?.grad;
      if (grad) {
        setText(grad.firstChild, `${tr(`node.key.${key}`)} `);
        setText(grad.lastChild, value);
        fitLine(grad, it.p.width - 8);
      }
    },
    /** A small badge above a node (running Σ, adjoint); null hides it. */
    setBadge(id, text) {
      const it = nodes.get(id);
      if (!it) return;
      if (text === null || text === undefined) {
        it.badge = null;
        badged.delete(id);
        it.el?.badge?.classList.remove('shown');
        return;
      }
      it.badge = text;
      badged.add(id);
      if (it.el) showBadge(it, it.el);
    },
    clearBadges() {
      for (const id of badged) {
        const it = nodes.get(id);
        if (it) it.badge = null;
        clearing.add(id);
      }
      badged.clear();
      if (clearing.size && !clearQueued) {
        clearQueued = true;
        queueMicrotask(flushBadges);
      }
    },
    /** Pulses travelling along edges: [{edge, frac, text?, reverse?, follow?}] (overlay.js). */
    setPulses: (list) => overlay.setPulses(list),
    nodeElement: (id) => ensure(nodes.get(id), drawNode)?.g ?? null,
    edgeElement: (id) => ensure(edges.get(id), drawEdge)?.g ?? null,
  };
}

/**
 * A line written after the layout ("grad 3 ≠ 6", "adj 2 + …") may be longer than the box was made
 * for: then it is condensed to the box's width instead of running over its border.
 */
function fitLine(text, room) {
  text.removeAttribute('textLength');
  text.removeAttribute('lengthAdjust');
  const length = typeof text.getComputedTextLength === 'function' ? text.getComputedTextLength() : 0;
  if (length > room && room > 0) {
    text.setAttribute('textLength', String(room));
    text.setAttribute('lengthAdjust', 'spacingAndGlyphs');
  }
}
