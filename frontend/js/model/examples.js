// Example programs for the menu. Pure data.

function ladder(k) {
  const lines = ['# a ladder of diamonds: every rung doubles the number of paths', 'x = 0.5'];
  let prev = 'x';
  for (let i = 1; i <= k; i++) {
    lines.push(`h${i} = tanh(${prev}) + sigmoid(${prev})`);
    prev = `h${i}`;
  }
  return lines.join('\n');
}

function chain(act, weights, target) {
  const lines = [`# a chain of one-unit ${act} layers, loss (y - ${target})^2`, 'x = 1'];
  weights.forEach((w, i) => lines.push(`w${i + 1} = ${w}`));
  let prev = 'x';
  weights.forEach((_, i) => {
    lines.push(`h${i + 1} = ${act}(w${i + 1} * ${prev})`);
    prev = `h${i + 1}`;
  });
  lines.push(`C = (${prev} - ${target}) ** 2`);
  return lines.join('\n');
}

export const EXAMPLES = [
  { id: 'two-paths', title: 'Two paths: e = (a+b)(b+1)', source: 'a = 2\nb = 1\ne = (a+b)*(b+1)', input: 'b' },
  { id: 'square', title: 'x·x: two edges between the same nodes', source: 'x = 3\ny = x * x', input: 'x' },
  { id: 'neuron', title: 'One neuron: y = σ(w·x + b)', source: 'x = 1\nw = 0\nb = 0\ny = sigmoid(w*x + b)', input: 'w' },
  {
    id: 'neuron-loss',
    title: 'One neuron with a loss',
    source: 'x = 1\nw = 0\nb = 0\nY = 1\ny = sigmoid(w*x + b)\nC = (y - Y) ** 2',
    input: 'w',
  },
  { id: 'vanishing', title: 'Vanishing gradient: sigmoid chain', source: chain('sigmoid', [0.8, -1.2, 1.5, 0.6, -0.9, 1.1], 3), input: 'w1' },
  { id: 'relu', title: 'ReLU chain: dead units', source: chain('relu', [0.8, -1.2, 1.5, 0.6], 3), input: 'w1' },
  { id: 'leaky', title: 'Leaky ReLU chain: never exactly zero', source: chain('leaky_relu', [0.8, -1.2, 1.5, 0.6], 3), input: 'w1' },
  { id: 'ladder', title: 'Ladder of 30 diamonds: 1,073,741,824 paths', source: ladder(30), input: 'x' },
];
