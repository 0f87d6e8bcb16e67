// The application controller: holds the state, wires the views, and offers the page its actions.
// One instance per page; nothing here is module-level mutable state. Its parts, each given the shared
// context (app/context.js): the request pipeline (app/requests.js), the drawing (app/drawing.js), the
// animation (app/animation.js) and the exports (app/exports.js).
import { namedNodes, findNode, infixOps } from './model/graph-model.js';
import { symbolTable } from './model/view-graph.js';
import { encodeState, decodeState, cleanValues, readLimit, DEFAULT_STATE } from './model/state.js';
import { EXAMPLES } from './model/examples.js';
import { setText } from './view/dom.js';
import { createGraphView } from './view/render.js';
import { createEditor } from './view/editor.js';
import { createLeafControls } from './view/leaves.js';
import { createPathsPanel } from './view/paths-panel.js';
import { createGraphKeys } from './view/graph-keys.js';
import { showOps } from './view/legend.js';
import { createViewState, shownView as viewShown } from './app/context.js';
import { createAnimation } from './app/animation.js';
import { createDrawing } from './app/drawing.js';
import { createRequests } from './app/requests.js';
import { createExports } from './app/exports.js';
import { t as tr, getLocale } from './i18n.js';

// A pause this long in typing asks for the new graph (a request in flight is dropped for the newer one).
const TYPE_DEBOUNCE_MS = 150;
// A lone edit (a key TYPE_PAUSE_MS or more after the last one: a `*` made a `+`, a digit changed) asks
// after this shorter wait; a key that follows it is typing again, which waits TYPE_DEBOUNCE_MS.
const LONE_KEY_DEBOUNCE_MS = 40;
const TYPE_PAUSE_MS = 500;
// While a slider is dragged, a pause this long asks for its values (a lone change asks at once).
const VALUE_DEBOUNCE_MS = 40;
const HASH_DEBOUNCE_MS = 120;

/**
 * The elements an app drives, by role: index.html's (main.js finds them by id) or an embedded graph's
 * (view/embed-markup.js). Those whose value the app reads or sets have their element types.
 * @typedef {Record<string, HTMLElement> & {
 *   app: HTMLElement, editor: HTMLElement, error: HTMLElement, graph: HTMLElement, graphInfo: HTMLElement,
 *   leaves: HTMLElement, pathsTitle: HTMLElement, costs: HTMLElement, sweepCount: HTMLElement, ops: HTMLElement,
 *   scale: HTMLElement, toast: HTMLElement, sigmaFloat?: HTMLElement, graphLive?: HTMLElement, animLive?: HTMLElement,
 *   inputSelect: HTMLSelectElement, outputSelect: HTMLSelectElement, limit: HTMLInputElement, expand: HTMLInputElement,
 *   timeline: HTMLInputElement, speed: HTMLSelectElement, play: HTMLButtonElement, pause: HTMLButtonElement,
 *   step: HTMLButtonElement, stepBack: HTMLButtonElement, restart: HTMLButtonElement,
 *   modePaths: HTMLElement, reverseSweep: HTMLElement, forwardSweep: HTMLElement}} AppElements
 */

/**
 * How the page around an app follows it.
 * @typedef {object} AppOptions
 * @property {Partial<import('./model/state.js').AppState>} [initialState] the first state (a link's, an export's)
 * @property {boolean} [locked] the program and values cannot be changed (?lock=1, a locked widget)
 * @property {ReturnType<typeof import('./view/panels.js').createPanels>} [panels] the side panels, hidden to make room
 * @property {(hash: string) => void} [onHash] the state as a link's hash, a moment after it changed
 * @property {(g: ReturnType<typeof import('./model/graph-model.js').indexGraph>, info: {deadRelus: string[]}) => void} [onGraph]
 *   after each graph is drawn (new layout or in place)
 * @property {() => void} [onProgram] the program text changed (typed, or another program loaded), so
 *   whatever was computed for the old one is stale
 * @property {(ops: import('#types/api').Op[] | null) => void} [onOps] GET /api/ops answered
 * @property {() => void} [onPaths] the paths panel was drawn again
 * @property {(view: 'operations' | 'values', state: import('./model/state.js').AppState) => void} [onView] a graph was drawn in that view
 * @property {() => string | null} [exportName] what exported files are named after (null: the output)
 */

