// What the animation draws over the graph: pulses travelling along edges, each a dot and, with a
// text, a label that follows it ("× 0.25"). Lives in the SVG's overlay group, above everything else.
import { setText } from './dom.js';
import { edgeGeometry } from '../model/geometry.js';

const SVG_NS = 'http://www.w3.org/2000/svg';

function mk(tag, cls, attrs) {
  const el = document.createElementNS(SVG_NS, tag);
  if (cls) el.setAttribute('class', cls);
  for (const k in attrs ?? {}) el.setAttribute(k, String(attrs[k]));
  return el;
}

function setAttr(el, name, value) {
  if (el.getAttribute(name) !== value) el.setAttribute(name, value);
}

/**
 * @param {SVGGElement} layer the overlay group
 * @param {{edge: (id: string) => {pts: number[][], geo?: ReturnType<typeof edgeGeometry> | null} | undefined, follow: (x: number, y: number) => void}} host
 *   edge: the drawing's item of an edge (its layout points; its geometry is cached on it);
 *   follow: keep a content point in view (the first pulse with `follow`)
 */
export function createOverlay(layer, host) {
  let pulses = [];
  return {
    /** Pulses along edges: [{edge, frac, text?, reverse?, follow?}]; an empty list removes them. */
    setPulses(list) {
      const want = list ?? [];
      while (pulses.length > want.length) pulses.pop().g.remove();
      want.forEach((p, i) => {
        let pe = pulses[i];
        if (!pe) {
          const g = mk('g', 'pulse');
          const bg = mk('rect', 'pulse-bg', { x: 10, y: -24, width: 0, height: 20, rx: 6 });
          const text = mk('text', 'pulse-text', { x: 16, y: -9 });
          g.append(mk('circle', null, { r: 7 }), bg, text);
          layer.append(g);
          pe = { g, bg, text };
          pulses.push(pe);
        }
        const it = host.edge(p.edge);
        if (!it) {
          setAttr(pe.g, 'visibility', 'hidden');
          return;
        }
        if (pe.g.hasAttribute('visibility')) pe.g.removeAttribute('visibility');
        it.geo ??= edgeGeometry(it.pts); // the drawing does not change until the next render
        const pt = it.geo.at(p.reverse ? 1 - p.frac : p.frac);
        setAttr(pe.g, 'transform', `translate(${pt.x.toFixed(1)},${pt.y.toFixed(1)})`);
        setText(pe.text, p.text ?? '');
        setAttr(pe.bg, 'width', p.text ? String(p.text.length * 7 + 12) : '0');
        pe.g.classList.toggle('has-text', !!p.text);
        if (i === 0 && p.follow) host.follow(pt.x, pt.y);
      });
    },
    /** A new drawing: the old pulses go. */
    clear() {
      layer.replaceChildren();
      pulses = [];
    },
  };
}
