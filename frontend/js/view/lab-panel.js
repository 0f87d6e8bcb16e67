// The Lab panel: runs POST /api/lab on the page's program, lists the six sweeps side by side and
// draws the chosen one's numbers on the graph (wrong nodes marked, wrong ≠ right).
import { h, setText } from './dom.js';
import { t } from '../i18n.js';
import { formatValue, groupThousands, shapeOf } from '../model/format.js';
import { VARIANTS, hasArrays, labRequest, labRows, nodeLines } from '../model/lab.js';

/**
 * @param {HTMLElement} root the panel's container
 * @param {{app: import('../app.js').App, call: Function, active: () => boolean}} deps active: the Lab tab is shown
 */
export function createLabPanel(root, { app, call, active }) {
  let result = null; // the last answer, for `ranFor`
  let ranFor = null; // the program and values it was run for
  let chosen = 'assign-not-accumulate';
  let runs = 0; // how many times the lab ran on the program now loaded (the lesson asks)

  const runBtn = h('button', { type: 'button', class: 'btn primary', id: 'lab-run', text: t('teach.lab.run'), 'data-i18n': 'teach.lab.run' });
  const status = h('p', { class: 'muted small', id: 'lab-status', role: 'status' });
  const table = h('table', { class: 'lab-table', id: 'lab-table' });
  const explain = h('p', { class: 'lab-explain', id: 'lab-explain' });
  const arrays = h('p', { class: 'muted small', id: 'lab-arrays', hidden: true, text: t('teach.lab.arrays'), 'data-i18n': 'teach.lab.arrays' });
  root.append(
    h('section', { class: 'card lab-card' },
      h('h2', { text: t('teach.lab.title'), 'data-i18n': 'teach.lab.title' }),
      h('p', { class: 'muted small', text: t('teach.lab.intro'), 'data-i18n': 'teach.lab.intro' }),
      h('div', { class: 'lab-actions' }, runBtn),
      status,
      table,
      arrays,
      explain,
      h('p', { class: 'muted small', text: t('teach.lab.legend'), 'data-i18n': 'teach.lab.legend' }),
    ),
  );
  runBtn.addEventListener('click', () => run());

  const key = () => JSON.stringify(labRequest(app.state));

  async function run() {
    setText(status, t('teach.lab.running'));
    root.dataset.state = 'running';
    const body = labRequest(app.state);
    const res = await call('POST', '/api/lab', body);
    if (!res.ok) {
      const message = Array.isArray(res.body?.detail) ? res.body.detail.map((d) => d.msg).join('; ') : String(res.body?.detail ?? res.status);
      setText(status, t('teach.lab.error', { message }));
      root.dataset.state = 'error';
      return;
    }
    result = res.body;
    ranFor = JSON.stringify(body);
    runs += 1;
    const rows = labRows(result);
    if (!rows.find((r) => r.variant === chosen)?.wrongNodes) chosen = rows.find((r) => r.wrongNodes)?.variant ?? chosen;
    setText(status, '');
    root.dataset.state = 'done';
    show();
  }

  function show() {
    const rows = labRows(result);
    const leaves = rows[0]?.grads ?? [];
    // An array leaf's column names its shape; its cells show the first entries and how many are wrong.
    const head = h('tr', {}, h('th', { text: t('teach.lab.variant'), 'data-i18n': 'teach.lab.variant' }), ...leaves.map((g) => h('th', { class: 'mono', text: Array.isArray(g.correct) ? `∂/∂${g.leaf} (${shapeOf(g.correct).join('×')})` : `∂/∂${g.leaf}` })), h('th', { text: t('teach.lab.visits'), 'data-i18n': 'teach.lab.visits' }));
    arrays.hidden = !hasArrays(result);
    const body = rows.map((r) =>
      h('tr', {
        class: `lab-row${r.variant === chosen ? ' chosen' : ''}${r.wrongNodes ? ' wrong' : ''}`,
        dataset: { variant: r.variant },
        tabindex: '0',
        onclick: () => choose(r.variant),
        onkeydown: (ev) => ev.key === 'Enter' && choose(r.variant),
      },
      h('td', {}, h('span', { class: 'lab-name', text: t(`teach.lab.variant.${r.variant}`) }), h('span', { class: 'lab-verdict small', text: r.ran ? (r.wrongNodes ? ` ✗ ${t('teach.lab.wrongCount', { count: r.wrongNodes })}` : ` ✓ ${t('teach.lab.allRight')}`) : ` · ${t('teach.lab.notRun')}` })),
      ...r.grads.map((g) => h('td', { class: `mono${g.wrong ? ' bad' : ''}`, dataset: { leaf: g.leaf } },
        r.ran ? formatValue(g.value, 4) : '—',
        ...(r.ran && g.wrong && Array.isArray(g.correct) ? [h('span', { class: 'lab-entries small', text: ` ${t('teach.lab.entriesWrong', { wrong: g.wrongEntries, size: g.size })}` })] : []))),
      h('td', { class: 'mono', text: groupThousands(r.visits) }),
      ));
    table.replaceChildren(h('thead', {}, head), h('tbody', {}, ...body));
    const row = rows.find((r) => r.variant === chosen);
    setText(explain, t(`teach.lab.explain.${chosen}`, { visits: groupThousands(row?.visits ?? '0') }));
    draw();
  }

  function choose(variant) {
    if (!VARIANTS.includes(variant)) return;
    chosen = variant;
    show();
  }

  /** The chosen variant's numbers on the graph, when the lab is shown and its answer is current. */
  function draw() {
    const current = result && ranFor === key() && active();
    const lines = current ? nodeLines(result, chosen) : new Map();
    const wrong = [];
    for (const [id, line] of lines) {
      const text = line.wrong ? `${formatValue(line.value, 4)} ≠ ${formatValue(line.correct, 4)}` : formatValue(line.value, 4);
      app.setNodeLine(id, 'grad', text);
      if (line.wrong) wrong.push(id);
    }
    app.markTeach('lab-wrong', wrong);
    if (result && ranFor !== key()) setText(status, t('teach.lab.stale'));
  }

  return {
    run,
    choose,
    /** After every graph drawn: the drawing's lines were reset, so draw ours again. */
    graphChanged: draw,
    programChanged() {
      runs = 0;
      app.markTeach('lab-wrong');
    },
    hidden() {
      app.markTeach('lab-wrong');
    },
    get runs() {
      return runs;
    },
  };
}