/** @typedef {ReturnType<typeof createApp>} App */

/**
 * @param {AppElements} els
 * @param {import('./api.js').Api} api
 * @param {AppOptions} opts
 */
export function createApp(els, api, opts = {}) {
  const state = { ...DEFAULT_STATE, values: {}, collapsed: [], ...(opts.initialState ?? {}) };
  const cur = createViewState();

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
    { onHover: (i) => hoverPath(i), onPick: (i) => pickPath(i) },
  );
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

  // ---- state <-> URL
  // The URL is written a moment after the last change (a long program makes a long URL, and writing
  // it costs milliseconds that a slider's redraw should not wait for).
  function saveHash() {
    clearTimeout(cur.hashTimer);
    cur.hashTimer = setTimeout(() => opts.onHash?.(encodeState(state)), HASH_DEBOUNCE_MS);
  }

  const shownView = () => viewShown(state, cur);

  function showErrors(list) {
    cur.errors = list;
    editor.setErrors(list);
    markPane('stale', true);
  }

  const repOf = (id) => cur.view?.rep.get(id) ?? id;
  const edgeRepOf = (id) => (cur.view?.edgeRep.has(id) ? cur.view.edgeRep.get(id) : id);

  function flash(text, bad = false) {
    setText(els.toast, text);
    els.toast.classList.toggle('bad', bad);
    els.toast.classList.add('shown');
    clearTimeout(cur.toastTimer);
    cur.toastTimer = setTimeout(() => els.toast.classList.remove('shown'), 2500);
  }

  // ---- the parts
  // "Busy" and "stale" are shown on the graph's pane: a class on the graph itself changes its style
  // or its layout, and Chromium then lays out the whole SVG again (100-200 ms with 7,000 elements).
  // The pane's marks are elements of their own, always there and out of the flow (absolutely placed):
  // showing one only repaints it. (A pseudo-element made and dropped lays out the pane, its graph and
  // the SVG again; so does the graph's own opacity.)
  const pane = els.graph.parentElement ?? els.graph;
  for (const cls of ['busy', 'stale']) {
    const mark = document.createElement('span');
    mark.className = `pane-mark pane-${cls}`;
    mark.setAttribute('aria-hidden', 'true');
    pane.append(mark);
  }
  const markPane = (cls, on) => pane.classList.toggle(cls, on);
  const ctx = { els, api, opts, state, cur, editor, graphView, panel, leaves, keys, repOf, edgeRepOf, flash, showErrors, saveHash, markPane };
  const animation = createAnimation(ctx);
  const { player, loadTimeline, showStatus, hoverPath, pickPath, setMode } = animation;
  const drawing = createDrawing(ctx, animation);
  const { redraw, paneResized } = drawing;
  const { refresh, schedule, scheduleValue } = createRequests(ctx, drawing);
  const { exportAll } = createExports(ctx);

  // ---- interactions
  function onSourceInput(text) {
    state.source = text;
    // New program text: the sliders' overrides belong to the old one.
    state.values = {};
    state.collapsed = [];
    cur.noPaths.clear();
    cur.autoView = null;
    // An answer still coming for the old text decides nothing for the new one (it would pick the
    // 'auto' view from the old graph).
    cur.abort?.abort();
    cur.requests.cancel();
    opts.onProgram?.();
    const now = performance.now();
    const lone = now - cur.typedAt >= TYPE_PAUSE_MS;
    cur.typedAt = now;
    schedule(lone ? LONE_KEY_DEBOUNCE_MS : TYPE_DEBOUNCE_MS);
    saveHash();
  }

  function onLeafValue(name, value) {
    state.values = { ...state.values, [name]: value };
    state.values = cleanValues(state.values);
    scheduleValue(VALUE_DEBOUNCE_MS);
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

  function onGroupToggle(groupId) {
    const set = new Set(state.collapsed);
    if (set.has(groupId)) set.delete(groupId);
    else set.add(groupId);
    state.collapsed = [...set];
    saveHash();
    redraw();
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
      cur.opsLoaded = opsLoaded;
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
