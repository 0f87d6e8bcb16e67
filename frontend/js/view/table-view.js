// The table view: the drawn graph as tables (model/table.js) over the graph pane, an alternative to
// the drawing for screen readers and for notes, with Copy as Markdown / CSV.
import { h } from './dom.js';
import { graphTables, toMarkdown, toCsv } from '../model/table.js';
import { t } from '../i18n.js';

/**
 * @param {HTMLElement} root the view's container (#graph-table, hidden while off)
 * @param {{toggle: HTMLButtonElement, data: () => ({vg, titles, pj, byId, symbols}) | null,
 *   flash: (text: string, bad?: boolean) => void}} deps
 */
export function createTableView(root, { toggle, data, flash }) {
  let tables = [];

  async function copy(format) {
    const text = format === 'Markdown' ? toMarkdown(tables) : toCsv(tables);
    try {
      await navigator.clipboard.writeText(text);
      flash(t('table.copied', { format }));
    } catch {
      flash(t('table.copyFailed'), true);
    }
  }

  function render() {
    const d = data();
    if (!d) {
      root.replaceChildren();
      return;
    }
    tables = graphTables(d.vg, d.titles, d.pj, d.byId, d.symbols);
    const bar = h(
      'div',
      { class: 'table-bar' },
      h('button', { type: 'button', class: 'btn small', id: 'copy-md', text: t('table.copyMd'), onclick: () => copy('Markdown') }),
      h('button', { type: 'button', class: 'btn small', id: 'copy-csv', text: t('table.copyCsv'), onclick: () => copy('CSV') }),
    );
    root.replaceChildren(
      bar,
      ...tables.map((tb) =>
        h(
          'table',
          { class: `graph-table-part mono`, dataset: { part: tb.id } },
          h('caption', { text: tb.caption }),
          h('thead', {}, h('tr', {}, ...tb.head.map((x) => h('th', { scope: 'col', text: x })))),
          h('tbody', {}, ...tb.rows.map((r) => h('tr', {}, h('th', { scope: 'row', text: r[0] }), ...r.slice(1).map((c) => h('td', { text: c }))))),
        ),
      ),
    );
  }

  function setShown(on) {
    root.hidden = !on;
    toggle.setAttribute('aria-pressed', String(on));
    if (on) render();
  }

  toggle.addEventListener('click', () => setShown(root.hidden));

  return {
    get shown() {
      return !root.hidden;
    },
    toggle: () => setShown(root.hidden),
    /** New values or paths: the tables follow while they are shown. */
    refresh() {
      if (!root.hidden) render();
    },
    /** What Copy would give now (for tests and the export). */
    markdown: () => toMarkdown(tables),
  };
}
