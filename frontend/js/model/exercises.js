// Exercises, predict then reveal: links, answers as typed, labels and hints, the session's score.
// No DOM. Exercises come from GET /api/exercises (a level and seed) or POST /api/exercises/program (a
// program: the one in the editor), verdicts from POST /api/exercises/check.
import { cleanValues } from './state.js';

export const LEVELS = [1, 2, 3, 4, 5];
/** The level select's choice for "this program" (the one in the editor) beside the levels. */
export const PROGRAM = 'program';
const MAX_SEED = 2 ** 32 - 1;

/**
 * An exercise link -> {level, seed} for a generated one, {program: {source, values, input, output}}
 * for a program's, or null when the hash is not an exercise link.
 */
export function parseExerciseHash(hash) {
  const text = String(hash ?? '');
  const m = /^#?exercise=([1-5]):(\d{1,10})$/.exec(text);
  if (m) {
    const seed = Number(m[2]);
    return seed <= MAX_SEED ? { level: Number(m[1]), seed } : null;
  }
  if (!/^#?exercise=program&/.test(text)) return null;
  const params = new URLSearchParams(text.replace(/^#/, ''));
  const source = params.get('src');
  if (!source) return null;
  let values = {};
  try {
    values = cleanValues(JSON.parse(params.get('vals') ?? '{}'));
  } catch {
    return null;
  }
  return { program: { source, values, input: params.get('in') || null, output: params.get('out') || null } };
}

export function exerciseHash(level, seed) {
  return `#exercise=${level}:${seed}`;
}

/**
 * A program exercise's link: the program (and its values, input, output) in the open, as the page's
 * own links carry programs. The answers are not in it: the server works them out again to check.
 */
export function programExerciseHash({ source, values = {}, input = null, output = null }) {
  const params = new URLSearchParams({ exercise: PROGRAM, src: source });
  const vals = cleanValues(values);
  if (Object.keys(vals).length) params.set('vals', JSON.stringify(vals));
  if (input) params.set('in', input);
  if (output) params.set('out', output);
  return `#${params.toString().replace(/\+/g, '%20')}`;
}

/** POST /api/exercises/program's body (and the check's program fields) for a page state or a link's program. */
export function programRequest({ source, values = {}, input = null, output = null }) {
  const body = { source: source ?? '' };
  const vals = cleanValues(values);
  if (Object.keys(vals).length) body.values = vals;
  if (input) body.input = input;
  if (output) body.output = output;
  return body;
}

/** What identifies an exercise to the check endpoint: level and seed, or its program's fields. */
export function exerciseIdentity(exercise) {
  if (exercise.level != null) return { level: exercise.level, seed: exercise.seed };
  return programRequest(exercise);
}

/** A short, stable name of a program exercise for the session's score (FNV-1a of its fields). */
export function programId({ source, values = {}, input = null, output = null }) {
  const text = JSON.stringify([source, cleanValues(values), input, output]);
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return `p${hash.toString(36)}`;
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

/**
 * A node's name for a question's text: its name, else its title as drawn (`titles`: id -> "b + 1",
 * from the page), else its label (an operation's symbol).
 */
export function nodeName(graph, id, titles = null) {
  const n = graph?.byId?.get(id);
  return n?.name ?? titles?.get?.(id) ?? n?.label ?? id;
}

/** The i18n key and params of a question's text. */
export function questionText(q, graph, titles = null) {
  const name = (id) => nodeName(graph, id, titles);
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

/** The score's key of a question of any exercise: level:seed:id, or a program's id and the question's. */
export function exerciseQuestionKey(exercise, id) {
  return exercise.level != null ? questionKey(exercise.level, exercise.seed, id) : `${programId(exercise)}:${id}`;
}
