// The guided lesson: a bar over the graph with the step's text and its "try this", Next/Back (keys
// N and B), and lesson links (#lesson=N, locked with &locked=1: the controls a step does not need
// are hidden, for embedding in a course page).
import { h, setText, typingInField } from './dom.js';
import { t } from '../i18n.js';
import { STEPS, clampStep, hiddenControls, lessonHash, stepDone } from '../model/lesson.js';

const CHECK_MS = 300;

/**
 * @param {HTMLElement} root the lesson bar's container (hidden until a lesson opens)
 * @param {{showStep: (step: object) => Promise<void>, context: () => object,
 *   setHash: (hash: string|null) => void, flash: Function, onClose: Function}} deps
 */
export function createLesson(root, { showStep, context, setHash, flash, onClose }) {
  let index = -1;
  let locked = false;
  let timer = null;

  const counter = h('span', { class: 'lesson-count small muted', id: 'lesson-count' });
  const title = h('h2', { class: 'lesson-title', id: 'lesson-title' });
  const text = h('p', { class: 'lesson-text', id: 'lesson-text' });
  const tryText = h('span', { id: 'lesson-try-text' });
  const tryState = h('span', { class: 'lesson-state', id: 'lesson-state' });
  const back = h('button', { type: 'button', class: 'btn small', id: 'lesson-back', text: t('teach.lesson.back'), 'data-i18n': 'teach.lesson.back' });
  const next = h('button', { type: 'button', class: 'btn small primary', id: 'lesson-next', text: t('teach.lesson.next'), 'data-i18n': 'teach.lesson.next' });
  const link = h('button', { type: 'button', class: 'btn small link', id: 'lesson-link', text: t('teach.lesson.link'), 'data-i18n': 'teach.lesson.link' });
  const lockedLink = h('button', { type: 'button', class: 'btn small link', id: 'lesson-locked-link', text: t('teach.lesson.lockedLink'), 'data-i18n': 'teach.lesson.lockedLink' });
  const close = h('button', { type: 'button', class: 'btn small', id: 'lesson-close', 'aria-label': t('teach.lesson.close'), text: '×' });
  root.append(
    h('div', { class: 'lesson-head' }, counter, title, h('span', { class: 'lesson-spacer' }), link, lockedLink, close),
    text,
    h('p', { class: 'lesson-try', id: 'lesson-try' }, h('strong', { text: `${t('teach.lesson.try')} ` }), tryText, ' ', tryState),
    h('div', { class: 'lesson-nav' }, back, h('span', { class: 'muted small', text: t('teach.lesson.keys'), 'data-i18n': 'teach.lesson.keys' }), next),
  );
  back.addEventListener('click', () => go(index - 1));
  next.addEventListener('click', () => go(index + 1));
  close.addEventListener('click', () => stop());
  const copy = async (lock) => {
    const url = location.href.split('#')[0] + lessonHash(index, lock);
    try {
      await navigator.clipboard.writeText(url);
    } catch {
      // The link is in the address bar too.
    }
    flash(t('teach.lesson.copied'));
  };
  link.addEventListener('click', () => copy(false));
  lockedLink.addEventListener('click', () => copy(true));
  document.addEventListener('keydown', (ev) => {
    if (index < 0 || ev.ctrlKey || ev.metaKey || ev.altKey || typingInField(ev.target)) return;
    if (ev.key === 'n' || ev.key === 'N') go(index + 1);
    else if (ev.key === 'b' || ev.key === 'B') go(index - 1);
  });

  async function go(i, lock = locked) {
    const target = clampStep(i);
    if (target === index && lock === locked) return;
    index = target;
    locked = lock;
    const step = STEPS[index];
    root.hidden = false;
    root.dataset.step = String(index + 1);
    const app = document.getElementById('app');
    app.classList.add('teach-lesson');
    app.classList.toggle('teach-locked', locked);
    app.dataset.lockHide = locked ? hiddenControls(step).join(' ') : '';
    setText(counter, t('teach.lesson.step', { n: index + 1, total: STEPS.length }));
    setText(title, t(`teach.lesson.${step.id}.title`));
    setText(text, t(`teach.lesson.${step.id}.text`));
    setText(tryText, t(`teach.lesson.${step.id}.try`));
    back.disabled = index === 0;
    next.disabled = index === STEPS.length - 1;
    close.hidden = locked;
    setHash(lessonHash(index, locked));
    root.dataset.done = 'false';
    setText(tryState, t('teach.lesson.pending'));
    await showStep(step);
    clearInterval(timer);
    timer = setInterval(checkNow, CHECK_MS);
  }

  function checkNow() {
    if (index < 0) return;
    const done = stepDone(STEPS[index], context());
    root.dataset.done = String(done);
    setText(tryState, done ? t('teach.lesson.done') : t('teach.lesson.pending'));
  }

  function stop() {
    clearInterval(timer);
    index = -1;
    locked = false;
    root.hidden = true;
    const app = document.getElementById('app');
    app.classList.remove('teach-lesson', 'teach-locked');
    app.dataset.lockHide = '';
    setHash(null);
    onClose?.();
  }

  return {
    go,
    stop,
    get active() {
      return index >= 0;
    },
    get step() {
      return index;
    },
  };
}
