// The animation of one app: plays the paths (multiply along each path, add across them) or a reverse /
// forward sweep over the drawn graph, says its moments in the live region, and undoes what it drew.
import { reverseSweep, forwardSweep } from '../model/paths.js';
import { pathTimeline, pathStateAt, sweepTimeline, sweepStateAt, pathStartTime } from '../model/schedule.js';
import { findNode } from '../model/graph-model.js';
import { formatNumber, groupThousands } from '../model/format.js';
import { spokenName } from '../model/walk.js';
import { setText } from '../view/dom.js';
import { createPlayer } from '../view/player.js';
// `tr`, not `t`: t is the animation's time in this file.
import { t as tr } from '../i18n.js';

/**
 * @param {import('./context.js').AppContext} ctx
 */
export function createAnimation(ctx) {
  const { els, state, cur, graphView, panel, repOf, edgeRepOf } = ctx;
  const player = createPlayer({ onFrame: drawFrame, onStatus: showStatus });

  /**
   * Each factor, each arrival and the end of the paths animation, said once in els.animLive. The
   * moments are numbered along the timeline (a path's factors, then its arrival; the end last); a
   * frame that skipped some (a fast speed) says the skipped ones with it, up to three.
   */
  function announcePath(st, pj) {
    if (!els.animLive) return;
    const paths = pj.paths ?? [];
    const base = [];
    let total = 0;
    for (const p of paths) {
      base.push(total);
      total += p.factors.length + 1;
    }
    let now = -1;
    if (st.done) now = total;
    else if (st.path >= 0 && st.arrived === st.path + 1) now = base[st.path] + paths[st.path].factors.length;
    else if (st.path >= 0 && st.step > 0) now = base[st.path] + st.step - 1;
    if (now < 0 || now === cur.spoken) return;
    // From the last moment said (or the start), at most three at once; after a seek back, just this one.
    const last = typeof cur.spoken === 'number' ? cur.spoken : cur.spoken === null ? -1 : now - 1;
    const from = last < now ? Math.max(last + 1, now - 2) : now;
    const say = (m) => {
      if (m === total) return tr('anim.say.done', { n: paths.length, sum: formatNumber(st.sum, 6) });
      let i = base.length - 1;
      while (base[i] > m) i--;
      const p = paths[i];
      const k = m - base[i];
      if (k === p.factors.length) return tr('anim.say.arrive', { i: i + 1, product: formatNumber(p.product, 6), sum: formatNumber(kindSum(paths, i), 6) });
      return tr('anim.say.factor', { i: i + 1, k: k + 1, n: p.factors.length, factor: formatNumber(p.factors[k], 4), product: formatNumber(p.factors.slice(0, k + 1).reduce((a, b) => a * b, 1), 6) });
    };
    const texts = [];
    for (let m = from; m <= now; m++) texts.push(say(m));
    cur.spoken = now;
    els.animLive.textContent = texts.join(tr('anim.say.sep'));
  }

  /** Σ of the products of paths 0..i (a product that is not a number counts as NaN). */
  function kindSum(paths, i) {
    let sum = 0;
    for (let k = 0; k <= i; k++) sum += typeof paths[k].product === 'number' ? paths[k].product : NaN;
    return sum;
  }

  function loadTimeline() {
    stopAnimation();
    let tl = null;
    if (cur.mode === 'paths') {
      tl = cur.pathsJson ? pathTimeline(cur.pathsJson.paths ?? []) : null;
    } else if (cur.mode === 'reverse' && cur.vg) {
      tl = sweepTimeline(reverseSweep(cur.vg, cur.vg.output).steps, 'reverse');
    } else if (cur.mode === 'forward' && cur.vg) {
      const input = findNode(cur.g, state.input);
      tl = input ? sweepTimeline(forwardSweep(cur.vg, repOf(input.id)).steps, 'forward') : null;
    }
    if (tl) player.load(tl);
    else player.unload();
    for (const b of [els.modePaths, els.reverseSweep, els.forwardSweep]) b.classList.remove('active');
    ({ paths: els.modePaths, reverse: els.reverseSweep, forward: els.forwardSweep })[cur.mode]?.classList.add('active');
    els.app.dataset.mode = cur.mode;
  }

  function stopAnimation() {
    player.pause();
    restoreGraph();
  }

  /** Undo everything the animation drew. */
  function restoreGraph() {
    graphView.mark('anim-path');
    graphView.mark('anim-done');
    graphView.mark('swept');
    graphView.mark('sweep-current');
    graphView.mark('pending');
    graphView.setPulses([]);
    graphView.clearBadges();
    // A sweep rewrote the nodes' gradient lines: put them back.
    if (cur.view && cur.sweepDrawn) graphView.update(cur.view);
    cur.sweepDrawn = false;
    panel.resetAnim();
    cur.spoken = null;
    if (els.sigmaFloat) els.sigmaFloat.hidden = true;
    setText(els.sweepCount, '');
    els.graph.classList.remove('animating');
  }

  // ---- animation frames
  function drawFrame(t, tl) {
    els.graph.classList.toggle('animating', t > 0);
    if (tl.kind === 'paths') drawPaths(t, tl);
    else drawSweep(t, tl);
    els.timeline.value = String(tl.duration ? Math.round((1000 * t) / tl.duration) : 0);
  }

  function drawPaths(t, tl) {
    const pj = cur.pathsJson;
    if (!pj) return;
    const st = pathStateAt(tl, t);
    panel.setAnim(st, pj.paths, t);
    if (t > 0) announcePath(st, pj);
    // The running sum stays in sight over the graph (on a phone the Paths panel is below it).
    if (els.sigmaFloat) {
      els.sigmaFloat.hidden = t <= 0;
      setText(els.sigmaFloat, tr('anim.sigmaFloat', { sum: formatNumber(st.sum, 5), i: Math.min(st.path + 1, pj.paths.length), n: pj.paths.length }));
    }
    const p = pj.paths[st.path];
    graphView.clearBadges();
    if (t <= 0 || !p) {
      graphView.mark('anim-path');
      graphView.mark('anim-done');
      graphView.setPulses([]);
      return;
    }
    const nodes = [...new Set(p.nodes.map(repOf))];
    const edges = p.edges.map(edgeRepOf).filter(Boolean);
    graphView.mark('anim-path', nodes, edges);
    graphView.mark('anim-done', [], p.edges.slice(0, st.step).map(edgeRepOf).filter(Boolean));
    const pulses = [];
    if (st.pulse) {
      const e = edgeRepOf(st.pulse.edge);
      if (e) pulses.push({ edge: e, frac: st.pulse.frac, text: `× ${formatNumber(st.factor, 4)}`, follow: true });
    }
    graphView.setPulses(pulses);
    const reached = repOf(p.nodes[Math.min(st.step, p.nodes.length - 1)]);
    const inputRep = repOf(pj.input);
    if (!st.done) graphView.setBadge(reached, `∏ = ${formatNumber(st.product, 4)}`);
    graphView.setBadge(inputRep, `Σ = ${formatNumber(st.sum, 5)}`);
  }

  function drawSweep(t, tl) {
    const ss = sweepStateAt(tl, t);
    cur.sweepDrawn = true;
    const key = tl.kind === 'reverse' ? 'adj' : 'tan';
    const completed = [...ss.completed.keys()];
    graphView.mark('swept', completed);
    graphView.mark('sweep-current', ss.current ? [ss.current] : []);
    // Said once per node the sweep completes: its name and its adjoint (or tangent).
    if (els.animLive && ss.current && cur.spoken !== `s${ss.current}` && cur.vg.byId.has(ss.current)) {
      cur.spoken = `s${ss.current}`;
      const value = ss.completed.get(ss.current) ?? ss.partial.get(ss.current);
      els.animLive.textContent = tr('anim.say.sweepNode', { name: spokenName(cur.vg.byId.get(ss.current), cur.titles), what: tr(`anim.say.${key}`), value: value === undefined ? '?' : formatNumber(value, 6) });
    }
    const pending = cur.view.nodes.filter((n) => !ss.completed.has(n.id)).map((n) => n.id);
    graphView.mark('pending', ss.done ? [] : pending);
    for (const n of cur.view.nodes) {
      if (ss.completed.has(n.id)) graphView.setNodeLine(n.id, key, formatNumber(ss.completed.get(n.id), 4));
      // A partial sum: more edges are still to add to it ("2 + …").
      else if (ss.partial.has(n.id)) graphView.setNodeLine(n.id, key, `${formatNumber(ss.partial.get(n.id), 4)} + …`);
      else graphView.setNodeLine(n.id, key, n.kind === 'const' ? '' : '?');
    }
    graphView.setPulses(ss.pulses.map((p) => ({ edge: p.edge, frac: p.frac, reverse: tl.kind === 'reverse' })));
    const total = tl.events.at(-1).mults;
    const what = tr(tl.kind === 'reverse' ? 'anim.sweep.reverse' : 'anim.sweep.forward');
    const paths = tl.kind === 'reverse' ? cur.costs?.all.enumerate : cur.costs?.c.enumerate;
    const vs = paths === undefined ? '' : tr('anim.sweep.vs', { n: groupThousands(paths) });
    const open = ss.partial.size && !ss.done ? tr('anim.sweep.open') : '';
    setText(els.sweepCount, tr('anim.sweep.count', { done: groupThousands(String(ss.mults)), total: groupThousands(String(total)), what }) + vs + open);
  }

  function showStatus(s) {
    els.play.disabled = !s.kind || s.playing;
    els.pause.disabled = !s.playing;
    els.step.disabled = !s.kind;
    els.stepBack.disabled = !s.kind;
    els.restart.disabled = !s.kind;
    els.app.classList.toggle('playing', s.playing);
    els.play.setAttribute('aria-pressed', String(s.playing));
  }

  function hoverPath(i) {
    panel.setHover(i);
    const p = i === null ? null : cur.pathsJson?.paths?.[i];
    if (!p) {
      graphView.mark('hl');
      return;
    }
    graphView.mark('hl', [...new Set(p.nodes.map(repOf))], p.edges.map(edgeRepOf).filter(Boolean));
  }

  function pickPath(i) {
    if (cur.mode !== 'paths') {
      cur.mode = 'paths';
      loadTimeline();
    }
    const tl = player.timeline;
    if (tl) player.seek(pathStartTime(tl, i) + 1);
  }

  function setMode(mode) {
    cur.mode = mode;
    loadTimeline();
  }

  return { player, loadTimeline, stopAnimation, showStatus, hoverPath, pickPath, setMode };
}
