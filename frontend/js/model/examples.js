// Small example programs for the menu (the seed's experiments come from GET /api/presets). Pure data.

function ladder(k) {
  const lines = ['# a ladder of diamonds: every rung doubles the number of paths', 'x = 0.5'];
  let prev = 'x';
  for (let i = 1; i <= k; i++) {
    lines.push(`h${i} = tanh(${prev}) + sigmoid(${prev})`);
    prev = `h${i}`;
  }
  return lines.join('\n');
}

export const EXAMPLES = [
  // Each is about the paths between operations, so each opens on the operations view.
  { id: 'two-paths', title: 'Two paths: e = (a+b)(b+1)', source: 'a = 2\nb = 1\ne = (a+b)*(b+1)', input: 'b', view: 'operations' },
  { id: 'square', title: 'x·x: two edges between the same nodes', source: 'x = 3\ny = x * x', input: 'x', view: 'operations' },
  { id: 'ladder', title: 'Ladder of 30 diamonds: 1,073,741,824 paths', source: ladder(30), input: 'x', view: 'operations' },
];
