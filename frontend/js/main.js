// Entry point: finds the page's elements, creates the app, and wires buttons and keys.
import { createApi, createOfflineApi } from './api.js';
import { createApp } from './app.js';
import { decodeState, hasProgram } from './model/state.js';
import { EXAMPLES } from './model/examples.js';
import { typingInField } from './view/dom.js';

const $ = (sel) => document.querySelector(sel);
const SPEEDS = [0.25, 0.5, 1, 2, 4, 8];
// Keys a focused slider uses itself (so ← and → move a value's slider instead of stepping the animation).
const SLIDER_KEYS = new Set(['ArrowLeft', 'ArrowRight', 'ArrowUp', 'ArrowDown', 'Home', 'End', 'PageUp', 'PageDown']);

function boot() {
  const embedded = readEmbedded();
  const api = embedded ? createOfflineApi(embedded) : createApi('');
  const fromHash = hasProgram(location.hash) ? decodeState(location.hash) : null;
  const first = EXAMPLES[0];
  const initialState = embedded?.state ?? fromHash ?? { source: first.source, input: first.input };

  const els = {
    app: $('#app'), editor: $('#editor'), error: $('#error'), graph: $('#graph'), graphInfo: $('#graph-info'),
    leaves: $('#leaves'), pathCount: $('#path-count'), pathsList: $('#paths-list'), pathsTitle: $('#paths-title'),
    listedSum: $('#listed-sum'), gradient: $('#gradient'), fd: $('#fd'), check: $('#check'),
    product: $('#product'), sigma: $('#sigma'), costs: $('#costs'), sweepCount: $('#sweep-count'),
    inputSelect: $('#input-select'), outputSelect: $('#output-select'), limit: $('#limit'), expand: $('#expand'),
    examples: $('#examples'), ops: $('#ops'), scale: $('#scale'), toast: $('#toast'), timeline: $('#timeline'),
    play: $('#play'), pause: $('#pause'), step: $('#step'), stepBack: $('#step-back'), restart: $('#restart'),
    speed: $('#speed'), modePaths: $('#mode-paths'), reverseSweep: $('#reverse-sweep'), forwardSweep: $('#forward-sweep'),
  };
  let lastHash = null;
  const app = createApp(els, api, {
    initialState,
    onHash: (hash) => {
      if (embedded) return;
      lastHash = hash;
      if (location.hash !== hash) history.replaceState(null, '', hash);
    },
  });
  if (embedded) document.documentElement.classList.add('offline');

  const on = (el, ev, fn) => el?.addEventListener(ev, fn);
  on(els.play, 'click', () => app.play());
  on(els.pause, 'click', () => app.player.pause());
  on(els.step, 'click', () => app.player.step());
  on(els.stepBack, 'click', () => app.player.stepBack());
  on(els.restart, 'click', () => app.player.restart());
  on(els.speed, 'change', () => app.setSpeed(Number(els.speed.value)));
  on(els.timeline, 'input', () => app.seekFraction(Number(els.timeline.value) / 1000));
  on(els.modePaths, 'click', () => app.setMode('paths'));
  on(els.reverseSweep, 'click', () => {
    app.setMode('reverse');
    app.play();
  });
  on(els.forwardSweep, 'click', () => {
    app.setMode('forward');
    app.play();
  });
  on(els.inputSelect, 'change', () => app.selectInput(els.inputSelect.value));
  on(els.outputSelect, 'change', () => app.setOutput(els.outputSelect.value));
  on(els.limit, 'change', () => app.setLimit(els.limit.value));
  on(els.expand, 'change', () => app.setExpand(els.expand.checked));
  on(els.examples, 'change', () => {
    if (els.examples.value) app.loadExample(els.examples.value);
    els.examples.value = '';
  });
  on($('#fit'), 'click', () => app.fit());
  on($('#zoom-in'), 'click', () => app.zoomBy(1.25));
  on($('#zoom-out'), 'click', () => app.zoomBy(0.8));
  on($('#reset-values'), 'click', () => app.resetValues());
  on($('#share'), 'click', async () => {
    const url = location.href.split('#')[0] + app.hashNow();
    try {
      await navigator.clipboard.writeText(url);
      app.flash('Link copied: it restores the program, values and selection');
    } catch {
      app.flash('Copy the address bar: it holds the whole state');
    }
  });
  for (const kind of ['svg', 'png', 'json', 'dot', 'html']) on($(`#export-${kind}`), 'click', () => app.exportAll(kind));
  on($('#help-toggle'), 'click', () => $('#help').toggleAttribute('hidden'));

  window.addEventListener('hashchange', () => {
    if (embedded || location.hash === lastHash) return;
    if (hasProgram(location.hash)) app.load(decodeState(location.hash));
  });

  document.addEventListener('keydown', (ev) => {
    if (ev.ctrlKey || ev.metaKey || ev.altKey || typingInField(ev.target)) return;
    if (ev.target?.type === 'range' && SLIDER_KEYS.has(ev.key)) return;
    const speedStep = (d) => {
      const i = Math.max(0, Math.min(SPEEDS.length - 1, SPEEDS.indexOf(Number(els.speed.value)) + d));
      els.speed.value = String(SPEEDS[i]);
      app.setSpeed(SPEEDS[i]);
    };
    const keys = {
      ' ': () => (app.player.playing ? app.player.pause() : app.play()),
      k: () => (app.player.playing ? app.player.pause() : app.play()),
      ArrowRight: () => app.player.step(),
      l: () => app.player.step(),
      ArrowLeft: () => app.player.stepBack(),
      j: () => app.player.stepBack(),
      Home: () => app.player.restart(),
      '0': () => app.player.restart(),
      End: () => app.player.toEnd(),
      '+': () => speedStep(1),
      '=': () => speedStep(1),
      '-': () => speedStep(-1),
      f: () => app.fit(),
      r: () => {
        app.setMode('reverse');
        app.play();
      },
      p: () => app.setMode('paths'),
      '?': () => $('#help').toggleAttribute('hidden'),
    };
    const fn = keys[ev.key];
    if (!fn) return;
    // Space on a focused button would click it as well.
    ev.preventDefault();
    fn();
  });

  app.start();
}

function readEmbedded() {
  const el = document.getElementById('pathgrad-data');
  if (!el) return null;
  try {
    return JSON.parse(el.textContent);
  } catch {
    return null;
  }
}

boot();
