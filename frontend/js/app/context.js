// The declared view state of one app (createApp in ../app.js) and the context its parts share: the
// request pipeline (requests.js), the drawing (drawing.js), the animation (animation.js) and the
// exports (exports.js) each get this context, so that no part keeps state of its own.
import { createLatest } from '../model/latest.js';

/**
 * What the parts of an app share (made once by createApp).
 * @typedef {object} AppContext
 * @property {import('../app.js').AppElements} els
 * @property {import('../api.js').Api} api
 * @property {import('../app.js').AppOptions} opts
 * @property {import('../model/state.js').AppState} state what a link holds (model/state.js)
 * @property {ViewState} cur what the page shows now
 * @property {ReturnType<typeof import('../view/editor.js').createEditor>} editor
 * @property {ReturnType<typeof import('../view/render.js').createGraphView>} graphView
 * @property {ReturnType<typeof import('../view/paths-panel.js').createPathsPanel>} panel
 * @property {ReturnType<typeof import('../view/leaves.js').createLeafControls>} leaves
 * @property {ReturnType<typeof import('../view/graph-keys.js').createGraphKeys> | null} keys
 * @property {(id: string) => string} repOf the drawn node that stands for a node of the graph JSON
 * @property {(id: string) => string | undefined} edgeRepOf the drawn edge for an edge (undefined: none)
 * @property {(text: string, bad?: boolean) => void} flash a message in the toast
 * @property {(list: import('../model/errors.js').ProgramError[]) => void} showErrors errors in the editor, the graph stale
 * @property {() => void} saveHash writes the link a moment later
 * @property {(cls: 'busy' | 'stale', on: boolean) => void} markPane a state shown on the graph's pane (not on the graph: see app.js)
 */

/** @typedef {ReturnType<typeof createViewState>} ViewState */

/**
 * What the page shows now, derived from the state and the server's answers. Every field is declared
 * here, none is added later.
 */
export function createViewState() {
  return {
    /** @type {import('#types/api').Graph | import('#types/api').ValuesGraph | null} */
    graphJson: null, // the last graph JSON (operations or values view)
    /** @type {string | null} */
    graphSource: null, // the program text graphJson was computed for
    costsKey: null, // what the costs shown were counted for (structure, input, language)
    wholeGraphNext: false, // the next request asks for the whole graph (a numbers-only answer did not fit)
    /** @type {ReturnType<typeof import('../model/graph-model.js').indexGraph> | null} */
    g: null, // graphJson indexed (graph-model.js)
    view: null, // what is drawn: g with groups collapsed, constants folded, the focus applied
    /** @type {ReturnType<typeof import('../model/graph-model.js').indexGraph> | null} */
    vg: null, // view indexed (the sweeps walk it)
    /** @type {Map<string, string>} */
    titles: new Map(), // node id -> drawn title (view-graph.js)
    /** @type {Map<string, string>} */
    symbols: new Map(), // op name -> symbol, from GET /api/ops
    /** @type {Set<string>} */
    infix: new Set(), // the ops written between their arguments, from GET /api/ops
    /** @type {import('#types/api').Op[] | null} */
    ops: null, // GET /api/ops as it came (the legend, the HTML export)
    /** @type {Promise<void> | null} */
    opsLoaded: null, // settles when GET /api/ops has answered (or failed)
    /** @type {ReturnType<typeof import('../model/layout.js').layoutGraph> | null} */
    layout: null, // the drawing's layout (layout.js), with its edge labels
    /** @type {string | null} */
    key: null, // what the layout was made for (structure, options): a new one when it changes
    /** @type {number | null} */
    layoutAspect: null, // the pane's width / height when it was made
    // Each new layout gets a token; the drawing shows the layout of drawnToken.
    layoutToken: 0,
    drawnToken: 0,
    roomKey: null, // the layout key the side panels last made room for
    retryArray: null, // an input whose paths were refused: selected again if it is an array leaf
    /** @type {import('#types/api').PathsResponse | null} */
    pathsRaw: null, // the last POST /api/paths answer (null: no input selected)
    pathsJson: null, // the paths as listed: pathsRaw with collapsed composites' inner paths merged
    counts: null, // nodes and edges of the graph as drawn (collapsed composites count once)
    derivation: null, // the structure and view options cur.view was derived for (renumbered while they hold)
    costs: null, // multiplication counts for the selected input and for all inputs
    /** @type {'paths' | 'reverse' | 'forward'} */
    mode: 'paths', // what Play animates
    sweepDrawn: false, // a sweep rewrote the nodes' gradient lines (undone by restoreGraph)
    requests: createLatest(), // the newest graph/paths request wins; older answers are dropped
    abort: null, // aborts the request in flight
    timer: null, // the debounce of the next request
    typedAt: -Infinity, // performance.now() of the last edit of the program text
    resizeTimer: null,
    toastTimer: null,
    hashTimer: null,
    selectNames: null, // what the input and output menus were filled for
    // Inputs the server would not list paths for in this program (e.g. through a matmul of arrays),
    // with its reason: never picked again by default, or the page would ask again and again.
    /** @type {Map<string, string>} */
    noPaths: new Map(),
    // The view picked for state.view = 'auto' (null: not decided yet for this program).
    /** @type {'operations' | 'values' | null} */
    autoView: null,
    /** @type {import('../model/errors.js').ProgramError[] | null} */
    errors: null, // the errors the editor shows (drawn again in another language), or null
    /** @type {number | string | null} */
    spoken: null, // the animation's last announced moment: a paths moment's number, a sweep's `s<node id>`
  };
}

/** 'operations' or 'values': what the page draws now (state.view, or the pick made for 'auto'). */
export function shownView(state, cur) {
  if (state.view === 'operations' || state.view === 'values') return state.view;
  return cur.autoView ?? 'operations';
}
