// The layout of a big graph, off the page's main thread (so that typing never waits for it).
// Receives {id, nodes, edges, opts, labels}; answers {id, layout} (layoutGraph's result, packed by
// layout-wire.js, its arrays transferred), then {id, labels} (its edge labels' places, packed): the
// page draws the graph without waiting for the labels, which a view at Fit does not show. Or {id, error}.
import { layoutGraph } from './model/layout.js';
import { placeEdgeLabels } from './model/geometry.js';
import { packLayout, packLabels } from './model/layout-wire.js';

self.onmessage = (ev) => {
  const { id, nodes, edges, opts, labels } = ev.data;
  try {
    const layout = layoutGraph(nodes, edges, opts);
    const edgeIds = edges.map((e) => e.id);
    const { packed, transfer } = packLayout(layout, nodes.map((n) => n.id), edgeIds);
    self.postMessage({ id, layout: packed }, { transfer });
    const xy = packLabels(placeEdgeLabels(layout, labels), edgeIds);
    self.postMessage({ id, labels: xy }, { transfer: [xy.buffer] });
  } catch (e) {
    self.postMessage({ id, error: String(e?.message ?? e) });
  }
};
