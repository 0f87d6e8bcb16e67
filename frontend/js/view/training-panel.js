// The training panel: the form, Start / Stop, the live loss curve, the per-layer |gradient| strip,
// the replay scrubber, and the graph following the run (throttled, updated in place).
// The bookkeeping lives in model/training.js; this wires it to the page and the stream.
import { setText } from './dom.js';
import { createLogChart, createHeatStrip } from './charts.js';
import { createHistory, readTrainingForm, trainRequest, runVerdict, stepText, throttleDelay } from '../model/training.js';
import { logDomain } from '../model/charts.js';
import { parseApiError, errorText } from '../model/errors.js';
import { formatNumber, groupThousands } from '../model/format.js';
import { t } from '../i18n.js';
import { presetTitle } from './presets.js';

/** An optimizer as the form's menu names it (SGD, momentum (0.9), Adam). */
const optimizerName = (kind) => ({ sgd: 'SGD', adam: 'Adam', momentum: t('train.momentum') })[kind] ?? kind;
import { createLatest } from '../model/latest.js';

const GRAPH_INTERVAL_MS = 100; // at most ~10 graph refreshes a second
const DRAW_INTERVAL_MS = 100; // and as many chart redraws

/**
 * @param {Record<string, HTMLElement> & {optimizer: HTMLSelectElement, lr: HTMLInputElement, steps: HTMLInputElement,
 *   start: HTMLButtonElement, stop: HTMLButtonElement, scrubber: HTMLInputElement}} els panel, optimizer, lr, steps,
 *   start, stop, error, program, step, loss, dead, lossChart, note, strip, scrubber, scrubReadout
 * @param {{api: ReturnType<typeof import('../training-api.js').createTrainingApi>, app: import('../app.js').App,
 *   currentPreset: () => import('#types/api').PresetModel | null}} deps
 */
