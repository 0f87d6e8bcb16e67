// The declared view state of one app (createApp in ../app.js) and the context its parts share: the
// request pipeline (requests.js), the drawing (drawing.js), the animation (animation.js) and the
// exports (exports.js) each get this context, so that no part keeps state of its own.
import { createLatest } from '../model/latest.js';

/**
 * What the page shows now, derived from the state and the server's answers. Every field is declared
 * here, none is added later.
 */
export function createViewState() {
  return {
    graphJson: null, // the last graph JSON (operations or values view)
    g: null, // graphJson indexed (graph-model.js)
    view: null, // what is drawn: g with groups collapsed, constants folded, the focus applied
    vg: null, // view indexed (the sweeps walk it)
    titles: new Map(), // node id -> drawn title (view-graph.js)
    symbols: new Map(), // op name -> symbol, from GET /api/ops
    infix: new Set(), // the ops written between their arguments, from GET /api/ops
    ops: null, // GET /api/ops as it came (the legend, the HTML export)
    opsLoaded: /** @type {Promise<void> | null} */ (null), // settles when GET /api/ops has answered (or failed)
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
}

/** 'operations' or 'values': what the page draws now (state.view, or the pick made for 'auto'). */
export function shownView(state, cur) {
  if (state.view === 'operations' || state.view === 'values') return state.view;
  return cur.autoView ?? 'operations';
}
