// The application controller: holds the state, talks to the API, and drives the views.
// One instance per page; nothing here is module-level mutable state.
import {
  indexGraph, gradLeaves, namedNodes, findNode, structureKey, collapseGroups, nodeText, nodeSize, exprLabels, infixOps, edgeText,
  NODE_FONT,
} from './model/graph-model.js';
import { foldConstants, focusOnPaths, nodeTitles, symbolTable, markParallelEdges } from './model/view-graph.js';
import { LABEL_H, labelWidth } from './model/geometry.js';
import { createLayouts, WORKER_MIN_NODES } from './view/layouts.js';
import { costs, reverseSweep, forwardSweep, collapsePaths } from './model/paths.js';
import { pathTimeline, pathStateAt, sweepTimeline, sweepStateAt, pathStartTime } from './model/schedule.js';
import { encodeState, decodeState, graphRequest, pathsRequest, cleanValues, readLimit, DEFAULT_STATE } from './model/state.js';
import { parseApiError } from './model/errors.js';
import { toDot } from './model/dot.js';
import { formatNumber, groupThousands, toBigInt, fileBaseName } from './model/format.js';
import { EXAMPLES } from './model/examples.js';
import { deadRelus } from './model/training.js';
import { h, setText } from './view/dom.js';
import { createLatest } from './model/latest.js';
import { createGraphView } from './view/render.js';
import { createEditor } from './view/editor.js';
import { createLeafControls } from './view/leaves.js';
import { createPathsPanel, showCosts } from './view/paths-panel.js';
import { createPlayer } from './view/player.js';
import { createGraphKeys } from './view/graph-keys.js';
import { spokenName } from './model/walk.js';
import { showOps, showScale } from './view/legend.js';
import { exportSvg, exportPng, exportJson, exportDot, exportHtml } from './view/export.js';
// `tr`, not `t`: t is the animation's time in this file.
import { t as tr, getLocale } from './i18n.js';

const TYPE_DEBOUNCE_MS = 220;
// "auto" view: a program whose operations graph (constants folded) has more nodes than this, and at
// least AUTO_VALUES_MIN_STATEMENTS computed statements, is first drawn as its values.
const AUTO_VALUES_MIN_NODES = 30;
const AUTO_VALUES_MIN_STATEMENTS = 3;
// A new layout when the graph pane's aspect ratio changes by more than this factor (long chains wrap to it).
const RELAYOUT_ASPECT = 1.12;
// Text smaller than this at Fit is not readable: up to READABLE_NODES nodes, the page hides a side
// panel rather than draw it so.
const MIN_TEXT_PX = 11;
const READABLE_NODES = 150;
const VALUE_DEBOUNCE_MS = 40;
const HASH_DEBOUNCE_MS = 120;
const fmt = (x) => formatNumber(x, 6);

/**
 * @param {Record<string, HTMLElement>} els elements of index.html, by role
 * @param {ReturnType<import('./api.js').createApi>} api
 * @param {{initialState?: object, embedded?: object, locked?: boolean, onHash?: (hash: string) => void,
 *   onGraph?: (g: object, info: {deadRelus: string[]}) => void, onProgram?: () => void,
 *   onOps?: (ops: object[] | null) => void}} opts
 *   onGraph: after each graph is drawn (new layout or in place); onProgram: the program text changed
 *   (typed, or another program loaded), so whatever was computed for the old one is stale.
 */
