// Small SVG charts: a line chart with a log y axis, a heat strip, and a function plot. The numbers
// come from model/charts.js; these only create and update SVG elements (text via textContent).
import { s, setText } from './dom.js';
import { linearScale, logScale, logTicks, niceTicks, linePath, thinSeries, rampColor, heatColumns, heatScale } from '../model/charts.js';
import { formatNumber, groupThousands } from '../model/format.js';
// `tr`, not `t`: t is a tick in this file.
import { t as tr } from '../i18n.js';

const fmtTick = (v) => formatNumber(v, 2);
const fmtStep = (v) => groupThousands(String(Math.round(v)));

/**
 * A line chart with a linear x axis and a log-10 y axis.
 * update({series: [{key, cls, points: [[x, y]], markers?: boolean, label?}], xDomain, yDomain,
 *   xTicks?, xFormat?, refs?: [{y, label}], cursor?: x | null})
 * Points whose y the log cannot show (0) sit on the floor; with `markers` they are drawn hollow
 * (class "at-floor"), and `svg.dataset.floor` counts them.
 */
export function createLogChart(root, { width = 340, height = 170, margin = { l: 46, r: 20, t: 18, b: 28 }, label = 'chart', xTitle = '', yTitle = '' } = {}) {
  const svg = s('svg', { class: 'chart', viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': label });
  const gGrid = s('g', { class: 'grid' });
  const gAxes = s('g', { class: 'axes' });
  const gRefs = s('g', { class: 'refs' });
  const gSeries = s('g', { class: 'series' });
  const cursor = s('line', { class: 'cursor', visibility: 'hidden' });
  const xt = s('text', { class: 'axis-title', x: width - margin.r, y: height - 2, 'text-anchor': 'end', text: xTitle });
  const yt = s('text', { class: 'axis-title', x: margin.l, y: 10, text: yTitle });
  svg.append(gGrid, gRefs, gSeries, cursor, gAxes, xt, yt);
  root.replaceChildren(svg);
  const x0 = margin.l;
  const x1 = width - margin.r;
  const y0 = height - margin.b;
  const y1 = margin.t;
  let last = null;

  function update(opts) {
    last = opts;
    const xs = linearScale(opts.xDomain, [x0, x1]);
    const ys = logScale(opts.yDomain, [y0, y1]);
    const xFormat = opts.xFormat ?? fmtStep;
    gGrid.replaceChildren();
    gAxes.replaceChildren(s('line', { class: 'axis', x1: x0, x2: x1, y1: y0, y2: y0 }), s('line', { class: 'axis', x1: x0, x2: x0, y1: y0, y2: y1 }));
    for (const t of logTicks(opts.yDomain, 5)) {
      const y = ys(t);
      gGrid.append(s('line', { class: 'gridline', x1: x0, x2: x1, y1: y, y2: y }));
      gAxes.append(s('text', { class: 'tick', x: x0 - 4, y: y + 3.5, 'text-anchor': 'end', text: fmtTick(t) }));
    }
    for (const t of opts.xTicks ?? niceTicks(opts.xDomain, 4)) {
      const x = xs(t);
      const anchor = x > x1 - 16 ? 'end' : 'middle'; // keep the last label inside the drawing
      gAxes.append(s('line', { class: 'tickmark', x1: x, x2: x, y1: y0, y2: y0 + 4 }), s('text', { class: 'tick', x: anchor === 'end' ? x + 4 : x, y: y0 + 14, 'text-anchor': anchor, text: xFormat(t) }));
    }
    gRefs.replaceChildren();
    for (const r of opts.refs ?? []) {
      if (!(r.y >= opts.yDomain[0] && r.y <= opts.yDomain[1])) continue;
      const y = ys(r.y);
      gRefs.append(s('line', { class: 'ref', x1: x0, x2: x1, y1: y, y2: y }), s('text', { class: 'ref-label', x: x1 - 2, y: y - 3, 'text-anchor': 'end', text: r.label }));
    }
    gSeries.replaceChildren();
    let floor = 0;
    for (const ser of opts.series) {
      const pts = thinSeries(ser.points.filter((p) => p[1] !== null && p[1] !== undefined));
      const g = s('g', { class: `serie ${ser.cls ?? ''}`, 'data-key': ser.key ?? '' });
      const mapped = ser.points.map((p) => (p[1] === null || p[1] === undefined || Number.isNaN(p[1]) ? null : [xs(p[0]), ys(p[1])]));
      g.append(s('path', { class: 'line', d: linePath(ser.markers ? mapped : pts.map((p) => [xs(p[0]), ys(p[1])])) }));
      if (ser.markers) {
        ser.points.forEach((p, i) => {
          if (!mapped[i]) return;
          const zero = ys.isFloor(p[1]);
          if (zero) floor++;
          const dot = s('circle', { class: zero ? 'dot at-floor' : 'dot', cx: mapped[i][0].toFixed(1), cy: mapped[i][1].toFixed(1), r: zero ? 3.6 : 2.8 });
          dot.append(s('title', { text: `${ser.label ?? ser.key}: ${xFormat(p[0])} = ${zero ? tr('chart.exactZero') : formatNumber(p[1], 4)}` }));
          g.append(dot);
        });
      }
      gSeries.append(g);
    }
    svg.dataset.floor = String(floor);
    setCursor(opts.cursor ?? null);
    svg.dataset.points = String(opts.series.reduce((n, ser) => n + ser.points.length, 0));
  }

  function setCursor(x) {
    if (!last || x === null || x === undefined) {
      cursor.setAttribute('visibility', 'hidden');
      return;
    }
    const px = linearScale(last.xDomain, [x0, x1])(x).toFixed(1);
    cursor.setAttribute('x1', px);
    cursor.setAttribute('x2', px);
    cursor.setAttribute('y1', String(y0));
    cursor.setAttribute('y2', String(y1));
    cursor.removeAttribute('visibility');
  }

  /** New axis titles (the page's language changed). */
  function setTitles(x, y) {
    xt.textContent = x;
    yt.textContent = y;
  }

  return { svg, update, setCursor, setTitles };
}

/**
 * A heat strip: x = recorded step, y = layer (the input side at the bottom), colour = a value on a
 * log scale (exact zeros in their own colour).
 * update({rows: [[per layer]], steps: [step per row], labels: [layer names, input side first], maxStep})
 */
export function createHeatStrip(root, { width = 340, maxCols = 160 } = {}) {
  const svg = s('svg', { class: 'heat', role: 'img', 'aria-label': tr('chart.heat.label') });
  root.replaceChildren(svg);
  let geom = null;
  const cursor = s('line', { class: 'cursor', visibility: 'hidden' });

  function update({ rows, steps, labels, maxStep }) {
    const layers = labels.length;
    const rowHeight = Math.max(11, Math.min(26, Math.floor(130 / Math.max(1, layers))));
    const labelWidth = Math.min(120, Math.max(64, 10 + Math.max(...labels.map((l) => l.length), 6) * 5.8));
    const top = 14;
    const plotH = Math.max(1, layers) * rowHeight;
    const legendY = top + plotH + 22;
    const height = legendY + 24;
    const x0 = labelWidth;
    const x1 = width - 16;
    svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
    svg.replaceChildren();
    svg.append(s('text', { class: 'axis-title', x: 2, y: 10, text: tr('chart.heat.output') }));
    const cols = heatColumns(rows, maxCols);
    const all = cols.flatMap((c) => c.values);
    const scale = heatScale(all);
    const span = Math.max(1, maxStep ?? steps[steps.length - 1] ?? 1);
    const xs = linearScale([0, span], [x0, x1]);
    const cells = s('g', { class: 'cells' });
    cols.forEach((c, ci) => {
      const a = xs(steps[c.from] ?? 0);
      const next = cols[ci + 1];
      const b = next ? xs(steps[next.from]) : Math.max(a + 2, xs(steps[c.to] ?? span));
      c.values.forEach((v, l) => {
        const y = top + (layers - 1 - l) * rowHeight; // layer 0, the input side, at the bottom
        const rect = s('rect', { x: a.toFixed(2), y, width: Math.max(0.6, b - a + 0.3).toFixed(2), height: rowHeight - 1, fill: rampColor(v === 0 ? null : scale(v)) });
        if (v === 0) rect.setAttribute('class', 'zero');
        cells.append(rect);
      });
    });
    svg.append(cells);
    labels.forEach((name, l) => {
      const y = top + (layers - 1 - l) * rowHeight + rowHeight / 2 + 3;
      svg.append(s('text', { class: 'row-label', x: x0 - 4, y, 'text-anchor': 'end', text: name }));
    });
    svg.append(s('text', { class: 'axis-title', x: 2, y: top + plotH + 10, text: tr('chart.heat.input') }));
    for (const t of niceTicks([0, span], 4)) {
      const x = xs(t);
      const anchor = x > x1 - 16 ? 'end' : 'middle';
      svg.append(s('text', { class: 'tick', x: anchor === 'end' ? x + 4 : x, y: top + plotH + 10, 'text-anchor': anchor, text: fmtStep(t) }));
    }
    // Legend: the ramp from the smallest to the largest value, and the colour of an exact 0.
    const lw = 120;
    for (let i = 0; i < 24; i++) {
      svg.append(s('rect', { x: (x0 + (i * lw) / 24).toFixed(2), y: legendY, width: (lw / 24 + 0.4).toFixed(2), height: 8, fill: rampColor(i / 23) }));
    }
    svg.append(
      s('text', { class: 'tick', x: x0 - 4, y: legendY + 7.5, 'text-anchor': 'end', text: scale.min === null ? '—' : formatNumber(scale.min, 2) }),
      s('text', { class: 'tick', x: x0 + lw + 4, y: legendY + 7.5, text: scale.max === null ? '—' : formatNumber(scale.max, 2) }),
      s('rect', { class: 'zero', x: x0 + lw + 52, y: legendY, width: 10, height: 8, fill: rampColor(null) }),
      s('text', { class: 'tick', x: x0 + lw + 65, y: legendY + 7.5, text: tr('chart.heat.zero') }),
      s('text', { class: 'tick', x: x0, y: legendY + 19, text: tr('chart.heat.scale') }),
    );
    svg.append(cursor);
    geom = { xs, top, bottom: top + plotH };
    svg.dataset.layers = String(layers);
    svg.dataset.columns = String(cols.length);
    svg.dataset.min = scale.min === null ? '' : String(scale.min);
    svg.dataset.max = scale.max === null ? '' : String(scale.max);
  }

  function setCursor(step) {
    if (!geom || step === null || step === undefined) {
      cursor.setAttribute('visibility', 'hidden');
      return;
    }
    const x = geom.xs(step).toFixed(1);
    for (const [k, v] of [['x1', x], ['x2', x], ['y1', geom.top - 2], ['y2', geom.bottom + 1]]) cursor.setAttribute(k, String(v));
    cursor.removeAttribute('visibility');
  }

  function clear(message) {
    geom = null;
    svg.replaceChildren(s('text', { class: 'tick', x: 4, y: 14, text: message }));
    svg.setAttribute('viewBox', `0 0 ${width} 22`);
    svg.dataset.columns = '0';
  }

  /** The page's language changed (the next update() writes the texts in it). */
  function relocalize() {
    svg.setAttribute('aria-label', tr('chart.heat.label'));
  }

  return { svg, update, setCursor, clear, relocalize };
}

/** The y ticks of a function plot: 1, and the top integer when the range reaches 2 or more. */
function yTicks([, y1]) {
  const top = Math.floor(y1);
  return top >= 2 ? [1, top] : [1];
}

/**
 * A small plot of an activation f (solid) and its derivative f′ (dashed) over [x0, x1], with markers
 * at given inputs: [{shownX, f, df, clipped, label, x}].
 */
export function functionPlot({ f, df, xRange, yRange, curveF, curveDf, marks, width = 168, height = 112, title }) {
  const m = { l: 8, r: 8, t: 8, b: 16 };
  const xs = linearScale(xRange, [m.l, width - m.r]);
  const ys = linearScale(yRange, [height - m.b, m.t]);
  const clampY = (y) => Math.min(yRange[1], Math.max(yRange[0], y));
  const svg = s('svg', { class: 'fplot', viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': tr('chart.fplot', { title }) });
  svg.append(
    s('line', { class: 'axis', x1: xs(xRange[0]), x2: xs(xRange[1]), y1: ys(0), y2: ys(0) }),
    s('line', { class: 'axis', x1: xs(0), x2: xs(0), y1: ys(yRange[0]), y2: ys(yRange[1]) }),
    s('text', { class: 'tick', x: xs(xRange[0]), y: height - 3, text: String(xRange[0]) }),
    s('text', { class: 'tick', x: xs(xRange[1]), y: height - 3, 'text-anchor': 'end', text: String(xRange[1]) }),
    ...yTicks(yRange).flatMap((t) => [
      // At the left edge, above its line: the curves are near 0 there (at x = −5), never at a tick.
      s('text', { class: 'tick y-tick', x: m.l + 1, y: ys(t) - 2, text: String(t) }),
      s('line', { class: 'gridline', x1: xs(xRange[0]), x2: xs(xRange[1]), y1: ys(t), y2: ys(t) }),
    ]),
    s('path', { class: 'f', d: linePath(curveF.map(([x, y]) => [xs(x), ys(clampY(y))])) }),
    s('path', { class: 'df', d: linePath(curveDf.map(([x, y]) => [xs(x), ys(clampY(y))])) }),
  );
  const g = s('g', { class: 'marks' });
  for (const mk of marks) {
    const cx = xs(mk.shownX).toFixed(1);
    const tip = tr('chart.fplot.tip', { label: mk.label, x: formatNumber(mk.x, 4), f: formatNumber(mk.f ?? f(mk.x), 4), df: formatNumber(mk.df ?? df(mk.x), 4) }) + (mk.clipped ? tr('chart.fplot.off') : '');
    const a = s('circle', { class: mk.clipped ? 'mark-f clipped' : 'mark-f', cx, cy: ys(clampY(f(mk.shownX))).toFixed(1), r: 3.2 });
    const b = s('circle', { class: mk.clipped ? 'mark-df clipped' : 'mark-df', cx, cy: ys(clampY(df(mk.shownX))).toFixed(1), r: 2.6 });
    a.append(s('title', { text: tip }));
    b.append(s('title', { text: tip }));
    g.append(a, b);
  }
  svg.append(g);
  svg.dataset.marks = String(marks.length);
  return svg;
}