export function createTrainingPanel(els, { api, app, currentPreset }) {
  const history = createHistory();
  const chart = createLogChart(els.lossChart, { label: t('train.chart.label'), xTitle: t('train.chart.x'), yTitle: t('train.chart.y') });
  const strip = createHeatStrip(els.strip);
  let programText = null; // what the program line says about the run (drawn again in another language)
  const run = { ctl: null, runs: createLatest(), running: false, localMinima: false, preset: null };
  const view = { index: -1, following: true, graphDead: null, stale: false }; // stale: the shown run is an earlier program's
  const sync = { want: null, inFlight: false, last: -Infinity, timer: null, pushedJson: null };
  const draw = { timer: null, last: -Infinity };
  let base = null; // the values the last run started from

  // ---- the graph follows (throttled; never two requests at once; the latest values always win)
  function pushValues(params) {
    sync.want = params;
    pump();
  }

  function pump() {
    if (!sync.want) return;
    const now = performance.now();
    const delay = throttleDelay(now, sync.last, sync.inFlight, GRAPH_INTERVAL_MS);
    if (delay === null) return; // pumped again when the request in flight ends
    if (delay > 0) {
      sync.timer ??= setTimeout(() => {
        sync.timer = null;
        pump();
      }, delay);
      return;
    }
    const params = sync.want;
    sync.want = null;
    sync.inFlight = true;
    sync.last = now;
    Promise.resolve(app.setValues(params))
      .catch(() => {})
      .finally(() => {
        sync.inFlight = false;
        sync.pushedJson = JSON.stringify(app.state.values ?? {});
        pump();
      });
  }

  function cancelSync() {
    clearTimeout(sync.timer);
    sync.timer = null;
    sync.want = null;
  }

  // ---- drawing (throttled too: a fast run sends hundreds of events a second)
  function scheduleDraw() {
    if (draw.timer) return;
    const delay = Math.max(0, draw.last + DRAW_INTERVAL_MS - performance.now());
    draw.timer = setTimeout(() => {
      draw.timer = null;
      draw.last = performance.now();
      redraw();
    }, delay);
  }

  function redraw() {
    const info = history.info;
    if (!info || !history.length) {
      chart.update({ series: [], xDomain: [0, Math.max(1, info?.steps ?? 1)], yDomain: [1e-3, 1] });
      strip.clear(t(info ? 'train.waiting' : 'train.startHint'));
      return;
    }
    const points = history.lossPoints();
    const losses = points.map((p) => p[1]);
    chart.update({
      series: [{ key: 'loss', cls: 'loss-line', points }],
      xDomain: [0, Math.max(1, info.steps)],
      yDomain: logDomain(losses, { minDecades: 1 }),
      refs: run.localMinima ? [{ y: 0.5, label: t('train.ref') }] : [],
      cursor: view.index >= 0 && !(run.running && view.following) ? history.at(view.index).step : null,
    });
    const svg = chart.svg;
    svg.dataset.first = String(points[0][1]);
    svg.dataset.last = String(points[points.length - 1][1]);
    strip.update({ rows: history.layerRows(), steps: history.records.map((r) => r.step), labels: history.layerLabels(), maxStep: Math.max(1, info.steps) });
    strip.setCursor(view.index >= 0 ? history.at(view.index).step : null);
    els.scrubber.max = String(history.length - 1);
    els.scrubber.disabled = history.length < 2 || view.stale;
    els.scrubber.value = String(Math.max(0, view.index));
  }

  // ---- which recorded step the page shows
  function show(index, { push = true } = {}) {
    const rec = history.at(index);
    if (!rec) return;
    view.index = index;
    const total = history.info?.steps ?? rec.step;
    setText(els.step, `${groupThousands(String(rec.step))} / ${groupThousands(String(total))}`);
    els.step.dataset.step = String(rec.step);
    setText(els.loss, formatNumber(rec.loss, 5));
    els.loss.dataset.loss = String(rec.loss);
    setText(els.dead, String(rec.dead_relu ?? 0));
    els.dead.dataset.count = String(rec.dead_relu ?? 0);
    setText(els.scrubReadout, stepText(rec));
    els.scrubber.value = String(index);
    const live = run.running && view.following;
    chart.setCursor(live ? null : rec.step);
    strip.setCursor(rec.step);
    if (push) pushValues(rec.params);
  }

  function setState(s) {
    els.panel.dataset.state = s;
    els.start.disabled = s === 'running';
    els.stop.disabled = s !== 'running';
    for (const el of [els.optimizer, els.lr, els.steps]) el.disabled = s === 'running';
  }

  function showError(text) {
    els.error.hidden = !text;
    setText(els.error, text ?? '');
  }

  function showNote() {
    const v = runVerdict(history, { localMinima: run.localMinima });
    els.note.hidden = !v.text;
    els.note.className = `train-note ${v.kind ?? ''}`;
    els.note.dataset.kind = v.kind ?? '';
    setText(els.note, v.text);
  }

  // ---- a run
  function startValues() {
    const now = app.state.values ?? {};
    // The graph shows a previous run's parameters: start again from the values that run started from.
    if (base && sync.pushedJson !== null && JSON.stringify(now) === sync.pushedJson) return base;
    return now;
  }

  async function start() {
    const form = readTrainingForm({ optimizer: els.optimizer.value, lr: els.lr.value, steps: els.steps.value });
    if (!form.ok) {
      showError(form.message);
      els[form.field]?.focus?.();
      return;
    }
    showError('');
    stop(false);
    const preset = currentPreset();
    const values = startValues();
    base = { ...values };
    const body = trainRequest({ source: app.state.source ?? '', values, preset, optimizer: form.optimizer, steps: form.steps });
    const ctl = new AbortController();
    const my = run.runs.start();
    Object.assign(run, { ctl, running: true, preset, localMinima: !!preset?.name?.startsWith('xor') });
    history.clear();
    view.index = -1;
    view.following = true;
    view.stale = false;
    els.note.hidden = true;
    setState('running');
    redraw();
    const onEvent = (type, data) => {
      if (!run.runs.isLatest(my)) return;
      if (type === 'start') {
        history.start(data);
        programText = () => {
          const what = preset && body.preset ? t('train.run.preset', { title: presetTitle(preset), seed: preset.seed }) : '';
          const every = data.sample_every > 1 ? t('train.run.sampled', { n: groupThousands(String(data.sample_every)) }) : t('train.run.every');
          return what + t(data.params.length === 1 ? 'train.run.one' : 'train.run', { loss: data.loss, n: data.params.length, names: data.params.join(', '), optimizer: optimizerName(data.optimizer.kind), lr: formatNumber(data.optimizer.lr, 4), every });
        };
        setText(els.program, programText());
      } else if (type === 'step') {
        history.add(data);
        if (view.following) show(history.length - 1);
        scheduleDraw();
      } else if (type === 'done') {
        history.finish(data);
      }
    };
    try {
      const res = await api.train(body, { signal: ctl.signal, onEvent });
      if (!run.runs.isLatest(my)) return;
      run.running = false;
      if (!res.ok) {
        const errs = parseApiError(res.status, res.body);
        showError(errs.map(errorText).join('\n'));
        setState('error');
        redraw();
        return;
      }
      if (!history.done) history.finish({ steps_run: history.last()?.step ?? 0, stopped: t('train.streamEnded'), elapsed: null });
      setState('done');
    } catch (e) {
      if (!run.runs.isLatest(my)) return;
      run.running = false;
      if (e?.name === 'AbortError') {
        setState('stopped');
      } else {
        showError(t('train.failed', { message: e?.message ?? e }));
        setState('error');
      }
    }
    // The end: the graph shows the last step (or the one being replayed), and the verdict.
    if (view.following && history.length) show(history.length - 1);
    clearTimeout(draw.timer);
    draw.timer = null;
    redraw();
    showEnd();
  }

  /** The note after a run: stopped by the user, or the verdict. */
  function showEnd() {
    if (els.panel.dataset.state === 'stopped') {
      const last = history.last();
      els.note.hidden = false;
      els.note.className = 'train-note';
      els.note.dataset.kind = 'stopped';
      setText(els.note, last ? t('train.stoppedAt', { where: stepText(last) }) : t('train.stopped'));
    } else if (history.done) showNote();
  }

  /** Stop the running stream (the server stops the run when the connection closes). */
  function stop(userAsked = true) {
    if (!run.running) return;
    run.ctl?.abort();
    if (!userAsked) {
      run.runs.cancel();
      run.running = false;
    }
  }

  els.start.addEventListener('click', () => start());
  els.stop.addEventListener('click', () => stop(true));
  els.scrubber.addEventListener('input', () => {
    if (view.stale) return;
    const i = Number(els.scrubber.value);
    view.following = i >= history.length - 1;
    show(i);
    if (!run.running) chart.setCursor(history.at(i)?.step ?? null);
  });

  setState('idle');
  redraw();

  return {
    start,
    stop,
    history,
    /** A preset was opened: take its training settings. */
    setDefaults(training) {
      if (!training) return;
      els.optimizer.value = training.optimizer ?? 'sgd';
      els.lr.value = String(training.learning_rate ?? 0.1);
      els.steps.value = String(training.steps ?? 1000);
    },
    /**
     * The program changed (typed, or another one loaded): a run belongs to the old one. A running
     * run stops; what it learned (the curve, the strip, the last step) stays visible, marked as the
     * previous program's, until the next Start. The scrubber is off: its parameters are not this
     * program's.
     */
    programChanged() {
      const wasRunning = run.running;
      stop(false);
      cancelSync();
      base = null;
      sync.pushedJson = null;
      showError('');
      programText = null;
      setText(els.program, t('train.programHint'));
      if (history.length) {
        const last = history.last();
        view.stale = true;
        setState('stale');
        els.scrubber.disabled = true;
        els.note.hidden = false;
        els.note.className = 'train-note stale';
        els.note.dataset.kind = 'stale';
        const key = wasRunning ? 'train.staleStopped' : 'train.staleDone';
        setText(els.note, t(key, { step: groupThousands(String(last?.step ?? 0)) }));
        return;
      }
      history.clear();
      view.index = -1;
      view.following = true;
      setText(els.step, '—');
      setText(els.loss, '—');
      setText(els.scrubReadout, '');
      els.note.hidden = true;
      setState('idle');
      els.scrubber.max = '0';
      els.scrubber.value = '0';
      els.scrubber.disabled = true;
      redraw();
    },
    /** The page's language changed: the texts of the run shown are written again. */
    relocalize() {
      chart.svg.setAttribute('aria-label', t('train.chart.label'));
      chart.setTitles?.(t('train.chart.x'), t('train.chart.y'));
      strip.relocalize?.();
      if (programText) setText(els.program, programText());
      if (view.index >= 0) setText(els.scrubReadout, stepText(history.at(view.index)));
      if (!run.running && !view.stale) showEnd();
      redraw();
    },
    /** Each new graph: before any run, the dead ReLU count is the graph's own. */
    graphChanged(deadCount) {
      if (view.index >= 0 && !view.stale) return;
      setText(els.dead, `${deadCount}`);
      els.dead.dataset.count = String(deadCount);
    },
  };
}
