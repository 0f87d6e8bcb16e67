// Exercises, predict then reveal: links, answers as typed, labels and hints, the session's score.
// No DOM. Exercises come from GET /api/exercises, verdicts from POST /api/exercises/check.

export const LEVELS = [1, 2, 3, 4, 5];
const MAX_SEED = 2 ** 32 - 1;

/** `#exercise=level:seed` -> {level, seed}, or null when the hash is not an exercise link. */
export function parseExerciseHash(hash) {
  const m = /^#?exercise=([1-5]):(\d{1,10})$/.exec(String(hash ?? ''));
  if (!m) return null;
  const seed = Number(m[2]);
  return seed <= MAX_SEED ? { level: Number(m[1]), seed } : null;
}

export function exerciseHash(level, seed) {
  return `#exercise=${level}:${seed}`;
}

/** A seed for "new exercise" (any source of randomness in [0, 1)). */
export function randomSeed(random = Math.random) {
  return Math.floor(random() * 100000);
}

/**
 * A typed answer as a number: "0.25", "-1,5" (a decimal comma), "1/4", "−2" (a typographic minus),
 * "2.5e-3". null when it is not one.
 */
export function parseAnswer(text) {
  const s = String(text ?? '').trim().replace(/\u2212/g, '-').replace(/\s+/g, '');
  if (!s) return null;
  const number = /^[-+]?(\d+([.,]\d*)?|[.,]\d+)(e[-+]?\d+)?$/i;
  const frac = /^([-+]?\d+(?:\.\d+)?)\/(\d+(?:\.\d+)?)$/.exec(s);
  if (frac) {
    const d = Number(frac[2]);
    return d === 0 ? null : Number(frac[1]) / d;
  }
  if (!number.test(s)) return null;
  const v = Number(s.replace(',', '.'));
  return Number.isFinite(v) ? v : null;
}

/** A node's name for a question's text: its name, else its label (an operation's symbol). */
export function nodeName(graph, id) {
  const n = graph?.byId?.get(id);
  return n?.name ?? n?.label ?? id;
}

/** The i18n key and params of a question's text. */
export function questionText(q, graph) {
  const name = (id) => nodeName(graph, id);
  const output = name(graph?.output);
  if (q.kind === 'local') return { key: `teach.ex.q.local`, params: { source: name(q.source), target: name(q.target) } };
  if (q.kind === 'path') return { key: 'teach.ex.q.path', params: { path: q.nodes.map(name).join(' → ') } };
  if (q.kind === 'gradient') return { key: 'teach.ex.q.gradient', params: { output, node: name(q.node) } };
  return { key: 'teach.ex.q.count', params: { source: name(q.source), output } };
}

/** What a question points at on the graph: {nodes, edges} to highlight. */
export function questionMarks(q) {
  if (q.kind === 'local') return { nodes: [], edges: [q.edge] };
  if (q.kind === 'path') return { nodes: q.nodes, edges: q.edges };
  if (q.kind === 'gradient') return { nodes: [q.node], edges: [] };
  return { nodes: [q.source, q.output], edges: [] };
}

/**
 * What the exercise hides until it is solved: the asked edges' local derivatives, and every node's
 * gradient (they would give the answers away; the values and other local derivatives stay).
 */
export function hiddenQuantities(exercise, solved = new Set()) {
  const edges = [];
  for (const q of exercise?.questions ?? []) if (q.kind === 'local' && !solved.has(q.id)) edges.push(q.edge);
  const open = (exercise?.questions ?? []).some((q) => !solved.has(q.id));
  return { edges, gradients: open };
}

// The rule of each operation's local derivative, for the "rule" hint (keys of the teach catalog).
const RULES = new Set(['add', 'sub', 'mul', 'div', 'pow', 'exp', 'log', 'sin', 'cos', 'neg', 'sigmoid', 'tanh', 'relu', 'leaky_relu']);

/**
 * A verdict of POST /api/exercises/check as a message: {key, params, marks} where marks is what the
 * hint points at on the graph ({nodes, edges}), or null.
 */
export function hintMessage(verdict, graph) {
  if (verdict.correct) return { key: 'teach.ex.right', params: {}, marks: null };
  const p = verdict.params ?? {};
  const hint = verdict.hint ?? 'paths';
  if (hint === 'path-left-out') return { key: 'teach.ex.hint.path-left-out', params: {}, marks: { nodes: [], edges: p.edges ?? [] } };
  if (hint === 'fan-out-not-added') {
    const edge = p.edge ? graph?.edges?.find?.((e) => e.id === p.edge) : null;
    const node = edge ? nodeName(graph, edge.source) : '';
    return { key: edge ? 'teach.ex.hint.fan-out-not-added' : 'teach.ex.hint.one-path', params: { node, branches: p.branches ?? 2 }, marks: { nodes: [], edges: p.edges ?? (p.edge ? [p.edge] : []) } };
  }
  if (hint === 'factor-off') return { key: 'teach.ex.hint.factor-off', params: {}, marks: { nodes: [], edges: [p.edge] } };
  if (hint === 'rule' || hint === 'value-not-derivative') {
    const op = RULES.has(p.op) ? p.op : 'other';
    return { key: `teach.ex.hint.${hint}`, params: { rule: `teach.rule.${op}`, op: p.op ?? '' }, marks: null };
  }
  const known = ['count-low', 'count-high', 'sign', 'added-not-multiplied', 'paths'];
  return { key: `teach.ex.hint.${known.includes(hint) ? hint : 'paths'}`, params: { count: p.count ?? '' }, marks: null };
}

/** The session's score after one more checked answer: a question counts once, right at the first try or not. */
export function scoreAfter(score, { question, correct, revealed = false }) {
  const seen = score.seen.includes(question);
  const firstRight = !seen && correct && !revealed;
  return {
    seen: seen ? score.seen : [...score.seen, question],
    right: score.right + (firstRight ? 1 : 0),
    solved: score.solved + (correct && !score.done.includes(question) ? 1 : 0),
    done: correct || revealed ? [...new Set([...score.done, question])] : score.done,
  };
}

export const EMPTY_SCORE = Object.freeze({ seen: [], right: 0, solved: 0, done: [] });

/** A question's key in the session's score: the same question of the same exercise is the same key. */
export const questionKey = (level, seed, id) => `${level}:${seed}:${id}`;
