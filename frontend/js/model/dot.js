// Graphviz DOT export, built client-side. Pure: no DOM.
import { formatValue } from './format.js';
import { edgeText } from './graph-model.js';

/** Quote a string as a DOT ID (double-quoted, with backslashes, quotes and newlines escaped). */
export function dotQuote(s) {
  return `"${String(s).replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\r?\n/g, '\\n')}"`;
}

/**
 * The graph (graph JSON of the contract, or a collapsed view with the same fields) as DOT:
 * left-to-right, one box per node with label, value and gradient, edges labelled with their local
 * derivative, expanded composites as clusters.
 */
export function toDot(graph, { name = 'pathgrad', highlight = null, titles = null } = {}) {
  const nodes = graph.nodes ?? [];
  const edges = graph.edges ?? [];
  const groups = graph.groups ?? [];
  const hiNodes = new Set(highlight?.nodes ?? []);
  const hiEdges = new Set(highlight?.edges ?? []);
  const lines = [];
  lines.push(`digraph ${dotQuote(name)} {`);
  lines.push('  rankdir=LR;');
  lines.push('  node [shape=box, style="rounded,filled", fillcolor="#ffffff", fontname="Helvetica"];');
  lines.push('  edge [fontname="Helvetica", fontsize=10];');
  const nodeLine = (n, indent) => {
    // The drawing's title ("e = (a + b) × (b + 1)"), else the assigned name beside the operation.
    const named = n.name && n.op !== 'leaf' && n.kind !== 'const' ? `${n.name} = ${n.label ?? n.op}` : null;
    const title = titles?.get(n.id) ?? named ?? n.label ?? n.name ?? n.op;
    const parts = [title, `value ${formatValue(n.value)}`];
    if (n.kind !== 'const' && n.grad !== null && n.grad !== undefined) parts.push(`grad ${formatValue(n.grad)}`);
    const attrs = [`label=${dotQuote(parts.join('\n'))}`];
    if (n.id === graph.output) attrs.push('penwidth=2');
    if (n.kind === 'input' || n.kind === 'param' || n.op === 'leaf') attrs.push('fillcolor="#e0f2fe"');
    if (n.kind === 'const') attrs.push('fillcolor="#f1f5f9"');
    if (hiNodes.has(n.id)) attrs.push('color="#ea580c"');
    return `${indent}${dotQuote(n.id)} [${attrs.join(', ')}];`;
  };
  const grouped = new Set();
  for (const gr of groups) {
    lines.push(`  subgraph ${dotQuote(`cluster_${gr.id}`)} {`);
    lines.push(`    label=${dotQuote(gr.op)}; style="rounded,dashed"; color="#94a3b8";`);
    for (const id of gr.nodes) {
      const n = nodes.find((x) => x.id === id);
      if (!n) continue;
      grouped.add(id);
      lines.push(nodeLine(n, '    '));
    }
    lines.push('  }');
  }
  for (const n of nodes) if (!grouped.has(n.id)) lines.push(nodeLine(n, '  '));
  for (const e of edges) {
    const attrs = [`label=${dotQuote(edgeText(e))}`];
    if (hiEdges.has(e.id)) attrs.push('color="#ea580c"', 'penwidth=2.5');
    lines.push(`  ${dotQuote(e.source)} -> ${dotQuote(e.target)} [${attrs.join(', ')}];`);
  }
  lines.push('}');
  return `${lines.join('\n')}\n`;
}
