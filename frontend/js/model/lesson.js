// The guided lesson: the seed's story as steps. Each step loads a program, selects what to look at,
// opens a panel, and asks the reader to try something that check(ctx) recognises. No DOM.
//
// ctx (built by view/lesson.js from the page): {
//   node(name) -> {value, grad} | null, edgeLocal(sourceName, targetName) -> number | null,
//   input, mode ('paths' | 'reverse' | 'forward'), atEnd (the animation has played to its end),
//   trainState ('idle' | 'running' | 'done' | ...), compareState, compareSeed, labRan (the lab ran on
//   this program), tab }

/**
 * The reverse step's ladder: `rungs` rungs of h = p·σ(p) (SiLU). Each rung has three edges (p → σ,
 * σ → ·, p → ·) and two paths through it, so the ladder has 2^rungs paths and 3·rungs edges: the
 * figures the step's text states (LADDER below; a test holds them to the page's own cost counts).
 */
export function ladder(rungs) {
  const lines = ['# a ladder: every rung h = p * sigmoid(p) doubles the number of paths', 'x = 0.5'];
  let prev = 'x';
  for (let i = 1; i <= rungs; i++) {
    lines.push(`h${i} = ${prev} * sigmoid(${prev})`);
    prev = `h${i}`;
  }
  return lines.join('\n');
}

/** The ladder's figures as the step's text gives them (path lengths: 1 or 2 per rung, 1.5 on average). */
export const LADDER = {
  rungs: 30,
  paths: 2n ** 30n,
  edges: 90n,
  enumerate: 2n ** 30n * 45n, // the sum over the paths of their lengths: 2^30 · 30 · 1.5
};

// The vanishing step asks for the weight, walking back from the last, whose |dC/dw| first falls
// below the last weight's divided by this.
export const VANISHING_FACTOR = 1000;

/**
 * The sigmoid chain's answer to the vanishing step: walking back from the last weight w_n, the first
 * w_i with |dC/dw_i| < |dC/dw_n| / VANISHING_FACTOR (null when none is, or the gradients are missing).
 */
export function firstVanished(ctx) {
  const mags = [];
  for (let i = 1; ctx.node(`w${i}`); i++) mags.push(Math.abs(ctx.node(`w${i}`).grad));
  if (mags.length < 2 || !mags.every(Number.isFinite)) return null;
  const bar = mags[mags.length - 1] / VANISHING_FACTOR;
  for (let i = mags.length - 2; i >= 0; i--) if (mags[i] < bar) return `w${i + 1}`;
  return null;
}

const RELU_CHAIN = 'x = 1\nw1 = 0.5; w2 = -1; w3 = 2\nh1 = relu(w1*x)\nh2 = relu(w2*h1)\ny = relu(w3*h2)';
const LEAKY_CHAIN = 'x = 1\nw1 = 0.5; w2 = -1; w3 = 2\nh1 = leaky_relu(w1*x)\nh2 = leaky_relu(w2*h1)\ny = leaky_relu(w3*h2)';

const grad = (ctx, name) => ctx.node(name)?.grad ?? null;
const value = (ctx, name) => ctx.node(name)?.value ?? null;

/**
 * The steps, in order. `program` is {source, input, view} or {preset, input}; `panel` the tab to open;
 * `shows` the controls a locked link keeps (program, inputs, transport, tabs); the texts are keys
 * teach.lesson.<id>.title / .text / .try of the catalog.
 */
export const STEPS = [
  {
    id: 'graph',
    program: { source: 'x = 2\ny = 3\nz = x*y + x', input: 'x', view: 'operations' },
    panel: 'paths',
    shows: ['inputs'],
    // dz/dx = y + 1: x's two edges (y from x·y, 1 from + x). y = 4, not 5, shows the second one.
    check: (ctx) => Math.abs((grad(ctx, 'x') ?? 0) - 5) < 1e-9,
  },
  {
    id: 'local',
    program: { source: 'a = 3\nb = a*a + 2*a', input: 'a', view: 'operations' },
    panel: 'paths',
    shows: ['inputs'],
    check: (ctx) => Math.abs((grad(ctx, 'a') ?? 0) - 10) < 0.05,
  },
  {
    id: 'paths',
    program: { source: 'a = 2\nb = 1\ne = (a+b)*(b+1)', input: 'a', view: 'operations' },
    panel: 'paths',
    shows: ['inputs', 'transport'],
    check: (ctx) => ctx.input === 'b' && ctx.mode === 'paths' && ctx.atEnd,
  },
  {
    id: 'reverse',
    program: { source: ladder(LADDER.rungs), input: 'x', view: 'operations' },
    panel: 'paths',
    shows: ['transport'],
    check: (ctx) => ctx.mode === 'reverse' && ctx.atEnd,
  },
  {
    id: 'neuron',
    program: { source: 'x = 1; w = 0; b = 0\ny = sigmoid(w*x + b)', input: 'w', view: 'operations' },
    panel: 'paths',
    shows: ['inputs'],
    check: (ctx) => (grad(ctx, 'w') ?? 0) > 0.3,
  },
  {
    id: 'xor',
    program: { preset: 'xor', input: 'w1' },
    panel: 'train',
    shows: ['tabs'],
    check: (ctx) => ['running', 'done', 'stopped'].includes(ctx.trainState),
  },
  {
    id: 'vanishing',
    program: { preset: 'sigmoid-chain', input: 'w1' },
    panel: 'compare',
    shows: ['tabs'],
    // Reading the gradients back from w_n layer by layer is the step's idea: each one shrinks.
    check: (ctx) => ctx.input != null && ctx.input === firstVanished(ctx),
  },
  {
    id: 'dead-relu',
    program: { source: RELU_CHAIN, input: 'w1', view: 'operations' },
    panel: 'paths',
    shows: ['inputs'],
    check: (ctx) => (grad(ctx, 'w1') ?? 0) !== 0,
  },
  {
    id: 'leaky',
    program: { source: LEAKY_CHAIN, input: 'w1', view: 'operations' },
    panel: 'lab',
    shows: ['inputs'],
    check: (ctx) => ctx.labRan && Math.abs(grad(ctx, 'w1') ?? 0) > 0 && (value(ctx, 'w2') ?? 0) < 0,
  },
];

/** `#lesson=N` (1-based) with an optional `&locked=1` -> {step (0-based), locked}, or null. */
export function parseLessonHash(hash, steps = STEPS) {
  const m = /^#?lesson=(\d{1,3})(&locked=1)?$/.exec(String(hash ?? ''));
  if (!m) return null;
  return { step: clampStep(Number(m[1]) - 1, steps), locked: !!m[2] };
}

export function lessonHash(step, locked = false) {
  return `#lesson=${step + 1}${locked ? '&locked=1' : ''}`;
}

export function clampStep(i, steps = STEPS) {
  return Math.max(0, Math.min(steps.length - 1, Number.isFinite(i) ? Math.trunc(i) : 0));
}

/** Whether the step's "try this" is done, for a context (a check that throws is not done). */
export function stepDone(step, ctx) {
  try {
    return !!step.check(ctx);
  } catch {
    return false;
  }
}

/** The controls a locked link hides for `step`: every optional control it does not list. */
export const CONTROLS = ['program', 'inputs', 'transport', 'tabs'];
export function hiddenControls(step) {
  return CONTROLS.filter((c) => !step.shows.includes(c));
}
