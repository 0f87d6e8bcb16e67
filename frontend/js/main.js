// Entry point: finds the page's elements, creates the app, and wires buttons and keys.
import { createApi, createOfflineApi } from './api.js';
import { createTrainingApi } from './training-api.js';
import { createApp } from './app.js';
import { decodeState, hasProgram, encodePageState, decodePageState } from './model/state.js';
import { EXAMPLES } from './model/examples.js';
import { setOptions, typingInField } from './view/dom.js';
import { createPresetMenu } from './view/presets.js';
import { createTrainingPanel } from './view/training-panel.js';
import { createGallery } from './view/gallery.js';
import { createCompareView } from './view/compare.js';
import { preActivations } from './model/training.js';
import { createPanels } from './view/panels.js';
import { createTableView } from './view/table-view.js';
import { applyLocale, initialLocale, storeLocale } from './view/i18n-dom.js';
import { t, getLocale } from './i18n.js';
import { createTeach } from './view/teach.js';
import { wireControls } from './view/controls.js';

const $ = (sel) => document.querySelector(sel);
const SPEEDS = [0.25, 0.5, 1, 2, 4, 8];
// Keys a focused slider uses itself (so ← and → move a value's slider instead of stepping the animation).
const SLIDER_KEYS = new Set(['ArrowLeft', 'ArrowRight', 'ArrowUp', 'ArrowDown', 'Home', 'End', 'PageUp', 'PageDown']);

