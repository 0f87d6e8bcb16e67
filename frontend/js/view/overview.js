// The graph seen from far away, on a canvas: below the zoom where a node's text can be read, the
// SVG's nodes and edges (thousands of elements to restyle and repaint on every frame of a pan) give
// way to a picture of boxes and lines. The picture is drawn once per zoom level into a bitmap; a pan
// only moves it, a zoom scales it until the next redraw at the new level.

const REDRAW_AFTER_MS = 120; // after the last zoom step, draw the picture anew at the new zoom
const MAX_BITMAP_PIXELS = 6e6; // a bigger picture costs more to move than drawing what is in view
const SHORT = 16; // device pixels: a shorter edge segment is drawn straight
const STEPS = 32; // the picture's widths and colours, in this many steps of the |gradient| scale

/**
 * @param {HTMLElement} root the graph's container (the canvas goes in it, under nothing that needs a pointer)
 */
export function createOverview(root) {
  const canvas = document.createElement('canvas');
  canvas.className = 'graph-overview';
  canvas.setAttribute('aria-hidden', 'true');
  canvas.hidden = true;
  root.append(canvas);
  const ctx = canvas.getContext('2d');
  let picture = null; // {bitmap, k}: the drawing at zoom k
  let items = null; // {nodes, edges} from render.js
  let redrawTimer = null;
  let last = null;
  // Where a picture not yet made as a bitmap was drawn straight into the view ({t, size}), else null.
  let directAt = null;

  /**
   * Draw the items that meet the box [x0, y0, x1, y1] (layout units) with `c`'s transform at `scale`.
   * Items of one look are drawn as one path: a canvas rasterises a few long paths much faster than
   * thousands of short ones (a 4,000-node chain: 8,000 strokes and fills a picture), and from this
   * far away 32 steps of width and colour look continuous.
   */
  function drawItems(c, scale, style, box) {
    const { nodes, edges } = items;
    const meets = (it) => !box || (it.x1 >= box[0] && it.x0 <= box[2] && it.y1 >= box[1] && it.y0 <= box[3]);
    const px = 1 / scale; // one device pixel in layout units
    // Batches by a number (no string per item): a look is its colour and its width's step.
    const looks = new Map(); // key -> {colour, width, path}
    const look = (key, colour, width) => {
      let b = looks.get(key);
      if (!b) looks.set(key, (b = { colour, width: Math.max(px, width), path: new Path2D() }));
      return b.path;
    };
    for (const it of edges) {
      if (!meets(it)) continue;
      const hot = style.edgeHot(it);
      const step = it.t === null ? -1 : Math.round(it.t * STEPS);
      const path = hot
        ? look(-2, '#ea580c', 3)
        : step < 0 ? look(-1, '#a8b3c4', 1.2) : look(step, '#64748b', 1.2 + (3.3 * step) / STEPS);
      const pts = it.pts;
      path.moveTo(pts[0][0], pts[0][1]);
      for (let i = 1; i < pts.length; i++) {
        const [x0, y0] = pts[i - 1];
        const [x1, y1] = pts[i];
        const dx = (x1 - x0) / 2;
        // A few pixels long, a curve looks like the line (and costs several times more to draw).
        if (Math.abs(dx) + Math.abs(y1 - y0) < SHORT * px) path.lineTo(x1, y1);
        else path.bezierCurveTo(x0 + dx, y0, x1 - dx, y1, x1, y1);
      }
    }
    c.lineCap = 'round';
    // The hot (animated, highlighted) edges last, on top.
    const hotLast = [...looks.keys()].sort((a, b) => Number(a === -2) - Number(b === -2));
    for (const key of hotLast) {
      const { colour, width, path } = looks.get(key);
      c.strokeStyle = colour;
      c.lineWidth = width;
      c.stroke(path);
    }
    const fills = new Map(); // colour -> Path2D
    const outlines = new Map(); // colour -> {width, path} (a colour has one width: a mark's, a leaf's or an operation's)
    for (const it of nodes) {
      if (!meets(it)) continue;
      const { p } = it;
      const colour = style.fill(it, STEPS);
      let fill = fills.get(colour);
      if (!fill) fills.set(colour, (fill = new Path2D()));
      fill.rect(it.x0, it.y0, p.width, p.height);
      const mark = style.nodeMark(it);
      const line = mark ?? (it.focusable ? '#2563eb' : '#94a3b8');
      let outline = outlines.get(line);
      if (!outline) outlines.set(line, (outline = { width: Math.max(px, mark ? 4 : it.focusable ? 2 : 1.2), path: new Path2D() }));
      outline.path.rect(it.x0, it.y0, p.width, p.height);
    }
    for (const [colour, path] of fills) {
      c.fillStyle = colour;
      c.fill(path);
    }
    for (const [colour, { width, path }] of outlines) {
      c.strokeStyle = colour;
      c.lineWidth = width;
      c.stroke(path);
    }
  }

  /**
   * The whole drawing at zoom k, as a bitmap, when that is small enough to keep (then a pan only moves
   * it); null when not (a big graph seen from nearer: each frame draws just what is in view).
   */
  function paintPicture(k, style) {
    const { layout } = items;
    const scale = k * (window.devicePixelRatio || 1);
    if (layout.width * layout.height * scale * scale > MAX_BITMAP_PIXELS) return { bitmap: null, k, scale };
    const bitmap = document.createElement('canvas');
    bitmap.width = Math.max(1, Math.ceil(layout.width * scale));
    bitmap.height = Math.max(1, Math.ceil(layout.height * scale));
    const c = bitmap.getContext('2d');
    c.setTransform(scale, 0, 0, scale, 0, 0);
    drawItems(c, scale, style, null);
    return { bitmap, k, scale };
  }

  function present(t, size) {
    const dpr = window.devicePixelRatio || 1;
    const w = Math.round(size.width * dpr);
    const h = Math.round(size.height * dpr);
    if (canvas.width !== w || canvas.height !== h) {
      canvas.width = w;
      canvas.height = h;
      canvas.style.width = `${size.width}px`;
      canvas.style.height = `${size.height}px`;
    }
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, w, h);
    if (!picture?.bitmap) {
      ctx.setTransform(t.k * dpr, 0, 0, t.k * dpr, t.x * dpr, t.y * dpr);
      drawItems(ctx, t.k * dpr, last.style, [-t.x / t.k, -t.y / t.k, (size.width - t.x) / t.k, (size.height - t.y) / t.k]);
      return;
    }
    const f = (t.k * dpr) / picture.scale;
    ctx.imageSmoothingEnabled = true;
    ctx.drawImage(picture.bitmap, t.x * dpr, t.y * dpr, picture.bitmap.width * f, picture.bitmap.height * f);
  }

  return {
    canvas,
    get shown() {
      return !canvas.hidden;
    },
    /** A new drawing (render.js's items and layout); the next show() paints it. */
    setItems(next) {
      items = next;
      picture = null;
      directAt = null;
    },
    /** The marks or the colours changed: the picture is drawn anew, at transform t in a view of `size`. */
    invalidate(t, size) {
      picture = null;
      directAt = null;
      if (!canvas.hidden && last) this.show(t, size, last.style);
    },
    /** Show the drawing at transform t ({x, y, k}) in a view of `size`. */
    show(t, size, style) {
      if (!items) return;
      last = { t, size, style };
      canvas.hidden = false;
      const scale = t.k * (window.devicePixelRatio || 1);
      const fits = items.layout.width * items.layout.height * scale * scale <= MAX_BITMAP_PIXELS;
      if (picture && !!picture.bitmap !== fits) picture = null;
      if (!picture) {
        // A new picture is first drawn straight into the view (at Fit all of it is in view: a bitmap
        // would cost as much, and then a copy); its bitmap is made once the view moves.
        const same = directAt && directAt.t.x === t.x && directAt.t.y === t.y && directAt.t.k === t.k
          && directAt.size.width === size.width && directAt.size.height === size.height;
        if (fits && same) return; // on the canvas already, and nothing changed since
        if (fits && !directAt) {
          directAt = { t: { ...t }, size: { ...size } };
          present(t, size);
          return;
        }
        picture = fits ? paintPicture(t.k, style) : { bitmap: null, k: t.k, scale };
      }
      directAt = null;
      present(t, size);
      if (picture.bitmap && Math.abs(t.k / picture.k - 1) > 0.02) {
        clearTimeout(redrawTimer);
        redrawTimer = setTimeout(() => {
          if (canvas.hidden || !last) return;
          picture = paintPicture(last.t.k, last.style);
          present(last.t, last.size);
        }, REDRAW_AFTER_MS);
      }
    },
    hide() {
      canvas.hidden = true;
      clearTimeout(redrawTimer);
    },
  };
}
