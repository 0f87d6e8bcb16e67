// Exports: the drawing as SVG and PNG, the graph as JSON and DOT, and the whole view as one
// self-contained HTML file (styles, scripts and data inlined) that works offline.
import { download } from './dom.js';
import { bundle, importsOf, jsonForScript } from '../model/bundle.js';
import { t } from '../i18n.js';

const CSS_FILES = ['css/app.css', 'css/graph.css', 'css/a11y.css'];

/** Text of one of our stylesheets: fetched, or read from an inlined <style> in an exported file. */
async function cssText(path) {
  const inline = document.querySelector(`style[data-src="${path}"]`);
  if (inline) return inline.textContent;
  const res = await fetch(path);
  if (!res.ok) throw new Error(t('export.cannotRead', { path }));
  return res.text();
}

/** A standalone SVG string of a copy of the drawing (the whole graph), our graph stylesheet embedded. */
export async function svgString(clone, layout) {
  const w = Math.ceil(layout?.width ?? 800);
  const hh = Math.ceil(layout?.height ?? 600);
  clone.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
  clone.setAttribute('viewBox', `0 0 ${w} ${hh}`);
  clone.setAttribute('width', String(w));
  clone.setAttribute('height', String(hh));
  clone.classList.remove('far', 'very-far', 'panning');
  clone.querySelector('.viewport')?.removeAttribute('transform');
  clone.querySelector('.overlay')?.replaceChildren();
  const style = document.createElementNS('http://www.w3.org/2000/svg', 'style');
  style.textContent = await cssText('css/graph.css');
  const bg = document.createElementNS('http://www.w3.org/2000/svg', 'rect');
  for (const [k, v] of Object.entries({ x: 0, y: 0, width: w, height: hh, fill: '#ffffff' })) bg.setAttribute(k, String(v));
  clone.insertBefore(style, clone.firstChild);
  clone.insertBefore(bg, clone.querySelector('.viewport'));
  return `<?xml version="1.0" encoding="UTF-8"?>\n${new XMLSerializer().serializeToString(clone)}`;
}

export async function exportSvg(svg, layout, name = 'pathgrad') {
  download(`${name}.svg`, await svgString(svg, layout), 'image/svg+xml');
}

/** Rasterise the SVG at 2x (capped so that the canvas stays within browser limits). */
export async function exportPng(svg, layout, name = 'pathgrad') {
  const text = await svgString(svg, layout);
  const w = Math.ceil(layout?.width ?? 800);
  const hh = Math.ceil(layout?.height ?? 600);
  const scale = Math.min(2, 16000 / Math.max(w, hh), Math.sqrt(100e6 / (w * hh)));
  const url = URL.createObjectURL(new Blob([text], { type: 'image/svg+xml' }));
  try {
    const img = new Image();
    await new Promise((resolve, reject) => {
      img.onload = resolve;
      img.onerror = () => reject(new Error(t('export.noSvg')));
      img.src = url;
    });
    const canvas = document.createElement('canvas');
    canvas.width = Math.max(1, Math.round(w * scale));
    canvas.height = Math.max(1, Math.round(hh * scale));
    const ctx = canvas.getContext('2d');
    ctx.fillStyle = '#ffffff';
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    ctx.drawImage(img, 0, 0, canvas.width, canvas.height);
    const blob = await new Promise((resolve) => canvas.toBlob(resolve, 'image/png'));
    if (!blob) throw new Error(t('export.noPng'));
    download(`${name}.png`, blob);
  } finally {
    URL.revokeObjectURL(url);
  }
}

export function exportJson(graph, name = 'pathgrad') {
  download(`${name}.json`, `${JSON.stringify(graph, null, 2)}\n`, 'application/json');
}

export function exportDot(dot, name = 'pathgrad') {
  download(`${name}.dot`, dot, 'text/vnd.graphviz');
}

/** Fetch js/main.js and every module it imports, transitively. */
async function moduleSources(entry) {
  const sources = new Map();
  const queue = [entry];
  while (queue.length) {
    const path = queue.shift();
    if (sources.has(path)) continue;
    const res = await fetch(path);
    if (!res.ok) throw new Error(t('export.cannotRead', { path }));
    const text = await res.text();
    sources.set(path, text);
    for (const dep of importsOf(path, text)) if (!sources.has(dep)) queue.push(dep);
  }
  return sources;
}

/**
 * The whole view as one HTML file: the page's markup, our stylesheets and our scripts inlined, and
 * the data (state, graph, paths per input, ops). Opens offline and plays the animation.
 */
export async function buildStandaloneHtml(data) {
  const pageUrl = location.href.split('#')[0];
  const [page, sources, ...css] = await Promise.all([
    fetch(pageUrl).then((r) => (r.ok ? r.text() : Promise.reject(new Error(t('export.noPage'))))),
    moduleSources('js/main.js'),
    ...CSS_FILES.map(cssText),
  ]);
  const doc = new DOMParser().parseFromString(page, 'text/html');
  for (const el of doc.querySelectorAll('script[src], link[rel="stylesheet"], link[rel="icon"]')) el.remove();
  // The styles go into the text, not into `doc`: a <style> added to a parsed document is checked
  // against the page's Content-Security-Policy (style-src 'self'), which refuses it with a console error.
  const styles = CSS_FILES.map((path, i) => `<style data-src="${path}">${css[i].replace(/<\/style/gi, '<\\/style')}</style>`);
  const dataEl = doc.createElement('script');
  dataEl.type = 'application/json';
  dataEl.id = 'pathgrad-data';
  dataEl.textContent = jsonForScript(data);
  const code = doc.createElement('script');
  code.type = 'module';
  code.textContent = `${bundle('js/main.js', sources)}\n`;
  doc.body.append(dataEl, code);
  doc.documentElement.dataset.exported = new Date().toISOString();
  const html = doc.documentElement.outerHTML.replace('</head>', () => `${styles.join('\n')}\n</head>`);
  return `<!doctype html>\n${html}\n`;
}

export async function exportHtml(data, name = 'pathgrad') {
  download(`${name}.html`, await buildStandaloneHtml(data), 'text/html');
}
