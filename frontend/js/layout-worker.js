// The layout of a big graph, off the page's main thread (so that typing never waits for it).
// Receives {id, nodes, edges, opts, labels}; answers {id, layout} (layoutGraph's result, with its
// edge labels placed, packed by layout-wire.js and its arrays transferred), or {id, error}.
import { layoutGraph } from './model/layout.js';
import { placeEdgeLabels } from './model/geometry.js';
import { packLayout } from './model/layout-wire.js';

self.onmessage = (ev) => {
  const { id, nodes, edges, opts, labels } = ev.data;
  try {
    const layout = layoutGraph(nodes, edges, opts);
    layout.labels = placeEdgeLabels(layout, labels);
    const { packed, transfer } = packLayout(layout, nodes.map((n) => n.id), edges.map((e) => e.id));
    self.postMessage({ id, layout: packed }, { transfer });
  } catch (e) {
    self.postMessage({ id, error: String(e?.message ?? e) });
  }
};
