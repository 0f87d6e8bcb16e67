// The drawing of one app: a graph answer becomes the drawn graph (groups collapsed, constants folded,
// the focus applied, laid out here or in the worker), and the paths answer the listed paths; the
// header, the menus, the costs, the leaves and the marks follow each drawing.
import {
  indexGraph, gradLeaves, namedNodes, findNode, structureKey, deriveView, nodeText, nodeSize, exprLabels, edgeText,
  NODE_FONT,
} from '../model/graph-model.js';
import { nodeTitles, renumberView } from '../model/view-graph.js';
import { LABEL_H, labelWidth } from '../model/geometry.js';
import { costs, collapsePaths } from '../model/paths.js';
import { formatNumber, groupThousands } from '../model/format.js';
import { deadRelus } from '../model/training.js';
import { createLayouts, WORKER_MIN_NODES } from '../view/layouts.js';
import { h, setOptions, setText } from '../view/dom.js';
import { showCosts } from '../view/paths-panel.js';
import { showScale } from '../view/legend.js';
import { shownView } from './context.js';
import { t as tr, getLocale } from '../i18n.js';

// A new layout when the graph pane's aspect ratio changes by more than this factor (long chains wrap to it).
const RELAYOUT_ASPECT = 1.12;
// Text smaller than this at Fit is not readable: up to READABLE_NODES nodes, the page hides a side
// panel rather than draw it so.
const MIN_TEXT_PX = 11;
const READABLE_NODES = 150;
const fmt = (x) => formatNumber(x, 6);

/**
 * @param {import('./context.js').AppContext} ctx
 * @param {{stopAnimation: () => void, loadTimeline: () => void}} animation
 */
