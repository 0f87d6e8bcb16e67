// The layout of a big graph, off the page's main thread (so that typing never waits for it).
// Receives {id, nodes, edges, opts, labels}; answers {id, layout} (layoutGraph's result, with its
// edge labels placed), or {id, error}.
import { layoutGraph } from './model/layout.js';
import { placeEdgeLabels } from './model/geometry.js';

self.onmessage = (ev) => {
  const { id, nodes, edges, opts, labels } = ev.data;
  try {
    const layout = layoutGraph(nodes, edges, opts);
    layout.labels = placeEdgeLabels(layout, labels);
    self.postMessage({ id, layout });
  } catch (e) {
    self.postMessage({ id, error: String(e?.message ?? e) });
  }
};
