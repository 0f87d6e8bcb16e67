// A numbers-only graph answer (`numbers_only: true`: the program's structure is the one the page sent,
// only values, gradients and local derivatives changed) put into the full graph the page holds. Pure.

const NODE_COLUMNS = ['value', 'value_kind', 'grad', 'grad_kind', 'tangent', 'tangent_kind', 'nonfinite', 'reason', 'grad_nonfinite', 'pre'];
const EDGE_COLUMNS = ['local', 'local_kind', 'local_reason'];

/** Whether `answer` (a graph answer) holds only numbers, for a graph whose structure the page has. */
export const isNumbersOnly = (answer) => answer?.numbers_only === true;

/**
 * The full graph `held` with the numbers of `numbers` (a numbers-only answer of the same structure):
 * a new graph object, new node and edge objects; `held` is not changed. Null when the answer does not
 * fit `held` (another structure or view, other lengths): the caller asks for the whole graph then.
 */
export function withNumbers(held, numbers) {
  if (!held || !numbers || held.structure !== numbers.structure || held.view !== numbers.view) return null;
  const nodeCols = present(NODE_COLUMNS, numbers.nodes, held.nodes.length);
  const edgeCols = present(EDGE_COLUMNS, numbers.edges, held.edges.length);
  if (!nodeCols || !edgeCols) return null;
  const nodes = held.nodes.map((n, i) => {
    const out = { ...n };
    for (const [key, col] of nodeCols) out[key] = col[i];
    return out;
  });
  const edges = held.edges.map((e, i) => {
    const out = { ...e };
    for (const [key, col] of edgeCols) out[key] = col[i];
    return out;
  });
  return { ...held, nodes, edges };
}

/** The columns of `table` among `keys`, each of length `n`; null when one has another length. */
function present(keys, table, n) {
  if (!table || typeof table !== 'object') return null;
  const cols = [];
  for (const key of keys) {
    const col = table[key];
    if (col === undefined) continue;
    if (!Array.isArray(col) || col.length !== n) return null;
    cols.push([key, col]);
  }
  return cols;
}
