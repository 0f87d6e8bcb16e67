// Walking the computation graph with the keyboard: from a node to a parent (an argument), a child
// (a node that uses it) or a sibling (another end of the edge just walked), and what to say about
// where the walk arrived. Pure: no DOM. `vg` is an indexed graph (graph-model.js indexGraph).
import { formatValue } from './format.js';
import { t } from '../i18n.js';

/**
 * A cursor is {id, via}: the node, and the edge walked to reach it, {edge, from, dir} with dir
 * 'parent' (walked from a child to its argument) or 'child' (from an argument to its user); via is
 * null for the first node.
 */
export function startCursor(id) {
  return { id, via: null };
}

/** The edges that lead on from the cursor in direction `move`: 'parent' | 'child' | 'next' | 'prev'. */
export function walk(vg, cursor, move) {
  if (!cursor || !vg.byId.has(cursor.id)) return null;
  if (move === 'parent') {
    const e = (vg.inEdges.get(cursor.id) ?? [])[0];
    return e ? { id: e.source, via: { edge: e.id, from: cursor.id, dir: 'parent' } } : null;
  }
  if (move === 'child') {
    const e = (vg.outEdges.get(cursor.id) ?? [])[0];
    return e ? { id: e.target, via: { edge: e.id, from: cursor.id, dir: 'child' } } : null;
  }
  if (move !== 'next' && move !== 'prev') return null;
  // Siblings: the other ends of the node we came from (its other arguments, or its other users).
  // Without a walked edge: the other arguments of this node's first user.
  let from;
  let dir;
  if (cursor.via) ({ from, dir } = cursor.via);
  else {
    const out = (vg.outEdges.get(cursor.id) ?? [])[0];
    if (!out) return null;
    from = out.target;
    dir = 'parent';
  }
  const list = dir === 'parent' ? vg.inEdges.get(from) ?? [] : vg.outEdges.get(from) ?? [];
  if (list.length < 2) return null;
  const end = (e) => (dir === 'parent' ? e.source : e.target);
  const at = cursor.via ? list.findIndex((e) => e.id === cursor.via.edge) : list.findIndex((e) => end(e) === cursor.id);
  const k = (Math.max(0, at) + (move === 'next' ? 1 : list.length - 1)) % list.length;
  const e = list[k];
  return { id: end(e), via: { edge: e.id, from, dir } };
}

/** How a node is named when spoken: its drawn title (view-graph.js), else its name or operation. */
export function spokenName(node, titles = null) {
  return String(titles?.get(node.id) ?? node.name ?? node.label ?? node.op ?? node.id);
}

/**
 * What to announce at the cursor: "w: value 0, gradient −0.25; edge to w·x: local derivative 1",
 * with what can be done there (a leaf can be selected as the input).
 */
export function describeCursor(vg, cursor, titles = null) {
  const n = vg.byId.get(cursor.id);
  if (!n) return '';
  const name = spokenName(n, titles);
  const value = formatValue(n.value, 4, n.value_kind ?? null);
  let text = n.kind === 'const' || n.grad === null || n.grad === undefined
    ? t('walk.nodeNoGrad', { name, value })
    : t('walk.node', { name, value, grad: formatValue(n.grad, 4, n.grad_kind ?? null) });
  if (cursor.via) {
    const e = vg.edgeById.get(cursor.via.edge);
    const other = vg.byId.get(cursor.via.from);
    if (e && other) {
      const local = e.local === null || e.local === undefined ? formatValue(null, 4, e.local_kind ?? 'nan') : formatValue(e.local, 4, e.local_kind ?? null);
      text += t(cursor.via.dir === 'parent' ? 'walk.edgeTo' : 'walk.edgeFrom', { other: spokenName(other, titles), local });
    }
  }
  const ins = (vg.inEdges.get(n.id) ?? []).length;
  const outs = (vg.outEdges.get(n.id) ?? []).length;
  text += t('walk.around', { ins, outs });
  if (n.op === 'leaf' || n.kind === 'input' || n.kind === 'param') text += t('walk.leaf');
  return text;
}
