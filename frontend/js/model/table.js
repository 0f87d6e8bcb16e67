// The graph as tables, for screen readers and for notes: the nodes with their values and gradients,
// the edges with their local derivatives, the listed paths with their products; and the same as
// Markdown or CSV. Pure: no DOM.
import { formatValue, formatNumber } from './format.js';
import { spokenName } from './walk.js';
import { t } from '../i18n.js';

const full = (x, kind = null) => formatValue(x, 6, kind);

/**
 * @param {{nodes, edges, byId}} vg the drawn graph, indexed (graph-model.js indexGraph)
 * @param {Map<string, string>} titles the drawn titles (view-graph.js nodeTitles)
 * @param {{paths: {nodes: string[], factors: (number | null)[], factor_kinds?: string[] | null, product: number | null,
 *   product_kind?: string | null}[], count: string, input: string | null, output: string, listed_sum: number | null,
 *   listed_sum_kind?: string | null, gradient: number | null, gradient_kind?: string | null} | null} pj the listed
 *   paths (POST /api/paths: its PathsResponse has these fields), or null when no input is selected
 * @param {Map<string, object>} [byId] where the paths' node ids are looked up (default: vg.byId)
 * @param {Map<string, string>} [symbols] operation -> its symbol (view-graph.js symbolTable): + for add
 * @returns {{id, caption, head: string[], rows: string[][]}[]} one table per part
 */
export function graphTables(vg, titles, pj, byId = vg.byId, symbols = new Map()) {
  const name = (id) => {
    const n = byId.get(id) ?? vg.byId.get(id);
    return n ? spokenName(n, titles) : String(id);
  };
  const tables = [
    {
      id: 'nodes',
      caption: t('table.nodes', { n: vg.nodes.length }),
      head: [t('table.node'), t('table.op'), t('table.value'), t('table.grad')],
      rows: vg.nodes.map((n) => [
        spokenName(n, titles),
        n.op === 'leaf' ? t(n.kind === 'param' ? 'table.param' : 'table.input') : String(symbols.get(n.op) ?? n.op ?? ''),
        full(n.value, n.value_kind ?? null),
        n.kind === 'const' ? '' : full(n.grad, n.grad_kind ?? null),
      ]),
    },
    {
      id: 'edges',
      caption: t('table.edges', { n: vg.edges.length }),
      head: [t('table.from'), t('table.to'), t('table.local')],
      rows: vg.edges.map((e) => [name(e.source), name(e.target), e.local_needed === false ? '' : full(e.local, e.local_kind ?? null)]),
    },
  ];
  if (pj && Array.isArray(pj.paths)) {
    tables.push({
      id: 'paths',
      caption: t('table.paths', { shown: pj.paths.length, n: String(pj.count), input: name(pj.input), output: name(pj.output) }),
      head: ['#', t('table.path'), t('table.factors'), t('table.product')],
      rows: pj.paths.map((p, i) => [
        String(i + 1),
        p.nodes.map(name).join(' → '),
        p.factors.length ? p.factors.map((f, k) => formatNumber(f, 6, 'NaN', p.factor_kinds?.[k] ?? null)).join(' × ') : '1',
        full(p.product, p.product_kind ?? null),
      ]),
    });
    tables.push({
      id: 'sum',
      caption: t('table.sum'),
      head: [t('table.what'), t('table.value')],
      rows: [
        [t('table.listedSum'), full(pj.listed_sum, pj.listed_sum_kind ?? null)],
        [t('table.gradient'), full(pj.gradient, pj.gradient_kind ?? null)],
      ],
    });
  }
  return tables;
}

const mdCell = (s) => String(s).replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** The tables as Markdown: a heading line and a pipe table each. */
export function toMarkdown(tables) {
  return tables
    .map((tb) => [`**${tb.caption}**`, '', `| ${tb.head.map(mdCell).join(' | ')} |`, `|${tb.head.map(() => ' --- |').join('')}`, ...tb.rows.map((r) => `| ${r.map(mdCell).join(' | ')} |`)].join('\n'))
    .join('\n\n') + '\n';
}

const csvCell = (s) => (/[",\n]/.test(String(s)) ? `"${String(s).replace(/"/g, '""')}"` : String(s));

/** The tables as CSV (RFC 4180): each table's caption on a line of its own, then its header and rows. */
export function toCsv(tables) {
  return tables.map((tb) => [csvCell(tb.caption), tb.head.map(csvCell).join(','), ...tb.rows.map((r) => r.map(csvCell).join(','))].join('\r\n')).join('\r\n\r\n') + '\r\n';
}