function boot() {
  const embedded = readEmbedded();
  // In an iframe of a course page: ?embed=1 (no header), &lock=1 (the program and values fixed).
  const frame = embedMode(location.search);
  document.documentElement.classList.toggle('embed', frame.embed);
  document.documentElement.classList.toggle('locked', frame.locked);
  const api = embedded ? createOfflineApi(embedded) : createApi('');
  const fromHash = hasProgram(location.hash) ? decodeState(location.hash) : null;
  const first = EXAMPLES[0];
  const initialState = embedded?.state ?? fromHash ?? { source: first.source, input: first.input };
  // The language: the link's, else the stored choice, else the browser's (before anything is drawn).
  const locale = applyLocale(initialLocale(initialState.lang));
  const langSelect = $('#lang');
  if (langSelect) langSelect.value = locale;

  const els = {
    app: $('#app'), editor: $('#editor'), error: $('#error'), graph: $('#graph'), graphInfo: $('#graph-info'),
    leaves: $('#leaves'), pathCount: $('#path-count'), pathsList: $('#paths-list'), pathsTitle: $('#paths-title'),
    listedSum: $('#listed-sum'), arrayGrad: $('#array-grad'), gradient: $('#gradient'), fd: $('#fd'), forward: $('#forward'), check: $('#check'),
    product: $('#product'), sigma: $('#sigma'), costs: $('#costs'), sweepCount: $('#sweep-count'),
    inputSelect: $('#input-select'), outputSelect: $('#output-select'), limit: $('#limit'), expand: $('#expand'),
    examples: $('#examples'), ops: $('#ops'), scale: $('#scale'), toast: $('#toast'), timeline: $('#timeline'),
    play: $('#play'), pause: $('#pause'), step: $('#step'), stepBack: $('#step-back'), restart: $('#restart'),
    speed: $('#speed'), sigmaFloat: $('#sigma-float'), modePaths: $('#mode-paths'), reverseSweep: $('#reverse-sweep'), forwardSweep: $('#forward-sweep'),
    graphLive: $('#graph-live'), animLive: $('#anim-live'),
  };
  let lastHash = null;
  let tabNow = 'paths';
  // The link holds the app's state, then the page's: the preset (and seed) and the open tab.
  const pageHash = () => encodePageState({ preset: presets?.current?.name ?? null, seed: presets?.current?.seed ?? null, tab: tabNow });
  function writeHash(appHash) {
    if (embedded || teach?.ownsHash()) return; // an exercise or lesson link stays in the address bar
    const hash = appHash + pageHash();
    lastHash = hash;
    if (location.hash !== hash) history.replaceState(null, '', hash);
  }
  // The training side of the page (presets, training, gallery, comparison) needs the server.
  const trainingApi = embedded ? null : createTrainingApi('');
  const gallery = createGallery($('#gallery'));
  let panel = null;
  let table = null;
  let teach = null; // the Lab, Exercises and lesson (view/teach.js), made once the tabs exist
  const panels = createPanels($('#layout'), { left: $('#toggle-left'), right: $('#toggle-right') });
  // The gallery follows each graph once the frame that draws the graph is out: its thousand units of a
  // big chain (about 20 ms) would hold that frame back, and a slider's drag keeps only the newest graph.
  let galleryGraph = null;
  const galleryNext = (g) => {
    if (galleryGraph === null) {
      requestAnimationFrame(() => setTimeout(() => {
        const latest = galleryGraph;
        galleryGraph = null;
        gallery.update(preActivations(latest, gallery.activations));
      }, 0));
    }
    galleryGraph = g;
  };
  const app = createApp(els, api, {
    panels,
    locked: frame.locked,
    initialState,
    onHash: (hash) => writeHash(hash),
    onGraph: (g, info) => {
      galleryNext(g);
      presets?.programSource(app.state.source ?? '');
      panel?.graphChanged(info.deadRelus.length);
      teach?.graphChanged();
    },
    onOps: (ops) => gallery.setOps(ops),
    onProgram: () => {
      panel?.programChanged();
      teach?.programChanged();
    },
    onPaths: () => table?.refresh(),
    onView: (view, st) => showViewControls(view, st),
    exportName: () => (presets?.current ? `${presets.current.name}-seed${presets.current.seed}` : null),
  });
  if (embedded) document.documentElement.classList.add('offline');
  // The graph as tables (the Table button, T): an alternative to the drawing.
  table = createTableView($('#graph-table'), { toggle: $('#table-toggle'), data: () => app.tableData(), flash: (text, bad) => app.flash(text, bad) });

  const on = (el, ev, fn) => el?.addEventListener(ev, fn);
  wireControls(els, app);
  on(els.expand, 'change', () => app.setExpand(els.expand.checked));
  // What a node is, literal constants, focus, find, and the side panels.
  const viewButtons = { operations: $('#view-operations'), values: $('#view-values') };
  const showConstants = $('#show-constants');
  const focusBtn = $('#focus');
  const find = $('#find');
  function showViewControls(view, st) {
    for (const [name, btn] of Object.entries(viewButtons)) btn.setAttribute('aria-pressed', String(name === view));
    showConstants.checked = !!st.constants;
    showConstants.disabled = view === 'values';
    els.expand.disabled = view === 'values';
    focusBtn.setAttribute('aria-pressed', String(!!st.focus));
    const names = app.nodeNames();
    const list = $('#find-names');
    if (list.dataset.names !== String(names.length) + (names.at(-1) ?? '')) {
      list.dataset.names = String(names.length) + (names.at(-1) ?? '');
      setOptions(list, names.map((n) => ({ value: n })));
    }
  }
  for (const [name, btn] of Object.entries(viewButtons)) on(btn, 'click', () => app.setView(name));
  on(showConstants, 'change', () => app.setConstants(showConstants.checked));
  on(focusBtn, 'click', () => app.setFocus(focusBtn.getAttribute('aria-pressed') !== 'true'));
  const findNow = () => {
    const ok = !find.value.trim() || app.findNode(find.value);
    find.classList.toggle('not-found', !ok);
    if (!ok) app.flash(t('find.none', { name: find.value.trim() }), true);
  };
  on(find, 'change', findNow);
  on(find, 'keydown', (ev) => {
    if (ev.key === 'Enter') {
      ev.preventDefault();
      findNow();
    } else if (ev.key === 'Escape') {
      find.value = '';
      find.classList.remove('not-found');
      find.blur();
    }
  });
  on($('#toggle-left'), 'click', () => panels.toggle('left'));
  on($('#toggle-right'), 'click', () => panels.toggle('right'));
  const graphOnly = () => panels.toggleBoth();
  for (const menu of /** @type {NodeListOf<HTMLDetailsElement>} */ (document.querySelectorAll('details.menu'))) {
    // A menu closes when something else is clicked.
    document.addEventListener('click', (ev) => {
      if (menu.open && !menu.contains(/** @type {Node} */ (ev.target))) menu.open = false;
    });
  }
  const presets = createPresetMenu(
    { select: els.examples, seed: $('#preset-seed'), info: $('#preset-info'), title: $('#preset-title'), description: $('#preset-description') },
    {
      api: trainingApi,
      examples: EXAMPLES,
      onPreset: (preset) => {
        app.loadPreset(preset);
        panel?.setDefaults(preset.training);
      },
      onExample: (id) => app.loadExample(id),
      onError: (text) => app.flash(text, true),
    },
  );
  if (trainingApi) {
    panel = createTrainingPanel(
      {
        panel: $('#train-panel'), optimizer: $('#train-optimizer'), lr: $('#train-lr'), steps: $('#train-steps'),
        start: $('#train-start'), stop: $('#train-stop'), error: $('#train-error'), program: $('#train-program'),
        step: $('#train-step'), loss: $('#loss-value'), dead: $('#dead-relu-count'), lossChart: $('#loss-chart'),
        note: $('#train-note'), strip: $('#grad-strip'), scrubber: $('#scrubber'), scrubReadout: $('#scrub-readout'),
      },
      { api: trainingApi, app, currentPreset: () => presets.current },
    );
  }
  const compare = trainingApi
    ? createCompareView(
        { root: $('#compare-panel'), table: $('#compare-table'), chart: $('#compare-chart'), status: $('#compare-status'), summary: $('#compare-summary') },
        { graphApi: api },
      )
    : null;
  const compareSeed = $('#compare-seed');
  const loadCompare = () => {
    const n = Number(compareSeed.value);
    const ok = Number.isInteger(n) && n >= 0 && n <= 2 ** 32 - 1;
    compareSeed.classList.toggle('invalid', !ok);
    if (ok) compare?.load(n);
  };
  on(compareSeed, 'change', loadCompare);
  const tabs = ['paths', 'train', 'compare', ...(embedded ? [] : ['lab', 'exercises'])];
  const showTab = (name) => {
    for (const t of tabs) {
      const active = t === name;
      $(`#tab-${t}`).classList.toggle('active', active);
      $(`#tab-${t}`).setAttribute('aria-selected', String(active));
      $(`#panel-${t}`).hidden = !active;
    }
    els.app.dataset.tab = name;
    tabNow = name;
    writeHash(app.hashNow());
    if (name === 'compare' && compare && compare.loadedSeed === null) loadCompare();
    teach?.tabShown(name);
  };
  for (const t of tabs) on($(`#tab-${t}`), 'click', () => showTab(t));
  on($('#fit'), 'click', () => app.fit());
  on($('#zoom-in'), 'click', () => app.zoomBy(1.25));
  on($('#zoom-out'), 'click', () => app.zoomBy(0.8));
  on($('#reset-values'), 'click', () => app.resetValues());
  on($('#share'), 'click', async () => {
    const url = location.href.split('#')[0] + app.hashNow() + pageHash();
    try {
      await navigator.clipboard.writeText(url);
      app.flash(t('share.copied'));
    } catch {
      app.flash(t('share.manual'));
    }
  });
  for (const kind of ['svg', 'png', 'json', 'dot', 'html']) on($(`#export-${kind}`), 'click', () => app.exportAll(kind));
  on($('#help-toggle'), 'click', () => $('#help').toggleAttribute('hidden'));

  window.addEventListener('hashchange', () => {
    if (embedded || location.hash === lastHash) return;
    if (!hasProgram(location.hash)) return;
    const next = decodeState(location.hash);
    // A link that names a language opens in it (without making it the stored choice).
    if (next.lang && next.lang !== getLocale()) switchLocale(next.lang);
    app.load(next);
  });

  document.addEventListener('keydown', (ev) => {
    // A key the graph's walk or a list used itself (defaultPrevented) is not a page shortcut too.
    if (ev.defaultPrevented || ev.ctrlKey || ev.metaKey || ev.altKey || typingInField(ev.target)) return;
    if (/** @type {HTMLInputElement} */ (ev.target)?.type === 'range' && SLIDER_KEYS.has(ev.key)) return;
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
      t: () => {
        app.setMode('forward');
        app.play();
      },
      v: () => app.toggleView(),
      o: () => app.setFocus(focusBtn.getAttribute('aria-pressed') !== 'true'),
      g: graphOnly,
      T: () => table?.toggle(),
      '/': () => find.focus(),
      '?': () => $('#help').toggleAttribute('hidden'),
    };
    const fn = keys[ev.key];
    if (!fn) return;
    // Space on a focused button would click it as well.
    ev.preventDefault();
    fn();
  });

  if (!embedded) teach = createTeach({ app, showTab, flash: (text) => app.flash(text) });

  // The language switch: stored, written into the link, and every text drawn again in place.
  const switchLocale = (next) => {
    const loc = applyLocale(next);
    if (langSelect) langSelect.value = loc;
    app.relocalize(loc);
    table?.refresh();
    presets.relocalize();
    panel?.relocalize();
    compare?.relocalize();
    gallery.relocalize();
    teach?.relocalize?.();
    return loc;
  };
  on(langSelect, 'change', () => storeLocale(switchLocale(langSelect.value)));

  app.start();
  teach?.start();
  // A shared link of a preset: its banner and training settings, and the tab it was on.
  const page = fromHash ? decodePageState(location.hash) : null;
  if (page?.preset && trainingApi) {
    presets.restore(page.preset, page.seed).then((preset) => {
      if (preset) panel?.setDefaults(preset.training);
    });
  }
  if (page && page.tab !== 'paths') showTab(page.tab);
}

/** The page's embed options from its query string: {embed, locked} (lock implies embed). */
function embedMode(search) {
  const p = new URLSearchParams(search);
  const on = (name) => ['1', 'true', 'yes', ''].includes(p.get(name) ?? 'no');
  const locked = on('lock');
  return { embed: on('embed') || locked, locked };
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
