// <pathgrad-graph>: a graph for a static page (a blog, a course site), drawn from baked-in data with
// no server, as the offline HTML export does (api.js createOfflineApi). The data is the export's:
// {state, graph, pathsByInput, ops} (python -m pathgrad.notebook snippet writes it), inside the
// element as <script type="application/json">, or at the URL of its src attribute.
import { createOfflineApi } from './api.js';
import { mountGraph } from './embed.js';
import { t } from './i18n.js';

/** The element's data: its inline JSON, else its src. null when there is none or it is not JSON. */
export async function readGraphData(el) {
  const inline = el.querySelector('script[type="application/json"]');
  try {
    if (inline) return JSON.parse(inline.textContent);
    const src = el.getAttribute('src');
    if (!src) return null;
    const res = await fetch(new URL(src, document.baseURI));
    return res.ok ? await res.json() : null;
  } catch {
    return null;
  }
}

/** Define <pathgrad-graph> (once) with the page's stylesheets' text. */
export function define(css, name = 'pathgrad-graph') {
  if (customElements.get(name)) return customElements.get(name);
  class PathgradGraph extends HTMLElement {
    async connectedCallback() {
      if (this.mounted) return;
      this.mounted = true;
      const data = await readGraphData(this);
      if (!data?.state || !data.graph) {
        const root = this.shadowRoot ?? this.attachShadow({ mode: 'open' });
        const note = document.createElement('p');
        note.textContent = t('embed.noData');
        note.style.cssText = 'font: 13px system-ui, sans-serif; color: #b91c1c';
        root.replaceChildren(note);
        this.dataset.state = 'no-data';
        return;
      }
      const height = Number.parseInt(this.getAttribute('height') ?? '', 10);
      this.view = mountGraph(this, {
        api: createOfflineApi(data),
        state: data.state,
        css,
        locked: true,
        program: data.program !== false && this.getAttribute('program') !== 'hidden',
        height: Number.isFinite(height) && height > 200 ? height : undefined,
      });
      this.dataset.state = 'drawn';
    }
  }
  customElements.define(name, PathgradGraph);
  return PathgradGraph;
}

