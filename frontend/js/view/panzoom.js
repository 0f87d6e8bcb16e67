// Pan (drag the background) and zoom (wheel, buttons) for an SVG whose content sits in one <g>.

/** Below this zoom the drawing is "far" (.far: no values, gradients, edge labels: under ~5 px). */
export const FAR_K = 0.4;
/** Below this zoom it is "very far" (.very-far: no node titles either). */
export const VERY_FAR_K = 0.25;
/** Below this zoom no text can be read (titles under ~6 px): render.js draws a canvas picture instead. */
export const OVERVIEW_K = 0.45;

const ZOOM_REST_MS = 140; // a wheel still this long has stopped: the drawing is zoomed for real

/**
 * @param {SVGSVGElement} svg
 * @param {SVGGElement} viewport the group that receives the transform
 * @param {{onChange?: (t: {x, y, k}) => void, onResize?: () => void,
 *   deferZoom?: (from: number, to: number) => boolean, panSlack?: () => ({x: number, y: number} | null)}} [opts]
 *   deferZoom: true when a wheel step from zoom `from` to `to` should only scale the picture until the
 *   wheel rests (a big SVG drawing); panSlack: how far (px) a drag may only move the picture before the
 *   drawing follows (the margin drawn around the view), or null to pan the drawing itself
 */
