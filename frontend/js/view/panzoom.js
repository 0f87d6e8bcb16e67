// Pan (drag the background) and zoom (wheel, buttons) for an SVG whose content sits in one <g>.

/** Below this zoom the drawing is "far" (.far: no values, gradients, edge labels). */
export const FAR_K = 0.55;
/** Below this zoom it is "very far" (.very-far: no node titles either). */
export const VERY_FAR_K = 0.3;

/**
 * @param {SVGSVGElement} svg
 * @param {SVGGElement} viewport the group that receives the transform
 * @param {{onChange?: (t: {x, y, k}) => void, onResize?: () => void}} [opts]
 */
export function createPanZoom(svg, viewport, opts = {}) {
  const t = { x: 0, y: 0, k: 1 };
  const minK = 0.02;
  const maxK = 4;
  let drag = null;
  // The SVG's size as last laid out: reading it from a ResizeObserver, rather than from
  // getBoundingClientRect, lets fit() run right after a render without forcing the browser to lay
  // out the whole new drawing first (and again once fit() has hidden its details).
  let size = null;
  if (typeof ResizeObserver === 'function') {
    new ResizeObserver((entries) => {
      const r = entries.at(-1)?.contentRect;
      size = r && r.width > 0 && r.height > 0 ? { width: r.width, height: r.height } : null;
      opts.onResize?.();
    }).observe(svg);
  }

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

  svg.addEventListener(
    'wheel',
    (ev) => {
      ev.preventDefault();
      const r = svg.getBoundingClientRect();
      const factor = Math.exp(-ev.deltaY * (ev.deltaMode === 1 ? 0.05 : 0.0015));
      zoomAt(factor, ev.clientX - r.left, ev.clientY - r.top);
    },
    { passive: false },
  );
  svg.addEventListener('pointerdown', (ev) => {
    if (ev.button !== 0 || ev.target.closest('.node, .group-toggle')) return;
    drag = { x: ev.clientX, y: ev.clientY, tx: t.x, ty: t.y, moved: false };
    svg.setPointerCapture(ev.pointerId);
    svg.classList.add('panning');
  });
  svg.addEventListener('pointermove', (ev) => {
    if (!drag) return;
    t.x = drag.tx + ev.clientX - drag.x;
    t.y = drag.ty + ev.clientY - drag.y;
    drag.moved = true;
    apply();
  });
  const end = () => {
    drag = null;
    svg.classList.remove('panning');
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
    /** Fit a box (content coordinates) into the view with a margin; never zoom in beyond 1.5. */
    fit(box) {
      const r = size ?? svg.getBoundingClientRect();
      const w = r.width || 800;
      const hh = r.height || 600;
      if (!box || !(box.width > 0) || !(box.height > 0)) return;
      const k = Math.min(1.5, Math.max(minK, Math.min((w - 40) / box.width, (hh - 40) / box.height)));
      t.k = k;
      t.x = (w - box.width * k) / 2 - (box.x ?? 0) * k;
      t.y = (hh - box.height * k) / 2 - (box.y ?? 0) * k;
      apply();
    },
    zoomBy(factor) {
      const r = svg.getBoundingClientRect();
      zoomAt(factor, (r.width || 800) / 2, (r.height || 600) / 2);
    },
    /** Pan so that a content point is visible (used to follow the animation pulse). */
    ensureVisible(x, y, margin = 60) {
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

