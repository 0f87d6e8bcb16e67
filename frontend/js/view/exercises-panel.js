// The Exercises panel: predict, then reveal. Loads GET /api/exercises (a level and seed) or POST
// /api/exercises/program (this program: the one in the editor), hides the asked quantities on the
// graph, checks each typed answer with POST /api/exercises/check, shows the hint and what it points
// at, keeps the session's score, and at the end plays the paths.
import { h, setText } from './dom.js';
import { t } from '../i18n.js';
import { formatNumber } from '../model/format.js';
import {
  LEVELS, PROGRAM, EMPTY_SCORE, exerciseHash, exerciseIdentity, exerciseQuestionKey, hiddenQuantities, hintMessage,
  parseAnswer, programExerciseHash, programRequest, questionMarks, questionText, randomSeed, scoreAfter,
} from '../model/exercises.js';

const SCORE_KEY = 'pathgrad.exercise-score';

function loadScore() {
  try {
    return { ...EMPTY_SCORE, ...JSON.parse(sessionStorage.getItem(SCORE_KEY) ?? '{}') };
  } catch {
    return { ...EMPTY_SCORE };
  }
}

/**
 * @param {HTMLElement} root
 * @param {{app: import('../app.js').App, call: Function, flash: Function, loadProgram: Function, setHash: Function}} deps
 *   loadProgram(state): load a program as the exercise's own (not as the user's edit)
 */
