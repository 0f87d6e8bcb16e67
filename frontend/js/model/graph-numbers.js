// A numbers-only graph answer (`numbers_only: true`: the program's structure is the one the page sent,
// only values, gradients and local derivatives changed) put into the full graph the page holds. Pure.
// The answer's columns are the fields it carries (the server's contract, types/api.d.ts GraphNumbers).

/** Whether `answer` (a graph answer) holds only numbers, for a graph whose structure the page has. */
export const isNumbersOnly = (answer) => answer?.numbers_only === true;

/**
 * The full graph `held` with the numbers of `numbers` (a numbers-only answer of the same structure):
 * a new graph object, new node and edge objects; `held` is not changed. Null when the answer does not
 * fit `held` (another structure or view, other lengths): the caller asks for the whole graph then.
 */
export function withNumbers(held, numbers) {
  if (!held || !numbers || held.structure !== numbers.structure || held.view !== numbers.view) return null;
  const nodes = patched(held.nodes, numbers.nodes);
  const edges = patched(held.edges, numbers.edges);
  return nodes && edges ? { ...held, nodes, edges } : null;
}

/** Copies of `items`, each with entry i of every column of `columns`; null unless each has their length. */
function patched(items, columns) {
  if (!columns || typeof columns !== 'object') return null;
  const cols = Object.entries(columns);
  if (cols.some(([, col]) => !Array.isArray(col) || col.length !== items.length)) return null;
  return items.map((item, i) => {
    const out = { ...item };
    for (const [key, col] of cols) out[key] = col[i];
    return out;
  });
}