export function createApp(els, api, opts = {}) {
  const state = { ...DEFAULT_STATE, values: {}, collapsed: [], ...(opts.initialState ?? {}) };
  /**
   * What the page shows now, derived from `state` and the server's answers. Every field is declared
   * here, none is added later.
   */
  const cur = {
    graphJson: null, // the last graph JSON (operations or values view)
    g: null, // graphJson indexed (graph-model.js)
    view: null, // what is drawn: g with groups collapsed, constants folded, the focus applied
    vg: null, // view indexed (the sweeps walk it)
    titles: new Map(), // node id -> drawn title (view-graph.js)
    symbols: new Map(), // op name -> symbol, from GET /api/ops
    infix: new Set(), // the ops written between their arguments, from GET /api/ops
    ops: null, // GET /api/ops as it came (the legend, the HTML export)
    layout: null, // the drawing's layout (layout.js), with its edge labels
    key: null, // what the layout was made for (structure, options): a new one when it changes
    layoutAspect: null, // the pane's width / height when it was made
    // Each new layout gets a token; the drawing shows the layout of drawnToken.
    layoutToken: 0,
    drawnToken: 0,
    roomKey: null, // the layout key the side panels last made room for
    retryArray: null, // an input whose paths were refused: selected again if it is an array leaf
    pathsRaw: null, // the last POST /api/paths answer (null: no input selected)
    pathsJson: null, // the paths as listed: pathsRaw with collapsed composites' inner paths merged
    counts: null, // nodes and edges of the graph as drawn (collapsed composites count once)
    costs: null, // multiplication counts for the selected input and for all inputs
    mode: 'paths', // what Play animates: 'paths' | 'reverse' | 'forward'
    sweepDrawn: false, // a sweep rewrote the nodes' gradient lines (undone by restoreGraph)
    requests: createLatest(), // the newest graph/paths request wins; older answers are dropped
    abort: null, // aborts the request in flight
    timer: null, // the debounce of the next request
    resizeTimer: null,
    toastTimer: null,
    hashTimer: null,
    selectNames: null, // what the input and output menus were filled for
    // Inputs the server would not list paths for in this program (e.g. through a matmul of arrays),
    // with its reason: never picked again by default, or the page would ask again and again.
    noPaths: new Map(),
    // The view picked for state.view = 'auto' (null: not decided yet for this program).
    autoView: null,
    errors: null, // the errors the editor shows (drawn again in another language), or null
    spoken: null, // the animation's last announced moment (each factor, arrival and the end, once)
  };
  const layouts = createLayouts();

  // ---- views
  const editor = createEditor(els.editor, els.error, { onInput: onSourceInput });
  const graphView = createGraphView(els.graph, {
    onNodeClick,
    onGroupToggle,
    onNodeHover: () => {},
  });
  const leaves = createLeafControls(els.leaves, { onChange: onLeafValue, onSelect: (name) => selectInput(name) });
  const panel = createPathsPanel(
    {
      count: els.pathCount, list: els.pathsList, listedSum: els.listedSum, gradient: els.gradient, fd: els.fd, forward: els.forward,
      check: els.check, product: els.product, sigma: els.sigma, arrayGrad: els.arrayGrad,
    },
    { onHover: hoverPath, onPick: pickPath },
  );
  const player = createPlayer({ onFrame: drawFrame, onStatus: showStatus });
  // The keyboard walk through the drawn graph (view/graph-keys.js), spoken in els.graphLive.
  const keys = els.graphLive
    ? createGraphKeys(els.graph, {
        live: els.graphLive,
        graph: () => (cur.vg ? { vg: cur.vg, titles: cur.titles, start: walkStart() } : null),
        reveal: (id) => graphView.revealNode(id),
        mark: (ids) => graphView.mark('kb-cursor', ids),
        onSelect: (id) => selectLeaf(id),
      })
    : null;

  /** Where a walk starts: the selected input, else the output. */
  function walkStart() {
    const input = cur.g && findNode(cur.g, state.input);
    return input ? repOf(input.id) : cur.vg.output;
  }

  /** Select a drawn node as the input if it is a leaf; false when it is not. */
  function selectLeaf(id) {
    const n = cur.g?.byId.get(id) ?? cur.vg?.byId.get(id);
    if (!n || !(n.op === 'leaf' || n.kind === 'input' || n.kind === 'param')) return false;
    selectInput(n.name ?? n.id);
    return true;
  }

  /**
   * Each factor, each arrival and the end of the paths animation, said once in els.animLive. The
   * moments are numbered along the timeline (a path's factors, then its arrival; the end last); a
   * frame that skipped some (a fast speed) says the skipped ones with it, up to three.
   */
  function announcePath(st, pj) {
    if (!els.animLive) return;
    const paths = pj.paths ?? [];
    const base = [];
    let total = 0;
    for (const p of paths) {
      base.push(total);
      total += p.factors.length + 1;
    }
    let now = -1;
    if (st.done) now = total;
    else if (st.path >= 0 && st.arrived === st.path + 1) now = base[st.path] + paths[st.path].factors.length;
    else if (st.path >= 0 && st.step > 0) now = base[st.path] + st.step - 1;
    if (now < 0 || now === cur.spoken) return;
    // From the last moment said (or the start), at most three at once; after a seek back, just this one.
    const last = typeof cur.spoken === 'number' ? cur.spoken : cur.spoken === null ? -1 : now - 1;
    const from = last < now ? Math.max(last + 1, now - 2) : now;
    const say = (m) => {
      if (m === total) return tr('anim.say.done', { n: paths.length, sum: formatNumber(st.sum, 6) });
      let i = base.length - 1;
      while (base[i] > m) i--;
      const p = paths[i];
      const k = m - base[i];
      if (k === p.factors.length) return tr('anim.say.arrive', { i: i + 1, product: formatNumber(p.product, 6), sum: formatNumber(kindSum(paths, i), 6) });
      return tr('anim.say.factor', { i: i + 1, k: k + 1, n: p.factors.length, factor: formatNumber(p.factors[k], 4), product: formatNumber(p.factors.slice(0, k + 1).reduce((a, b) => a * b, 1), 6) });
    };
    const texts = [];
    for (let m = from; m <= now; m++) texts.push(say(m));
    cur.spoken = now;
    els.animLive.textContent = texts.join(tr('anim.say.sep'));
  }

  /** Σ of the products of paths 0..i (a product that is not a number counts as NaN). */
  function kindSum(paths, i) {
    let sum = 0;
    for (let k = 0; k <= i; k++) sum += typeof paths[k].product === 'number' ? paths[k].product : NaN;
    return sum;
  }


  // ---- state <-> URL
  // The URL is written a moment after the last change (a long program makes a long URL, and writing
  // it costs milliseconds that a slider's redraw should not wait for).
  function saveHash() {
    clearTimeout(cur.hashTimer);
    cur.hashTimer = setTimeout(() => opts.onHash?.(encodeState(state)), HASH_DEBOUNCE_MS);
  }

  // ---- which view
  /** 'operations' or 'values': what the page draws now. */
  function shownView() {
    if (state.view === 'operations' || state.view === 'values') return state.view;
    return cur.autoView ?? 'operations';
  }
  const requestState = () => ({ ...state, view: shownView() });

  /** For 'auto': draw the values when the operations are too many to read and the program names its steps. */
  function autoViewFor(g) {
    const ops = g.nodes.filter((n) => n.kind !== 'const').length;
    const statements = g.nodes.filter((n) => n.name && n.op !== 'leaf' && n.kind !== 'const').length;
    return ops > AUTO_VALUES_MIN_NODES && statements >= AUTO_VALUES_MIN_STATEMENTS ? 'values' : 'operations';
  }

  // ---- requests
  function schedule(delay) {
    clearTimeout(cur.timer);
    cur.timer = setTimeout(refresh, delay);
  }

  async function refresh() {
    clearTimeout(cur.timer);
    cur.abort?.abort();
    const ctl = new AbortController();
    cur.abort = ctl;
    const seq = cur.requests.start();
    setBusy(true);
    try {
      let res;
      let pathsJson = null;
      // An array leaf has no paths (its edges carry Jacobians): the panel shows its gradient instead.
      const arrayInput = isArrayInput(state.input);
      if (state.input && !arrayInput) {
        res = await api.paths(pathsRequest(requestState()), ctl.signal);
        if (!cur.requests.isLatest(seq)) return;
        if (!res.ok && isInputError(res)) {
          // The selected input no longer exists (the program changed), or has no paths to list: forget it.
          cur.noPaths.set(state.input, res.body?.detail?.find?.((d) => d?.loc?.join?.('.') === 'body.input')?.msg ?? '');
          cur.retryArray = state.input; // kept if the new graph shows it is an array leaf
          state.input = null;
          res = await api.graph(graphRequest(requestState()), ctl.signal);
        } else if (res.ok) {
          pathsJson = res.body;
          res = { ok: true, status: res.status, body: res.body.graph };
        }
      } else {
        res = await api.graph(graphRequest(requestState()), ctl.signal);
      }
      if (!cur.requests.isLatest(seq)) return;
      if (!res.ok) {
        if (res.status === 422 && isOutputError(res) && state.output) {
          state.output = null;
          saveHash();
          schedule(0);
          return;
        }
        showErrors(parseApiError(res.status, res.body));
        return;
      }
      editor.setErrors([]);
      cur.errors = null;
      els.graph.classList.remove('stale');
      if (state.view === 'auto' && cur.autoView === null) {
        const pick = res.body.view === 'values' ? 'values' : autoViewFor(res.body);
        cur.autoView = pick;
        if (pick === 'values' && res.body.view !== 'values') {
          schedule(0);
          return;
        }
      }
      applyGraph(res.body);
      if (cur.retryArray) {
        if (isArrayInput(cur.retryArray)) state.input = cur.retryArray;
        cur.retryArray = null;
      }
      if (arrayInput && !isArrayInput(state.input)) {
        schedule(0); // the leaf is a number again: list its paths
        return;
      }
      if (!state.input) {
        const pick = defaultInput(cur.g);
        if (pick) {
          state.input = pick;
          saveHash();
          schedule(0);
          return;
        }
      }
      applyPaths(pathsJson);
      saveHash();
    } catch (e) {
      if (e?.name === 'AbortError') return;
      showErrors([{ message: tr('err.unexpected', { message: e?.message ?? e }), line: null, column: null, span: null }]);
      console.error(e);
    } finally {
      if (cur.requests.isLatest(seq)) setBusy(false);
    }
  }

  const detailLocs = (res) => (Array.isArray(res.body?.detail) ? res.body.detail.map((d) => (d?.loc ?? []).join('.')) : []);
  const isInputError = (res) => res.status === 422 && detailLocs(res).some((l) => l === 'body.input');
  const isOutputError = (res) => detailLocs(res).some((l) => l === 'body.output');

  function showErrors(list) {
    cur.errors = list;
    editor.setErrors(list);
    els.graph.classList.add('stale');
  }

  /** Whether `name` is an array leaf of the graph drawn now. */
  function isArrayInput(name) {
    const n = name && cur.g ? findNode(cur.g, name) : null;
    return !!n && n.op === 'leaf' && Array.isArray(n.value);
  }

  function setBusy(on) {
    els.app.classList.toggle('busy', on);
  }

  function defaultInput(g) {
    // Paths are listed for numbers only: an array leaf is the default only when there is no number.
    const ls = gradLeaves(g).filter((n) => !cur.noPaths.has(n.name ?? n.id) && !Array.isArray(n.value));
    if (!ls.length) {
      // Arrays only (XOR on arrays): the first parameter's element gradients are what applies.
      const arrays = gradLeaves(g).filter((n) => Array.isArray(n.value));
      const first = arrays.find((n) => n.kind === 'param') ?? arrays[0];
      return first ? first.name ?? first.id : null;
    }
    let best = ls[0];
    let bestCount = -1n;
    for (const n of ls) {
      const c = toBigInt(g.stats?.path_counts?.[n.id] ?? '0');
      if (c > bestCount) {
        best = n;
        bestCount = c;
      }
    }
    return best.name ?? best.id;
  }

  // ---- graph
  function applyGraph(json) {
    const tReceived = performance.now();
    cur.graphJson = json;
    cur.g = indexGraph(json);
    let view = collapseGroups(cur.g, state.collapsed);
    cur.counts = { nodes: view.nodes.length, edges: view.edges.length }; // what the header says: collapsed boxes count once
    if (!state.constants) view = foldConstants(view);
    const focusInput = state.focus ? findNode(cur.g, state.input) : null;
    if (focusInput) view = focusOnPaths(view, view.rep.get(focusInput.id) ?? focusInput.id, view.output);
    cur.view = markParallelEdges(view);
    cur.vg = indexGraph({ nodes: cur.view.nodes, edges: cur.view.edges, groups: cur.view.groups, output: cur.view.output });
    const aspect = paneAspect();
    const key = `${structureKey(json)}|${state.collapsed.join(',')}|${state.constants}|${focusInput?.id ?? ''}`;
    stopAnimation();
    if (key !== cur.key || (aspect && cur.layoutAspect && Math.max(aspect / cur.layoutAspect, cur.layoutAspect / aspect) > RELAYOUT_ASPECT)) {
      cur.key = key;
      const t0 = performance.now();
      cur.titles = nodeTitles(cur.view, cur.view.folded, cur.symbols);
      const sized = cur.view.nodes.map((n) => ({ id: n.id, kind: n.kind, group: n.group ?? null, ...nodeSize(n, nodeText(n, cur.titles.get(n.id))) }));
      const r = els.graph.getBoundingClientRect();
      const viewSize = r.width > 0 && r.height > 0 ? { width: r.width - 24, height: r.height - 24 } : null;
      // Room between layers for the local derivatives written on the edges.
      const widths = cur.view.edges.map((e) => labelWidth(edgeText(e))).sort((x, y) => x - y);
      const layerGap = Math.min(110, Math.max(56, (widths[Math.floor(widths.length * 0.75)] ?? 0) + 22));
      cur.layoutAspect = aspect;
      const job = {
        nodes: sized,
        edges: cur.view.edges.map((e) => ({ id: e.id, source: e.source, target: e.target, arg: e.arg })),
        // Expanded composites are boxed: more room between the nodes of a layer for the boxes' edges.
        opts: { output: cur.view.output, view: viewSize, layerGap, ...(cur.view.groups?.length ? { nodeGap: 20 } : {}) },
        labels: cur.view.edges.map((e) => ({ id: e.id, width: labelWidth(edgeText(e)), height: LABEL_H })),
      };
      const token = ++cur.layoutToken;
      const draw = (lay) => {
        if (token !== cur.layoutToken) return; // a newer graph is on its way
        els.graph.classList.remove('laying-out');
        cur.layout = lay;
        const t1 = performance.now();
        showScale(els.scale, graphView.render(cur.view, cur.layout, cur.titles));
        graphView.fit();
        els.graph.dataset.settled = 'true';
        makeRoomIfNeeded(key);
        els.graph.dataset.zoom = graphView.zoom.toFixed(3);
        els.graph.dataset.layoutMs = (t1 - t0).toFixed(1);
        els.graph.dataset.layoutSize = `${Math.round(cur.layout.width)}x${Math.round(cur.layout.height)}`;
        els.graph.dataset.structure = String(cur.requests.count);
        afterPaint(tReceived, t1 - t0, json);
        drawnGraph();
      };
      if (sized.length < WORKER_MIN_NODES) {
        draw(layouts.now(job));
        return;
      }
      // A big graph is laid out in the worker: the page (the editor) stays responsive meanwhile.
      els.graph.classList.add('laying-out');
      els.graph.dataset.settled = 'false';
      layouts.run(job).then(draw, (e) => showErrors([{ message: tr('err.layout', { message: e?.message ?? e }), line: null, column: null, span: null }]));
      return;
    }
    if (cur.layoutToken !== cur.drawnToken) return; // values for a drawing still being laid out: it draws them
    showScale(els.scale, graphView.update(cur.view));
    drawnGraph();
  }

  /** After the graph's values are drawn (a new layout or in place): the rest of the page follows. */
  function drawnGraph() {
    const json = cur.graphJson;
    cur.drawnToken = cur.layoutToken;
    const output = cur.g.byId.get(cur.g.output);
    const what = tr(json.view === 'values' ? 'graph.info.values' : 'graph.info.nodes');
    const hidden = cur.view.hidden ? tr('graph.info.hidden', { n: groupThousands(String(cur.view.hidden)) }) : '';
    setText(els.graphInfo, tr('graph.info', { nodes: groupThousands(String(cur.counts.nodes)), what, edges: groupThousands(String(cur.counts.edges)), name: output?.name ?? output?.id ?? '?', value: fmt(output?.value) }) + hidden);
    els.graph.dataset.view = json.view === 'values' ? 'values' : 'operations';
    opts.onView?.(shownView(), state);
    fillSelects();
    const inputNode = findNode(cur.g, state.input);
    graphView.mark('selected-input', inputNode ? [repOf(inputNode.id)] : []);
    leaves.update(gradLeaves(cur.g), state.input);
    updateCosts();
    // A ReLU whose input is ≤ 0 passes no gradient: mark it (the legend explains the mark).
    const dead = deadRelus(cur.g);
    graphView.mark('dead-relu', [...new Set(dead.map(repOf))]);
    els.graph.dataset.deadRelu = String(dead.length);
    keys?.graphChanged();
    opts.onGraph?.(cur.g, { deadRelus: dead });
  }

  /**
   * After the first paint of a new layout: `#graph[data-paint-ms]` and a `pathgrad:rendered` event on
   * window with {nodes, edges, layoutMs, scriptMs, paintMs}: ms from the graph JSON's arrival to the
   * end of our script (the start of the frame that draws it), and to the end of that frame.
   */
  function afterPaint(tReceived, layoutMs, json) {
    requestAnimationFrame(() => {
      const scriptMs = performance.now() - tReceived; // our work, up to the frame that draws it
      setTimeout(() => {
        const paintMs = performance.now() - tReceived;
        els.graph.dataset.paintMs = paintMs.toFixed(1);
        const detail = { nodes: json.nodes.length, edges: json.edges.length, layoutMs, scriptMs, paintMs };
        window.dispatchEvent(new CustomEvent('pathgrad:rendered', { detail }));
      }, 0);
    });
  }

  /**
   * A graph of up to READABLE_NODES nodes must be read at Fit: if its text would be smaller than
   * MIN_TEXT_PX, hide a side panel (the pane grows, the graph is laid out again for it). A new
   * program first gets the panels back.
   */
  function makeRoomIfNeeded(key) {
    const panels = opts.panels;
    if (!panels) return;
    if (key !== cur.roomKey) {
      cur.roomKey = key;
      if (panels.restore()) {
        els.graph.dataset.settled = 'false'; // the pane changes size: this runs again after the new layout
        return;
      }
    }
    const legible = graphView.zoom * Math.min(NODE_FONT.title, NODE_FONT.value) >= MIN_TEXT_PX;
    if (!legible && cur.view.nodes.length <= READABLE_NODES && panels.makeRoom()) {
      els.graph.dataset.settled = 'false'; // a new layout follows for the bigger pane
      flash(tr(panels.madeRoom.includes('right') ? 'room.right' : 'room.left'));
    }
  }

  /** The graph pane's width / height (null before it is laid out). */
  function paneAspect() {
    const r = els.graph.getBoundingClientRect();
    return r.width > 0 && r.height > 0 ? r.width / r.height : null;
  }

  /** The pane changed size (a window resize, a side panel shown or hidden): lay out again or fit. */
  function paneResized() {
    const a = paneAspect();
    if (!cur.graphJson || !a) return;
    if (cur.layoutAspect && Math.max(a / cur.layoutAspect, cur.layoutAspect / a) > RELAYOUT_ASPECT) {
      cur.key = null; // a new layout for the new shape
      redraw();
    } else {
      graphView.fit();
      els.graph.dataset.zoom = graphView.zoom.toFixed(3);
      els.graph.dataset.settled = 'true';
    }
  }

  const repOf = (id) => cur.view?.rep.get(id) ?? id;
  const edgeRepOf = (id) => (cur.view?.edgeRep.has(id) ? cur.view.edgeRep.get(id) : id);

  function fillSelects() {
    const g = cur.g;
    const outName = state.output ?? g.byId.get(g.output)?.name ?? '';
    // A thousand statements make a thousand options: rebuilt only when the program's names change.
    const ins = gradLeaves(g);
    const names = `${cur.key}|${ins.map((n) => `${n.name}:${g.stats?.path_counts?.[n.id]}`).join(',')}`;
    if (names === cur.selectNames) {
      els.outputSelect.value = outName;
      els.inputSelect.value = state.input ?? '';
      return;
    }
    cur.selectNames = names;
    const outs = namedNodes(g).filter((n) => n.kind !== 'const');
    const seen = new Set();
    const outOptions = [];
    for (const n of outs.slice().reverse()) {
      if (seen.has(n.name)) continue;
      seen.add(n.name);
      outOptions.unshift(h('option', { value: n.name, text: n.name }));
    }
    els.outputSelect.replaceChildren(...outOptions);
    els.outputSelect.value = outName;
    els.inputSelect.replaceChildren(
      h('option', { value: '', text: tr('paths.choose') }),
      ...ins.map((n) => h('option', { value: n.name ?? n.id, text: tr('paths.inputOption', { name: n.name ?? n.id, n: groupThousands(String(g.stats?.path_counts?.[n.id] ?? '?')) }) })),
    );
    els.inputSelect.value = state.input ?? '';
  }

  function updateCosts() {
    const g = cur.g;
    const input = findNode(g, state.input);
    const leafIds = gradLeaves(g).map((n) => n.id);
    if (!input) {
      cur.costs = null;
      els.costs.replaceChildren(h('p', { class: 'muted small', text: tr('paths.pickForCosts') }));
      return;
    }
    cur.costs = { c: costs(g, [input.id], g.output), all: costs(g, leafIds, g.output) };
    showCosts(els.costs, { inputName: input.name ?? input.id, ...cur.costs, nInputs: leafIds.length });
  }

  // ---- paths
  function applyPaths(pj) {
    cur.pathsRaw = pj; // as the server sent it; cur.pathsJson is what the panel lists (composites collapsed)
    cur.pathsJson = pj;
    const outName = cur.g ? (cur.g.byId.get(cur.g.output)?.name ?? cur.g.output) : '?';
    if (!pj) {
      if (isArrayInput(state.input)) {
        const input = findNode(cur.g, state.input);
        panel.showArray(input, outName);
        setText(els.pathsTitle, tr('paths.titleArray', { input: input.name ?? input.id, output: outName }));
        opts.onPaths?.(); // the table view follows
        loadTimeline();
        return;
      }
      const leafNames = new Set(cur.g ? gradLeaves(cur.g).map((n) => n.name ?? n.id) : []);
      const why = [...cur.noPaths].find(([name, msg]) => msg && leafNames.has(name) && !isArrayInput(name))?.[1];
      panel.clear(state.input ? '' : why ? tr('paths.notListed', { why }) : tr('paths.pickInput'));
      setText(els.pathsTitle, tr('paths.titleNoInput', { output: outName }));
      opts.onPaths?.(); // the table view follows
      loadTimeline();
      return;
    }
    const shown = collapsePaths(pj, cur.view);
    cur.pathsJson = shown;
    const byId = shown === pj ? cur.g.byId : new Map([...cur.g.byId, ...cur.vg.byId]);
    const twins = new Map(cur.view.edges.filter((e) => e.twin).map((e) => [e.id, e.twin]));
    panel.show(shown, byId, exprLabels(cur.g, 16, cur.symbols, cur.infix), twins);
    const inputNode = cur.g.byId.get(pj.input) ?? findNode(cur.g, state.input);
    setText(els.pathsTitle, tr('paths.title', { input: inputNode?.name ?? pj.input, output: cur.g.byId.get(pj.output)?.name ?? pj.output }));
    opts.onPaths?.(); // the table view follows
    loadTimeline();
  }

  function loadTimeline() {
    stopAnimation();
    let tl = null;
    if (cur.mode === 'paths') {
      tl = cur.pathsJson ? pathTimeline(cur.pathsJson.paths ?? []) : null;
    } else if (cur.mode === 'reverse' && cur.vg) {
      tl = sweepTimeline(reverseSweep(cur.vg, cur.vg.output).steps, 'reverse');
    } else if (cur.mode === 'forward' && cur.vg) {
      const input = findNode(cur.g, state.input);
      tl = input ? sweepTimeline(forwardSweep(cur.vg, repOf(input.id)).steps, 'forward') : null;
    }
    if (tl) player.load(tl);
    else player.unload();
    for (const b of [els.modePaths, els.reverseSweep, els.forwardSweep]) b.classList.remove('active');
    ({ paths: els.modePaths, reverse: els.reverseSweep, forward: els.forwardSweep })[cur.mode]?.classList.add('active');
    els.app.dataset.mode = cur.mode;
  }

  function stopAnimation() {
    player.pause();
    restoreGraph();
  }

  /** Undo everything the animation drew. */
  function restoreGraph() {
    graphView.mark('anim-path');
    graphView.mark('anim-done');
    graphView.mark('swept');
    graphView.mark('sweep-current');
    graphView.mark('pending');
    graphView.setPulses([]);
    graphView.clearBadges();
    // A sweep rewrote the nodes' gradient lines: put them back.
    if (cur.view && cur.sweepDrawn) graphView.update(cur.view);
    cur.sweepDrawn = false;
    panel.resetAnim();
    cur.spoken = null;
    if (els.sigmaFloat) els.sigmaFloat.hidden = true;
    setText(els.sweepCount, '');
    els.graph.classList.remove('animating');
  }

  // ---- animation frames
  function drawFrame(t, tl) {
    els.graph.classList.toggle('animating', t > 0);
    if (tl.kind === 'paths') drawPaths(t, tl);
    else drawSweep(t, tl);
    els.timeline.value = String(tl.duration ? Math.round((1000 * t) / tl.duration) : 0);
  }

  function drawPaths(t, tl) {
    const pj = cur.pathsJson;
    if (!pj) return;
    const st = pathStateAt(tl, t);
    panel.setAnim(st, pj.paths, t);
    if (t > 0) announcePath(st, pj);
    // The running sum stays in sight over the graph (on a phone the Paths panel is below it).
    if (els.sigmaFloat) {
      els.sigmaFloat.hidden = t <= 0;
      setText(els.sigmaFloat, tr('anim.sigmaFloat', { sum: formatNumber(st.sum, 5), i: Math.min(st.path + 1, pj.paths.length), n: pj.paths.length }));
    }
    const p = pj.paths[st.path];
    graphView.clearBadges();
    if (t <= 0 || !p) {
      graphView.mark('anim-path');
      graphView.mark('anim-done');
      graphView.setPulses([]);
      return;
    }
    const nodes = [...new Set(p.nodes.map(repOf))];
    const edges = p.edges.map(edgeRepOf).filter(Boolean);
    graphView.mark('anim-path', nodes, edges);
    graphView.mark('anim-done', [], p.edges.slice(0, st.step).map(edgeRepOf).filter(Boolean));
    const pulses = [];
    if (st.pulse) {
      const e = edgeRepOf(st.pulse.edge);
      if (e) pulses.push({ edge: e, frac: st.pulse.frac, text: `× ${formatNumber(st.factor, 4)}`, follow: true });
    }
    graphView.setPulses(pulses);
    const reached = repOf(p.nodes[Math.min(st.step, p.nodes.length - 1)]);
    const inputRep = repOf(pj.input);
    if (!st.done) graphView.setBadge(reached, `∏ = ${formatNumber(st.product, 4)}`);
    graphView.setBadge(inputRep, `Σ = ${formatNumber(st.sum, 5)}`);
  }

  function drawSweep(t, tl) {
    const ss = sweepStateAt(tl, t);
    cur.sweepDrawn = true;
    const key = tl.kind === 'reverse' ? 'adj' : 'tan';
    const completed = [...ss.completed.keys()];
    graphView.mark('swept', completed);
    graphView.mark('sweep-current', ss.current ? [ss.current] : []);
    // Said once per node the sweep completes: its name and its adjoint (or tangent).
    if (els.animLive && ss.current && cur.spoken !== `s${ss.current}` && cur.vg.byId.has(ss.current)) {
      cur.spoken = `s${ss.current}`;
      const value = ss.completed.get(ss.current) ?? ss.partial.get(ss.current);
      els.animLive.textContent = tr('anim.say.sweepNode', { name: spokenName(cur.vg.byId.get(ss.current), cur.titles), what: tr(`anim.say.${key}`), value: value === undefined ? '?' : formatNumber(value, 6) });
    }
    const pending = cur.view.nodes.filter((n) => !ss.completed.has(n.id)).map((n) => n.id);
    graphView.mark('pending', ss.done ? [] : pending);
    for (const n of cur.view.nodes) {
      if (ss.completed.has(n.id)) graphView.setNodeLine(n.id, key, formatNumber(ss.completed.get(n.id), 4));
      // A partial sum: more edges are still to add to it ("2 + …").
      else if (ss.partial.has(n.id)) graphView.setNodeLine(n.id, key, `${formatNumber(ss.partial.get(n.id), 4)} + …`);
      else graphView.setNodeLine(n.id, key, n.kind === 'const' ? '' : '?');
    }
    graphView.setPulses(ss.pulses.map((p) => ({ edge: p.edge, frac: p.frac, reverse: tl.kind === 'reverse' })));
    const total = tl.events.at(-1).mults;
    const what = tr(tl.kind === 'reverse' ? 'anim.sweep.reverse' : 'anim.sweep.forward');
    const paths = tl.kind === 'reverse' ? cur.costs?.all.enumerate : cur.costs?.c.enumerate;
    const vs = paths === undefined ? '' : tr('anim.sweep.vs', { n: groupThousands(paths) });
    const open = ss.partial.size && !ss.done ? tr('anim.sweep.open') : '';
    setText(els.sweepCount, tr('anim.sweep.count', { done: groupThousands(String(ss.mults)), total: groupThousands(String(total)), what }) + vs + open);
  }

  function showStatus(s) {
    els.play.disabled = !s.kind || s.playing;
    els.pause.disabled = !s.playing;
    els.step.disabled = !s.kind;
    els.stepBack.disabled = !s.kind;
    els.restart.disabled = !s.kind;
    els.app.classList.toggle('playing', s.playing);
    els.play.setAttribute('aria-pressed', String(s.playing));
  }

  // ---- interactions
  function onSourceInput(text) {
    state.source = text;
    // New program text: the sliders' overrides belong to the old one.
    state.values = {};
    state.collapsed = [];
    cur.noPaths.clear();
    cur.autoView = null;
    opts.onProgram?.();
    schedule(TYPE_DEBOUNCE_MS);
    saveHash();
  }

  function onLeafValue(name, value) {
    state.values = { ...state.values, [name]: value };
    state.values = cleanValues(state.values);
    schedule(VALUE_DEBOUNCE_MS);
  }

  function onNodeClick(id) {
    if (!cur.g) return;
    const n = cur.g.byId.get(id);
    if (n && (n.op === 'leaf' || n.kind === 'input' || n.kind === 'param')) selectInput(n.name ?? n.id);
  }

  function selectInput(name) {
    if (!name || name === state.input) return;
    state.input = name;
    if (cur.mode === 'forward') cur.mode = 'paths';
    saveHash();
    refresh();
  }

  /** Draw the last answers again, for a view option that needs no new request (groups, constants, focus). */
  function redraw() {
    if (!cur.graphJson) return;
    applyGraph(cur.graphJson);
    applyPaths(cur.pathsRaw);
  }

  function onGroupToggle(groupId) {
    const set = new Set(state.collapsed);
    if (set.has(groupId)) set.delete(groupId);
    else set.add(groupId);
    state.collapsed = [...set];
    saveHash();
    redraw();
  }

  function hoverPath(i) {
    panel.setHover(i);
    const p = i === null ? null : cur.pathsJson?.paths?.[i];
    if (!p) {
      graphView.mark('hl');
      return;
    }
    graphView.mark('hl', [...new Set(p.nodes.map(repOf))], p.edges.map(edgeRepOf).filter(Boolean));
  }

  function pickPath(i) {
    if (cur.mode !== 'paths') {
      cur.mode = 'paths';
      loadTimeline();
    }
    const tl = player.timeline;
    if (tl) player.seek(pathStartTime(tl, i) + 1);
  }

  function setMode(mode) {
    cur.mode = mode;
    loadTimeline();
  }

  function exportData() {
    return {
      state: { ...state, lang: getLocale() },
      graph: cur.graphJson,
      pathsByInput: cur.pathsRaw ? { [state.input]: cur.pathsRaw } : {},
      ops: cur.ops,
    };
  }

  async function exportAll(kind) {
    if (!cur.graphJson) return;
    // Named after the preset (and its seed) or the output: "pathgrad-xor-seed3.svg", "pathgrad-e.dot".
    const outName = cur.g.byId.get(cur.g.output)?.name ?? null;
    const name = fileBaseName('pathgrad', opts.exportName?.() ?? outName);
    try {
      if (kind === 'svg') await exportSvg(graphView.fullCopy(), cur.layout, name);
      else if (kind === 'png') await exportPng(graphView.fullCopy(), cur.layout, name);
      else if (kind === 'json') exportJson(cur.graphJson, name);
      else if (kind === 'dot') exportDot(toDot({ ...cur.view, groups: cur.view.groups }, { name, titles: cur.titles }), name);
      else if (kind === 'html') {
        const data = exportData();
        // Paths for every input, so that a reader of the file can pick any leaf.
        for (const n of gradLeaves(cur.g).slice(0, 24)) {
          const nm = n.name ?? n.id;
          if (data.pathsByInput[nm]) continue;
          const res = await api.paths(pathsRequest({ ...state, input: nm }));
          if (res.ok) data.pathsByInput[nm] = res.body;
        }
        await exportHtml(data, name);
      }
      flash(tr('export.done', { kind: kind.toUpperCase() }));
    } catch (e) {
      flash(tr('export.failed', { message: e?.message ?? e }), true);
    }
  }

  function flash(text, bad = false) {
    setText(els.toast, text);
    els.toast.classList.toggle('bad', bad);
    els.toast.classList.add('shown');
    clearTimeout(cur.toastTimer);
    cur.toastTimer = setTimeout(() => els.toast.classList.remove('shown'), 2500);
  }

  // ---- public surface (wired by main.js)
  return {
    state,
    player,
    // ---- for the teaching panels (view/teach.js): the graph as drawn, and ways to write on it
    /** The last graph, indexed (model/graph-model.js); null before the first. */
    get graph() {
      return cur.g;
    },
    /** Mark nodes and edges (ids of the graph JSON) with a class; no ids clears it. */
    markTeach(cls, nodeIds = [], edgeIds = []) {
      graphView.mark(cls, [...new Set(nodeIds.map(repOf))], edgeIds.map(edgeRepOf).filter(Boolean));
    },
    /** Write a node's gradient line (a graph JSON id); the next drawing of the graph resets it. */
    setNodeLine(id, key, text) {
      graphView.setNodeLine(repOf(id), key, text);
    },
    start() {
      editor.value = state.source;
      els.expand.checked = !!state.expand;
      els.limit.value = String(state.limit);
      // An offline copy cannot recompute; a locked embed (?lock=1, a locked widget) must not.
      editor.setReadOnly(!!api.offline || !!opts.locked);
      leaves.setDisabled(!!api.offline || !!opts.locked);
      // The operations' symbols name the drawn nodes: the first graph waits for them.
      const opsLoaded = api.ops().then((r) => {
        cur.ops = r.ok ? r.body : null;
        cur.symbols = symbolTable(cur.ops);
        cur.infix = infixOps(cur.ops);
        showOps(els.ops, cur.ops);
        opts.onOps?.(cur.ops);
      }, () => {});
      showStatus({ playing: false, kind: null });
      if (typeof ResizeObserver === 'function') {
        new ResizeObserver(() => {
          clearTimeout(cur.resizeTimer);
          cur.resizeTimer = setTimeout(paneResized, 150);
        }).observe(els.graph);
      }
      opsLoaded.finally(refresh);
    },
    /** Replace the whole state (a shared link was opened). */
    load(next) {
      // The reader's view options stay unless `next` (a shared link) sets them: another example is
      // another program, not another way of looking.
      const kept = { expand: state.expand, constants: state.constants, focus: state.focus, limit: state.limit };
      Object.assign(state, { ...DEFAULT_STATE, ...kept, values: {}, collapsed: [] }, next);
      editor.value = state.source;
      els.expand.checked = !!state.expand;
      els.limit.value = String(state.limit);
      cur.key = null;
      cur.noPaths.clear();
      cur.autoView = null;
      opts.onProgram?.();
      return refresh();
    },
    loadExample(id) {
      const ex = EXAMPLES.find((e) => e.id === id);
      if (!ex) return;
      this.load({ source: ex.source, input: ex.input ?? null, view: ex.view ?? 'auto' });
      saveHash();
    },
    /** Open a preset (GET /api/presets/{name}) as an editable program, on its view's output and input. */
    loadPreset(preset) {
      const view = preset.view === 'values' || preset.view === 'operations' ? preset.view : 'auto';
      const done = this.load({ source: preset.source, input: preset.view_input ?? null, output: preset.view_output ?? null, view });
      saveHash();
      return done;
    },
    /**
     * Set leaf values (a training step's parameters) and redraw the graph in place; resolves when the
     * new values are drawn (or the request was superseded).
     */
    setValues(values) {
      state.values = cleanValues({ ...state.values, ...values });
      return refresh(); // saves the hash once drawn
    },
    /** 'operations', 'values' (or 'auto'): what a node is. The selection is kept (it is a name). */
    setView(view) {
      const next = view === 'operations' || view === 'values' ? view : 'auto';
      if (next === shownView() && state.view !== 'auto') return;
      state.view = next;
      state.collapsed = [];
      if (cur.mode !== 'paths') cur.mode = 'paths';
      saveHash();
      return refresh();
    },
    toggleView() {
      return this.setView(shownView() === 'values' ? 'operations' : 'values');
    },
    get shownView() {
      return shownView();
    },
    setConstants(on) {
      state.constants = !!on;
      saveHash();
      redraw();
    },
    /** Only the paths from the selected input to the output (on), or the whole graph (off). */
    setFocus(on) {
      state.focus = !!on;
      saveHash();
      redraw();
    },
    /** Centre and zoom on the node of that name (or id); false when there is none. */
    findNode(name) {
      if (!cur.g || !name) return false;
      const n = findNode(cur.g, name.trim());
      if (!n) return false;
      const id = repOf(n.id);
      if (!cur.layout?.nodes.has(id)) return false;
      graphView.focusNode(id);
      return true;
    },
    /** Names that the find field offers. */
    nodeNames() {
      return cur.g ? [...new Set(namedNodes(cur.g).map((n) => n.name))] : [];
    },
    setExpand(on) {
      state.expand = !!on;
      state.collapsed = [];
      saveHash();
      refresh();
    },
    setOutput(name) {
      const progOut = cur.g?.byId.get(cur.g.output)?.name;
      state.output = name && name !== progOut ? name : state.output && name ? name : null;
      saveHash();
      refresh();
    },
    selectInput,
    /** The "top" field: a bad number is refused with a message and the field shows the limit in use. */
    setLimit(n) {
      const r = readLimit(n);
      els.limit.classList.toggle('invalid', !r.ok);
      if (!r.ok) {
        flash(r.message, true);
        els.limit.value = String(state.limit);
        return;
      }
      state.limit = r.value;
      saveHash();
      refresh();
    },
    setMode,
    play() {
      if (!player.timeline) loadTimeline();
      player.play();
    },
    setSpeed(v) {
      player.speed = v;
    },
    seekFraction(f) {
      const tl = player.timeline;
      if (tl) {
        player.pause();
        player.seek(tl.duration * f);
      }
    },
    fit: () => graphView.fit(),
    zoomBy: (f) => graphView.zoomBy(f),
    resetValues() {
      state.values = {};
      saveHash();
      refresh();
    },
    exportAll,
    /** The page's language changed: every text this app wrote is written again (a new layout: node keys too). */
    relocalize(lang) {
      state.lang = lang;
      cur.selectNames = null;
      cur.key = null;
      showOps(els.ops, cur.ops);
      els.graph.querySelector('svg.graph-svg')?.setAttribute('aria-label', tr('graph.svg'));
      keys?.relocalize();
      if (cur.errors) showErrors(cur.errors);
      else redraw();
      saveHash();
    },
    /** What the table view shows: the drawn graph, its titles and the listed paths (null before a graph). */
    tableData() {
      if (!cur.vg) return null;
      const byId = cur.pathsJson && cur.pathsJson !== cur.pathsRaw ? new Map([...cur.g.byId, ...cur.vg.byId]) : cur.g.byId;
      return { vg: cur.vg, titles: cur.titles, pj: cur.pathsJson, byId, symbols: cur.symbols };
    },
    /** The share link: the state and the page's language. */
    hashNow: () => encodeState({ ...state, lang: getLocale() }),
    decodeState,
    flash,
    get current() {
      return cur;
    },
  };
}