export function createPanZoom(svg, viewport, opts = {}) {
  const t = { x: 0, y: 0, k: 1 };
  // The smallest zoom follows the graph: Fit can always show all of it.
  let minK = 0.02;
  const maxK = 4;
  let drag = null;
  // The SVG's size as last laid out: reading it from a ResizeObserver, rather than from
  // getBoundingClientRect, lets fit() run right after a render without forcing the browser to lay
  // out the whole new drawing first (and again once fit() has hidden its details).
  let size = null;
  let observed = false; // the observer has reported once: `size` null then means no box at all
  if (typeof ResizeObserver === 'function') {
    new ResizeObserver((entries) => {
      const r = entries.at(-1)?.contentRect;
      observed = true;
      size = r && r.width > 0 && r.height > 0 ? { width: r.width, height: r.height } : null;
      opts.onResize?.();
    }).observe(svg);
  }

  // The SVG is its own compositor layer (will-change), and what is drawn beyond its box (the margin
  // around the view) paints too, clipped by the pane: a CSS transform of the layer then moves or scales
  // the picture without repainting a single element.
  svg.style.willChange = 'transform';
  svg.style.overflow = 'visible';

  const apply = () => {
    viewport.setAttribute('transform', `translate(${t.x.toFixed(2)},${t.y.toFixed(2)}) scale(${t.k.toFixed(4)})`);
    svg.classList.toggle('far', t.k < FAR_K);
    svg.classList.toggle('very-far', t.k < VERY_FAR_K);
    opts.onChange?.({ ...t });
  };

  const zoomAt = (factor, cx, cy) => {
    const k = Math.min(maxK, Math.max(minK, t.k * factor));
    const f = k / t.k;
    t.x = cx - (cx - t.x) * f;
    t.y = cy - (cy - t.y) * f;
    t.k = k;
    apply();
  };

  // A wheel zoom or a drag over a big drawing: every step would repaint and re-rasterise all of it.
  // While the wheel turns, the SVG's picture is only scaled, and while a drag stays within the margin
  // drawn around the view it is only moved (a CSS transform, which the compositor does); the drawing
  // follows for real once the gesture rests or the drag leaves the margin.
  let shown = null; // the transform the drawing has while a CSS zoom or pan is pending
  let settleTimer = null;
  const settle = () => {
    clearTimeout(settleTimer);
    if (!shown) return;
    shown = null;
    svg.style.transform = '';
    apply();
  };
  /**
   * Show the picture of the drawing (made at `shown`) at the transform t; after `restMs` without a new
   * step, the drawing follows (a zoom's picture is blurred). A pan's picture is exact: it waits for the
   * pointer's release (or the margin's end), so that a slow frame never lets it fall behind.
   */
  const preview = (restMs) => {
    const sc = t.k / shown.k;
    svg.style.transformOrigin = '0 0';
    svg.style.transform = `matrix(${sc},0,0,${sc},${t.x - sc * shown.x},${t.y - sc * shown.y})`;
    clearTimeout(settleTimer);
    if (restMs) settleTimer = setTimeout(settle, restMs);
  };
  svg.addEventListener(
    'wheel',
    (ev) => {
      ev.preventDefault();
      const r = svg.getBoundingClientRect();
      const factor = Math.exp(-ev.deltaY * (ev.deltaMode === 1 ? 0.05 : 0.0015));
      const cx = ev.clientX - r.left;
      const cy = ev.clientY - r.top;
      if (!opts.deferZoom?.(t.k, t.k * factor)) {
        settle();
        zoomAt(factor, cx, cy);
        return;
      }
      shown ??= { ...t };
      const k = Math.min(maxK, Math.max(minK, t.k * factor));
      const f = k / t.k;
      t.x = cx - (cx - t.x) * f;
      t.y = cy - (cy - t.y) * f;
      t.k = k;
      preview(ZOOM_REST_MS);
    },
    { passive: false },
  );
  // Pointers (Pointer Events: mouse, pen and touch alike): one pointer down on the background pans;
  // two pointers pinch, zooming about their midpoint while it pans with them. A touch on a node pans
  // too, once it has moved (a tap stays a click).
  const pointers = new Map(); // pointerId -> {x, y} (client coordinates)
  let pinch = null;
  const rel = (x, y) => {
    const r = svg.getBoundingClientRect();
    return [x - r.left, y - r.top];
  };
  const startPinch = () => {
    const [a, b] = [...pointers.values()];
    pinch = { d: Math.hypot(a.x - b.x, a.y - b.y) || 1, mx: (a.x + b.x) / 2, my: (a.y + b.y) / 2 };
    drag = null;
  };
  svg.addEventListener('pointerdown', (ev) => {
    settle();
    if (ev.button !== 0 && ev.pointerType === 'mouse') return;
    // @ts-expect-error -- a pointerdown on the SVG has an Element as its target (EventTarget in the DOM's types)
    const onNode = ev.target.closest('.node, .group-toggle');
    if (onNode && ev.pointerType === 'mouse') return;
    pointers.set(ev.pointerId, { x: ev.clientX, y: ev.clientY });
    if (pointers.size === 2) startPinch();
    else if (pointers.size === 1) drag = { x: ev.clientX, y: ev.clientY, tx: t.x, ty: t.y, moved: false, onNode: !!onNode, id: ev.pointerId };
    // The pointer is captured once it moves (a drag): a press that does not move stays a click on
    // what it pressed (a group's box, a node).
  });
  svg.addEventListener('pointermove', (ev) => {
    if (!pointers.has(ev.pointerId)) return;
    pointers.set(ev.pointerId, { x: ev.clientX, y: ev.clientY });
    if (pinch && pointers.size >= 2) {
      const [a, b] = [...pointers.values()];
      const d = Math.hypot(a.x - b.x, a.y - b.y) || 1;
      const mx = (a.x + b.x) / 2;
      const my = (a.y + b.y) / 2;
      t.x += mx - pinch.mx;
      t.y += my - pinch.my;
      const [cx, cy] = rel(mx, my);
      pinch = { d, mx, my, last: pinch };
      zoomAt(d / pinch.last.d, cx, cy);
      return;
    }
    if (!drag || drag.id !== ev.pointerId) return;
    const dx = ev.clientX - drag.x;
    const dy = ev.clientY - drag.y;
    if (!drag.moved && Math.hypot(dx, dy) < (drag.onNode ? 8 : 2)) return;
    if (!drag.moved) {
      drag.moved = true;
      svg.setPointerCapture?.(ev.pointerId);
      svg.classList.add('panning');
    }
    const slack = opts.panSlack?.();
    if (!slack) {
      t.x = drag.tx + dx;
      t.y = drag.ty + dy;
      apply();
      return;
    }
    shown ??= { ...t };
    t.x = drag.tx + dx;
    t.y = drag.ty + dy;
    if (shown.k === t.k && Math.abs(t.x - shown.x) <= slack.x && Math.abs(t.y - shown.y) <= slack.y) preview(0);
    else settle(); // past the drawn margin: the drawing follows (and draws the next margin)
  });
  const end = (ev) => {
    pointers.delete(ev.pointerId);
    settle();
    if (drag?.moved && drag.id === ev.pointerId) {
      // A drag is not a click on what it started on (the click, if any, comes in this same task).
      const swallow = (e) => e.stopPropagation();
      svg.addEventListener('click', swallow, true);
      setTimeout(() => svg.removeEventListener('click', swallow, true), 0);
    }
    if (pointers.size < 2) pinch = null;
    if (pointers.size === 1) {
      const [[id, p]] = [...pointers.entries()];
      drag = { x: p.x, y: p.y, tx: t.x, ty: t.y, moved: true, onNode: false, id };
    } else drag = null;
    if (!pointers.size) svg.classList.remove('panning');
  };
  svg.addEventListener('pointerup', end);
  svg.addEventListener('pointercancel', end);

  return {
    get transform() {
      return { ...t };
    },
    /** The SVG's size in pixels (as last laid out; 800 x 600 while it has none). */
    size() {
      const r = size ?? svg.getBoundingClientRect();
      return { width: r.width || 800, height: r.height || 600 };
    },
    /** The SVG's size in pixels as last laid out, or null while it has no box (a hidden pane). */
    measured() {
      if (observed) return size;
      const r = svg.getBoundingClientRect();
      return r.width > 0 && r.height > 0 ? { width: r.width, height: r.height } : null;
    },
    /** Fit a box (content coordinates) into the view with a margin; never zoom in beyond 1.5. */
    fit(box) {
      settle();
      const r = size ?? svg.getBoundingClientRect();
      const w = r.width || 800;
      const hh = r.height || 600;
      if (!box || !(box.width > 0) || !(box.height > 0)) return;
      const want = Math.min((w - 24) / box.width, (hh - 24) / box.height);
      minK = Math.min(0.02, want / 2);
      const k = Math.min(1.5, want);
      t.k = k;
      t.x = (w - box.width * k) / 2 - (box.x ?? 0) * k;
      t.y = (hh - box.height * k) / 2 - (box.y ?? 0) * k;
      apply();
    },
    /** Centre the view on a content point, at zoom k (the current zoom when omitted). */
    centerOn(x, y, k = t.k) {
      settle();
      const r = size ?? svg.getBoundingClientRect();
      t.k = Math.min(maxK, Math.max(minK, k));
      t.x = (r.width || 800) / 2 - x * t.k;
      t.y = (r.height || 600) / 2 - y * t.k;
      apply();
    },
    zoomBy(factor) {
      settle();
      const r = svg.getBoundingClientRect();
      zoomAt(factor, (r.width || 800) / 2, (r.height || 600) / 2);
    },
    /** Pan so that a content point is visible (used to follow the animation pulse). */
    ensureVisible(x, y, margin = 60) {
      settle();
      const r = size ?? svg.getBoundingClientRect();
      const sx = x * t.k + t.x;
      const sy = y * t.k + t.y;
      let dx = 0;
      let dy = 0;
      if (sx < margin) dx = margin - sx;
      else if (sx > r.width - margin) dx = r.width - margin - sx;
      if (sy < margin) dy = margin - sy;
      else if (sy > r.height - margin) dy = r.height - margin - sy;
      if (dx || dy) {
        t.x += dx;
        t.y += dy;
        apply();
      }
    },
  };
}

