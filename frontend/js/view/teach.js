// Wiring of the teaching side of the page: the Lab and Exercises panels, the lesson, and the links
// that open them (#exercise=level:seed, #exercise=program&src=..., #lesson=N[&locked=1]). main.js creates it after the app.
import { call } from '../api.js';
import { h } from './dom.js';
import { t } from '../i18n.js';
import { createLabPanel } from './lab-panel.js';
import { createExercisesPanel } from './exercises-panel.js';
import { createLesson } from './lesson.js';
import { parseExerciseHash } from '../model/exercises.js';
import { parseLessonHash } from '../model/lesson.js';

const $ = (sel) => document.querySelector(sel);

/**
 * @param {{app: import('../app.js').App, showTab: (name: string) => void, flash: Function, base?: string}} deps
 */
export function createTeach({ app, showTab, flash, base = '' }) {
  const request = (method, url, body) => call(method, `${base}${url}`, body);
  let ownHash = null; // the teaching link the address bar shows (null: the app's own state)
  let loading = 0; // > 0 while a program is loaded by us, not typed by the user

  const setHash = (hash) => {
    ownHash = hash;
    if (hash && location.hash !== hash) history.replaceState(null, '', hash);
  };

  async function loadProgram(state) {
    loading++;
    try {
      await app.load({ ...state });
    } finally {
      loading--;
    }
  }

  const lab = createLabPanel($('#panel-lab'), { app, call: request, active: () => $('#app').dataset.tab === 'lab' });
  const exercises = createExercisesPanel($('#panel-exercises'), { app, call: request, flash, loadProgram, setHash });

  async function showStep(step) {
    const p = step.program;
    if (p.preset) {
      const res = await request('GET', `/api/presets/${encodeURIComponent(p.preset)}`);
      if (res.ok) {
        loading++;
        try {
          await app.loadPreset(res.body);
        } finally {
          loading--;
        }
      }
    } else {
      await loadProgram({ source: p.source, input: p.input ?? null, view: p.view ?? 'auto' });
    }
    showTab(step.panel);
  }

  function context() {
    const g = app.graph;
    const byName = new Map((g?.nodes ?? []).filter((n) => n.name).map((n) => [n.name, n]));
    return {
      node: (name) => {
        const n = byName.get(name);
        return n ? { value: n.value, grad: n.grad } : null;
      },
      input: app.state.input,
      mode: $('#app').dataset.mode,
      atEnd: $('#timeline')?.value === '1000',
      trainState: $('#train-panel')?.dataset.state,
      compareState: $('#compare-panel')?.dataset.state,
      compareSeed: Number($('#compare-seed')?.value ?? 0),
      labRan: lab.runs > 0,
      tab: $('#app').dataset.tab,
    };
  }

  const lesson = createLesson($('#lesson'), { showStep, context, setHash, flash, onClose: () => {} });
  const lessonButton = h('button', { type: 'button', class: 'btn small', id: 'lesson-open', title: t('teach.lesson.button.title'), text: t('teach.lesson.button'), 'data-i18n': 'teach.lesson.button', 'data-i18n-attr': 'title:teach.lesson.button.title' });
  lessonButton.addEventListener('click', () => lesson.go(0, false));
  $('#share')?.before(lessonButton);
  for (const [tab, key] of [['lab', 'teach.tab.lab'], ['exercises', 'teach.tab.exercises']]) {
    const btn = $(`#tab-${tab}`);
    if (btn) {
      btn.textContent = t(key);
      btn.title = t(`${key}.title`);
    }
  }

  function openFromHash(hash) {
    const ex = parseExerciseHash(hash);
    if (ex) {
      if (lesson.active) lesson.stop();
      showTab('exercises');
      if (ex.program) exercises.openProgram(ex.program);
      else exercises.open(ex.level, ex.seed);
      return true;
    }
    const ls = parseLessonHash(hash);
    if (ls) {
      lesson.go(ls.step, ls.locked);
      return true;
    }
    return false;
  }
  window.addEventListener('hashchange', () => {
    if (location.hash !== ownHash) openFromHash(location.hash);
  });

  return {
    /** Open the exercise or lesson a link names; false when the hash is not one of ours. */
    start: () => openFromHash(location.hash),
    /** While an exercise or a lesson is open, the address bar keeps its link (not the program's state). */
    ownsHash: () => ownHash !== null && (exercises.active || lesson.active),
    graphChanged() {
      lab.graphChanged();
      exercises.graphChanged();
    },
    programChanged() {
      lab.programChanged();
      if (loading) return;
      // The user typed or picked another program: the exercise and the lesson's link no longer apply.
      if (exercises.active) exercises.programChanged();
      if (!lesson.active) ownHash = null;
    },
    tabShown(name) {
      if (name === 'lab') lab.graphChanged();
      else lab.hidden();
    },
    lab,
    exercises,
    lesson,
  };
}