export function createDrawing(ctx, { stopAnimation, loadTimeline }) {
  const { els, opts, state, cur, graphView, panel, leaves, repOf } = ctx;
  const layouts = createLayouts();

  /** Whether `name` is an array leaf of the graph drawn now. */
  function isArrayInput(name) {
    const n = name && cur.g ? findNode(cur.g, name) : null;
    return !!n && n.op === 'leaf' && Array.isArray(n.value);
  }

  // ---- graph
  /**
   * Draw a graph answer. Returns a Promise settled once it is drawn: at once, unless a big graph is
   * being laid out in the worker.
   * @returns {Promise<void>}
   */
  function applyGraph(json) {
    const tReceived = performance.now();
    const before = cur.g;
    cur.graphJson = json;
    cur.g = indexGraph(json);
    const focusInput = state.focus ? findNode(cur.g, state.input) : null;
    // New numbers for the structure drawn (a leaf's new value), with the same view options: the view
    // drawn, renumbered, rather than derived again (a 4,000-node chain's leaf change, 10 ms sooner).
    const derivation = `${json.structure ?? ''}|${json.view}|${state.collapsed.join(',')}|${state.constants}|${focusInput?.id ?? ''}`;
    const renumbered = json.structure && before && cur.view && derivation === cur.derivation ? renumberView(cur.view, before, cur.g) : null;
    cur.derivation = derivation;
    if (renumbered) {
      cur.view = renumbered;
    } else {
      const derived = deriveView(cur.g, { collapsed: state.collapsed, constants: state.constants, focusId: focusInput?.id ?? null });
      cur.view = derived.view;
      cur.counts = derived.counts; // what the header says: collapsed boxes count once
    }
    cur.vg = indexGraph({ nodes: cur.view.nodes, edges: cur.view.edges, groups: cur.view.groups, output: cur.view.output });
    const aspect = paneAspect();
    // The server's structure id when it sends one (it covers names and labels too); else the page's own.
    const key = `${json.structure ?? structureKey(json)}|${state.collapsed.join(',')}|${state.constants}|${focusInput?.id ?? ''}`;
    stopAnimation();
    if (key !== cur.key || (aspect && cur.layoutAspect && Math.max(aspect / cur.layoutAspect, cur.layoutAspect / aspect) > RELAYOUT_ASPECT)) {
      cur.key = key;
      const t0 = performance.now();
      cur.titles = nodeTitles(cur.view, cur.view.folded, cur.symbols);
      const sized = cur.view.nodes.map((n) => ({ id: n.id, kind: n.kind, group: n.group ?? null, ...nodeSize(n, nodeText(n, cur.titles.get(n.id))) }));
      const r = graphView.measured();
      const viewSize = r ? { width: r.width - 24, height: r.height - 24 } : null;
      // Room between layers for the local derivatives written on the edges.
      const labelWidths = cur.view.edges.map((e) => labelWidth(edgeText(e)));
      const widths = Float64Array.from(labelWidths).sort();
      const layerGap = Math.min(110, Math.max(56, (widths[Math.floor(widths.length * 0.75)] ?? 0) + 22));
      cur.layoutAspect = aspect;
      const job = {
        nodes: sized,
        edges: cur.view.edges.map((e) => ({ id: e.id, source: e.source, target: e.target, arg: e.arg })),
        // Expanded composites are boxed: more room between the nodes of a layer for the boxes' edges.
        opts: { output: cur.view.output, view: viewSize, layerGap, ...(cur.view.groups?.length ? { nodeGap: 20 } : {}) },
        labels: cur.view.edges.map((e, i) => ({ id: e.id, width: labelWidths[i], height: LABEL_H })),
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
        els.graph.dataset.labels = 'placed';
        return Promise.resolve();
      }
      // A big graph is laid out in the worker: the page (the editor) stays responsive meanwhile.
      els.graph.classList.add('laying-out');
      els.graph.dataset.settled = 'false';
      els.graph.dataset.labels = 'pending';
      // The edge labels are placed after the layout comes back, while the page draws it: a big graph
      // at Fit shows none, and they join the edges drawn since.
      const placed = (labels) => {
        if (token !== cur.layoutToken) return;
        graphView.setLabels(labels);
        els.graph.dataset.labels = 'placed';
      };
      const drawing = layouts.run(job, placed).then(draw, (e) => ctx.showErrors([{ message: tr('err.layout', { message: e?.message ?? e }), line: null, column: null, span: null }]));
      showProgram(); // meanwhile: the frame that shows the drawing has less to do
      return drawing;
    }
    if (cur.layoutToken !== cur.drawnToken) return Promise.resolve(); // values for a drawing still being laid out: it draws them
    showScale(els.scale, graphView.update(cur.view));
    drawnGraph();
    return Promise.resolve();
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
    showProgram();
    const inputNode = findNode(cur.g, state.input);
    graphView.mark('selected-input', inputNode ? [repOf(inputNode.id)] : []);
    // A ReLU whose input is ≤ 0 passes no gradient: mark it (the legend explains the mark).
    const dead = deadRelus(cur.g);
    graphView.mark('dead-relu', [...new Set(dead.map(repOf))]);
    els.graph.dataset.deadRelu = String(dead.length);
    ctx.keys?.graphChanged();
    opts.onGraph?.(cur.g, { deadRelus: dead });
  }

  /**
   * The controls that follow the program, not its drawing: the view buttons, the output and input
   * lists, the leaves' fields and the cost counts. Run again by drawnGraph, where each does nothing
   * when what it shows has not changed (so that a big graph's can run while the worker lays it out).
   */
  function showProgram() {
    opts.onView?.(shownView(state, cur), state);
    fillSelects();
    leaves.update(gradLeaves(cur.g), state.input);
    updateCosts();
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
      ctx.flash(tr(panels.madeRoom.includes('right') ? 'room.right' : 'room.left'));
    }
  }

  /** The graph pane's width / height (null before it is laid out). */
  function paneAspect() {
    // The size the drawing last saw (a ResizeObserver's): a layout forced here, right after an edit
    // of the program, would lay out the whole page before the graph's job can even be sent.
    const r = graphView.measured();
    return r ? r.width / r.height : null;
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
      outOptions.push({ value: n.name, text: n.name });
    }
    setOptions(els.outputSelect, outOptions.reverse());
    els.outputSelect.value = outName;
    setOptions(els.inputSelect, [
      { value: '', text: tr('paths.choose') },
      ...ins.map((n) => ({ value: n.name ?? n.id, text: tr('paths.inputOption', { name: n.name ?? n.id, n: groupThousands(String(g.stats?.path_counts?.[n.id] ?? '?')) }) })),
    ]);
    els.inputSelect.value = state.input ?? '';
  }

  function updateCosts() {
    const g = cur.g;
    const input = findNode(g, state.input);
    const leafIds = gradLeaves(g).map((n) => n.id);
    // The counts follow the structure and the input, not the values: a leaf's new value keeps them.
    const costsKey = `${cur.key}|${input?.id ?? ''}|${getLocale()}`;
    if (costsKey === cur.costsKey) return;
    cur.costsKey = costsKey;
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

  /** Draw the last answers again, for a view option that needs no new request (groups, constants, focus). */
  function redraw() {
    if (!cur.graphJson) return;
    applyGraph(cur.graphJson);
    applyPaths(cur.pathsRaw);
  }

  return { applyGraph, applyPaths, redraw, paneResized, isArrayInput };
}