export function createExercisesPanel(root, { app, call, flash, loadProgram, setHash }) {
  let exercise = null;
  let solved = new Set(); // ids answered right or shown
  let revealed = false;
  let score = loadScore();
  let asking = null; // the question whose marks are on the graph
  let hintMarks = null;

  const level = h('select', { id: 'ex-level', 'aria-label': t('teach.ex.level'), 'data-i18n-attr': 'aria-label:teach.ex.level' },
    ...LEVELS.map((l) => h('option', { value: String(l), text: t(`teach.ex.level.${l}`), 'data-i18n': `teach.ex.level.${l}` })),
    h('option', { value: PROGRAM, text: t('teach.ex.level.program'), 'data-i18n': 'teach.ex.level.program' }));
  const seed = h('input', { type: 'number', id: 'ex-seed', min: '0', max: '4294967295', step: '1', value: '0', 'aria-label': t('teach.ex.seed') });
  const openBtn = h('button', { type: 'button', class: 'btn small', id: 'ex-open', text: t('teach.ex.open'), 'data-i18n': 'teach.ex.open' });
  const newBtn = h('button', { type: 'button', class: 'btn small', id: 'ex-new', text: t('teach.ex.new'), 'data-i18n': 'teach.ex.new' });
  const shareBtn = h('button', { type: 'button', class: 'btn small', id: 'ex-share', text: t('teach.ex.share'), 'data-i18n': 'teach.ex.share' });
  const seedLabel = h('label', {}, `${t('teach.ex.seed')} `, seed);
  const status = h('p', { class: 'muted small', id: 'ex-status', role: 'status' });
  const list = h('ol', { class: 'ex-questions', id: 'ex-questions' });
  const revealBtn = h('button', { type: 'button', class: 'btn primary', id: 'ex-reveal', text: t('teach.ex.reveal'), disabled: true, 'data-i18n': 'teach.ex.reveal' });
  const scoreLine = h('p', { class: 'ex-score small', id: 'ex-score' });
  root.append(
    h('section', { class: 'card ex-card' },
      h('h2', { text: t('teach.ex.title'), 'data-i18n': 'teach.ex.title' }),
      h('p', { class: 'muted small', text: t('teach.ex.intro'), 'data-i18n': 'teach.ex.intro' }),
      h('div', { class: 'ex-pick' },
        h('label', {}, `${t('teach.ex.level')} `, level),
        seedLabel,
        openBtn, newBtn, shareBtn),
      status,
      list,
      h('div', { class: 'ex-actions' }, revealBtn),
      scoreLine,
    ),
  );
  const ownProgram = () => level.value === PROGRAM;
  const pickChanged = () => {
    // A program's exercise has no seed: the program is what it is made of.
    seed.disabled = ownProgram();
    seedLabel.hidden = ownProgram();
    newBtn.hidden = ownProgram();
  };
  level.addEventListener('change', pickChanged);
  openBtn.addEventListener('click', () => (ownProgram() ? openThisProgram() : open(Number(level.value), Number(seed.value))));
  newBtn.addEventListener('click', () => open(Number(level.value), randomSeed()));
  shareBtn.addEventListener('click', async () => {
    if (!exercise) return;
    const url = location.href.split('#')[0] + linkOf(exercise);
    try {
      await navigator.clipboard.writeText(url);
    } catch {
      // The address bar holds the same link.
    }
    flash(t('teach.ex.shared'));
  });
  revealBtn.addEventListener('click', () => reveal());
  showScore();

  function showScore() {
    setText(scoreLine, t('teach.ex.score', { right: score.right, solved: score.solved, seen: score.seen.length }));
  }

  // The drawn titles name unnamed operations as the graph shows them ("b + 1", not "+").
  const titles = () => app.tableData?.()?.titles ?? null;
  const linkOf = (ex) => (ex.level != null ? exerciseHash(ex.level, ex.seed) : programExerciseHash(ex));

  /** A 4xx's words: the language's errors say what and where ("line 2, column 5: ..."). */
  const errorWords = (res) => (Array.isArray(res.body?.detail) ? res.body.detail.map((d) => d.msg).join('; ') : String(res.body?.detail ?? res.status));

  async function open(lv, sd) {
    if (!LEVELS.includes(lv) || !Number.isInteger(sd) || sd < 0 || sd > 2 ** 32 - 1) return;
    level.value = String(lv);
    seed.value = String(sd);
    pickChanged();
    await start(() => call('GET', `/api/exercises?level=${lv}&seed=${sd}`));
  }

  /** An exercise of a program: a link's, or (no argument) the one in the editor, at its values. */
  async function openProgram(program) {
    level.value = PROGRAM;
    pickChanged();
    await start(() => call('POST', '/api/exercises/program', programRequest(program)));
  }

  const openThisProgram = () => openProgram({ source: app.state.source, values: app.state.values, input: app.state.input, output: app.state.output });

  async function start(fetchExercise) {
    setText(status, t('teach.ex.loading'));
    root.dataset.state = 'loading';
    const res = await fetchExercise();
    if (!res.ok) {
      setText(status, t('teach.ex.error', { message: errorWords(res) }));
      root.dataset.state = 'error';
      return;
    }
    exercise = res.body;
    solved = new Set();
    revealed = false;
    asking = null;
    hintMarks = null;
    setText(status, exercise.level == null ? t('teach.ex.programIntro', { input: exercise.input }) : '');
    root.dataset.state = 'open';
    root.dataset.exercise = exercise.level != null ? `${exercise.level}:${exercise.seed}` : PROGRAM;
    setHash(linkOf(exercise));
    document.getElementById('app')?.classList.add('teach-exercise');
    await loadProgram({ source: exercise.source, values: exercise.values ?? {}, output: exercise.output ?? null, input: exercise.input, view: exercise.view, expand: false });
    renderQuestions();
  }

  function renderQuestions() {
    list.replaceChildren(...exercise.questions.map((q) => questionItem(q)));
    updateReveal();
  }

  function questionItem(q) {
    const g = app.graph;
    const { key, params } = questionText(q, g, titles());
    const input = h('input', { type: 'text', class: 'ex-answer', inputmode: 'decimal', placeholder: t('teach.ex.answerPlaceholder'), 'aria-label': t(key, params), dataset: { question: q.id } });
    const check = h('button', { type: 'button', class: 'btn small ex-check', text: t('teach.ex.check'), 'data-i18n': 'teach.ex.check' });
    const show = h('button', { type: 'button', class: 'btn small link ex-show', text: t('teach.ex.show'), hidden: true, 'data-i18n': 'teach.ex.show' });
    const feedback = h('p', { class: 'ex-feedback small', role: 'status' });
    const li = h('li', { class: 'ex-question', dataset: { question: q.id, kind: q.kind } },
      h('span', { class: 'ex-text', dataset: { question: q.id }, text: t(key, params) }),
      h('div', { class: 'ex-row' }, input, check, show),
      feedback);
    const focus = () => {
      asking = q;
      hintMarks = null;
      paint();
    };
    input.addEventListener('focus', focus);
    input.addEventListener('keydown', (ev) => {
      if (ev.key === 'Enter') {
        ev.preventDefault();
        submit();
      }
    });
    check.addEventListener('click', () => submit());
    show.addEventListener('click', () => answer(q, null, li, feedback, show, input));
    function submit() {
      const value = parseAnswer(input.value);
      if (value === null) {
        setText(feedback, t('teach.ex.notANumber'));
        li.dataset.state = 'invalid';
        return;
      }
      answer(q, value, li, feedback, show, input);
    }
    return li;
  }

  async function answer(q, value, li, feedback, show, input) {
    const body = { ...exerciseIdentity(exercise), question: q.id, ...(value === null ? { reveal: true } : { answer: value }) };
    const res = await call('POST', '/api/exercises/check', body);
    if (!res.ok) {
      setText(feedback, t('teach.ex.error', { message: errorWords(res) }));
      return;
    }
    const verdict = res.body;
    const revealedOne = value === null;
    score = scoreAfter(score, { question: exerciseQuestionKey(exercise, q.id), correct: !!verdict.correct, revealed: revealedOne });
    try {
      sessionStorage.setItem(SCORE_KEY, JSON.stringify(score));
    } catch {
      // (private mode: the score lives as long as the page)
    }
    showScore();
    asking = q;
    if (revealedOne) {
      solved.add(q.id);
      li.dataset.state = 'shown';
      input.value = typeof verdict.expected === 'number' ? formatNumber(verdict.expected, 6) : String(verdict.expected);
      input.disabled = true;
      setText(feedback, t('teach.ex.expected', { value: input.value }));
      show.hidden = true;
      hintMarks = null;
    } else if (verdict.correct) {
      solved.add(q.id);
      li.dataset.state = 'right';
      input.disabled = true;
      setText(feedback, `${t('teach.ex.right')} ${t('teach.ex.expected', { value: typeof verdict.expected === 'number' ? formatNumber(verdict.expected, 6) : verdict.expected })}`);
      show.hidden = true;
      hintMarks = null;
    } else {
      li.dataset.state = 'wrong';
      const msg = hintMessage(verdict, app.graph);
      const params = { ...msg.params };
      if (params.rule) params.rule = t(params.rule);
      setText(feedback, t(msg.key, params));
      li.dataset.hint = verdict.hint ?? '';
      show.hidden = false;
      hintMarks = msg.marks;
    }
    updateReveal();
    paint();
  }

  function updateReveal() {
    revealBtn.disabled = !exercise || revealed;
    root.dataset.solved = String(solved.size);
  }

  /** Hide what is asked and mark what the question or hint points at (after every graph drawn). */
  function paint() {
    if (!exercise || !app.graph) return;
    // The questions name nodes of the graph now drawn (the texts were made before it may have come).
    for (const el of list.querySelectorAll('.ex-text')) {
      const q = exercise.questions.find((x) => x.id === el.dataset.question);
      if (q) {
        const { key, params } = questionText(q, app.graph, titles());
        setText(el, t(key, params));
      }
    }
    const hidden = revealed ? { edges: [], gradients: false } : hiddenQuantities(exercise, solved);
    app.markTeach('ex-hidden', [], hidden.edges);
    if (hidden.gradients) {
      for (const n of app.graph.nodes) if (n.kind !== 'const') app.setNodeLine(n.id, 'grad', '?');
    }
    const ask = asking && !revealed ? questionMarks(asking) : { nodes: [], edges: [] };
    app.markTeach('ex-ask', ask.nodes, ask.edges);
    app.markTeach('ex-hint', hintMarks?.nodes ?? [], hintMarks?.edges ?? []);
  }

  function reveal() {
    if (!exercise) return;
    revealed = true;
    document.getElementById('app')?.classList.remove('teach-exercise');
    for (const n of app.graph?.nodes ?? []) if (n.kind !== 'const' && typeof n.grad === 'number') app.setNodeLine(n.id, 'grad', formatNumber(n.grad, 4));
    paint();
    updateReveal();
    setText(status, t('teach.ex.revealed'));
    app.setMode('paths');
    app.play();
  }

  function clear() {
    exercise = null;
    delete root.dataset.exercise;
    document.getElementById('app')?.classList.remove('teach-exercise');
    for (const cls of ['ex-hidden', 'ex-ask', 'ex-hint']) app.markTeach(cls);
    list.replaceChildren();
    updateReveal();
  }

  return {
    open,
    openProgram,
    graphChanged: paint,
    /** The user edited or loaded another program: the exercise is over. */
    programChanged: clear,
    get active() {
      return !!exercise;
    },
  };
}
