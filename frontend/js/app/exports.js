// The export and share actions of one app: the drawing as SVG / PNG / DOT, the graph JSON, and the
// whole view as one offline HTML file (with the paths of every input); the toast that reports them.
import { gradLeaves } from '../model/graph-model.js';
import { pathsRequest } from '../model/state.js';
import { toDot } from '../model/dot.js';
import { fileBaseName } from '../model/format.js';
import { exportSvg, exportPng, exportJson, exportDot, exportHtml } from '../view/export.js';
import { t as tr, getLocale } from '../i18n.js';

/**
 * @param {import('./context.js').AppContext} ctx
 */
export function createExports(ctx) {
  const { api, opts, state, cur, graphView, flash } = ctx;

  function exportData() {
    return {
      state: { ...state, lang: getLocale() },
      graph: cur.graphJson,
      pathsByInput: cur.pathsRaw ? { [state.input]: cur.pathsRaw } : {},
      ops: cur.ops,
    };
  }

  async function exportAll(kind) {
    if (!cur.graphJson) return;
    // Named after the preset (and its seed) or the output: "pathgrad-xor-seed3.svg", "pathgrad-e.dot".
    const outName = cur.g.byId.get(cur.g.output)?.name ?? null;
    const name = fileBaseName('pathgrad', opts.exportName?.() ?? outName);
    try {
      if (kind === 'svg') await exportSvg(graphView.fullCopy(), cur.layout, name);
      else if (kind === 'png') await exportPng(graphView.fullCopy(), cur.layout, name);
      else if (kind === 'json') exportJson(cur.graphJson, name);
      else if (kind === 'dot') exportDot(toDot({ ...cur.view, groups: cur.view.groups }, { name, titles: cur.titles }), name);
      else if (kind === 'html') {
        const data = exportData();
        // Paths for every input, so that a reader of the file can pick any leaf.
        for (const n of gradLeaves(cur.g).slice(0, 24)) {
          const nm = n.name ?? n.id;
          if (data.pathsByInput[nm]) continue;
          const res = await api.paths(pathsRequest({ ...state, input: nm }));
          if (res.ok) data.pathsByInput[nm] = res.body;
        }
        await exportHtml(data, name);
      }
      flash(tr('export.done', { kind: kind.toUpperCase() }));
    } catch (e) {
      flash(tr('export.failed', { message: e?.message ?? e }), true);
    }
  }

  return { exportAll };
}
