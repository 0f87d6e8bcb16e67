// The request pipeline of one app: the graph (or the paths and their graph) for the state, the newest
// request winning; an input or output the program no longer has is forgotten, an input and the 'auto'
// view are picked, and a refused program shows its errors in the editor.
import { gradLeaves } from '../model/graph-model.js';
import { graphRequest, pathsRequest, mentionsName } from '../model/state.js';
import { parseApiError } from '../model/errors.js';
import { toBigInt } from '../model/format.js';
import { isNumbersOnly, withNumbers } from '../model/graph-numbers.js';
import { shownView } from './context.js';
import { t as tr } from '../i18n.js';

// "auto" view: a program whose operations graph (constants folded) has more nodes than this, and at
// least AUTO_VALUES_MIN_STATEMENTS computed statements, is first drawn as its values.
const AUTO_VALUES_MIN_NODES = 30;
const AUTO_VALUES_MIN_STATEMENTS = 3;
// An edit of a program whose graph has this many nodes asks for its graph first and draws it, then
// for the paths (answered from the program the server has just kept): listing the paths and their
// two witnesses of a 4,000-node chain makes its answer 40 ms later, and the drawing does not need them.
const GRAPH_FIRST_MIN_NODES = 1500;

/**
 * @param {import('./context.js').AppContext} ctx
 * @param {ReturnType<typeof import('./drawing.js').createDrawing>} drawing
 */
export function createRequests(ctx, { applyGraph, applyPaths, isArrayInput }) {
  const { api, state, cur, editor, saveHash, showErrors, markPane } = ctx;
  const requestState = () => ({ ...state, view: shownView(state, cur) });

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

  /**
   * A leaf's value changed: ask at once when no request is waiting or in flight (a single change is
   * drawn without a pause), else once the changes pause for `delay` ms (a slider's drag sends one
   * request per pause, not one per pixel).
   */
  function scheduleValue(delay) {
    if (cur.timer === null && !busy) refresh();
    else schedule(delay);
  }

  let busy = false;
  async function refresh() {
    clearTimeout(cur.timer);
    cur.timer = null;
    cur.abort?.abort();
    const ctl = new AbortController();
    cur.abort = ctl;
    const seq = cur.requests.start();
    setBusy(true);
    try {
      // The operations' symbols name the drawn nodes: no graph is drawn before they are in (a lesson
      // or a link may load a program before GET /api/ops has answered).
      await cur.opsLoaded;
      if (!cur.requests.isLatest(seq)) return;
      // The structure of the graph drawn now: when the program's graph still has it (a leaf's new
      // value), the server answers only the numbers, and they go into the graph held here.
      const held = cur.wholeGraphNext ? null : cur.graphJson;
      cur.wholeGraphNext = false;
      const structure = held?.structure;
      const ask = (req) => (structure ? { ...req, structure } : req);
      let res;
      let pathsJson = null;
      // An input the new program does not even mention is forgotten without asking the server (which
      // would answer 422, one more round trip and a console error each time an edit renames it).
      if (state.input && !mentionsName(state.source, state.input)) state.input = null;
      // An array leaf has no paths (its edges carry Jacobians): the panel shows its gradient instead.
      const arrayInput = isArrayInput(state.input);
      const graphFirst = !!state.input && !arrayInput && cur.graphSource !== null && cur.graphSource !== state.source
        && (cur.g?.nodes.length ?? 0) >= GRAPH_FIRST_MIN_NODES;
      const source = state.source;
      if (state.input && !arrayInput && !graphFirst) {
        res = await api.paths(ask(pathsRequest(requestState())), ctl.signal);
        if (!cur.requests.isLatest(seq)) return;
        if (!res.ok && isInputError(res)) {
          forgetInput(res);
          res = await api.graph(ask(graphRequest(requestState())), ctl.signal);
        } else if (res.ok) {
          pathsJson = res.body;
          res = { ok: true, status: res.status, body: res.body.graph };
        }
      } else {
        res = await api.graph(ask(graphRequest(requestState())), ctl.signal);
      }
      if (!cur.requests.isLatest(seq)) return;
      if (res.ok && isNumbersOnly(res.body)) {
        const whole = withNumbers(held, res.body);
        if (!whole) {
          // Numbers that do not fit the graph held (never expected): ask for the whole graph.
          cur.wholeGraphNext = true;
          schedule(0);
          return;
        }
        res = { ...res, body: whole };
        if (pathsJson) pathsJson = { ...pathsJson, graph: whole };
      }
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
      markPane('stale', false);
      if (state.view === 'auto' && cur.autoView === null) {
        const pick = res.body.view === 'values' ? 'values' : autoViewFor(res.body);
        cur.autoView = pick;
        if (pick === 'values' && res.body.view !== 'values') {
          schedule(0);
          return;
        }
      }
      const drawing = applyGraph(res.body);
      cur.graphSource = source;
      if (graphFirst && state.input) {
        // Once the graph is drawn, its paths, for the program just built (its numbers only): asked
        // for while the worker lays the graph out, the server's work would take the machine's
        // cores from the layout and its answer the main thread from the drawing.
        const drawn = cur.graphJson;
        await drawing;
        if (!cur.requests.isLatest(seq)) return;
        const again = await api.paths({ ...pathsRequest(requestState()), structure: drawn.structure }, ctl.signal);
        if (!cur.requests.isLatest(seq)) return;
        if (!again.ok && isInputError(again)) {
          forgetInput(again);
          schedule(0); // a graph without that input: its default input, as after any edit
          return;
        }
        if (!again.ok) {
          showErrors(parseApiError(again.status, again.body));
          return;
        }
        const graph = isNumbersOnly(again.body.graph) ? withNumbers(drawn, again.body.graph) : again.body.graph;
        if (!graph) {
          cur.wholeGraphNext = true;
          schedule(0);
          return;
        }
        pathsJson = { ...again.body, graph };
      }
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

  /** The selected input no longer exists (the program changed), or has no paths to list: forget it. */
  function forgetInput(res) {
    cur.noPaths.set(state.input, res.body?.detail?.find?.((d) => d?.loc?.join?.('.') === 'body.input')?.msg ?? '');
    cur.retryArray = state.input; // kept if the new graph shows it is an array leaf
    state.input = null;
  }

  const detailLocs = (res) => (Array.isArray(res.body?.detail) ? res.body.detail.map((d) => (d?.loc ?? []).join('.')) : []);
  const isInputError = (res) => res.status === 422 && detailLocs(res).some((l) => l === 'body.input');
  const isOutputError = (res) => detailLocs(res).some((l) => l === 'body.output');

  function setBusy(on) {
    busy = on;
    // On the pane (see app.js), not the page: a class on the page's root restyles every element.
    markPane('busy', on);
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

  return { refresh, schedule, scheduleValue };
}
