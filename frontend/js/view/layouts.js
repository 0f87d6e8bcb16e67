// Where a graph is laid out: in a Web Worker for big graphs (the page stays responsive), on the main
// thread for small ones (no round trip) and wherever a worker cannot start (an exported file: URL).
import { layoutGraph } from '../model/layout.js';
import { placeEdgeLabels } from '../model/geometry.js';
import { unpackLayout, unpackLabels } from '../model/layout-wire.js';

/** Graphs with at least this many nodes are laid out in the worker. */
export const WORKER_MIN_NODES = 1500;

export function createLayouts() {
  let worker = null;
  let failed = false;
  let next = 0;
  const pending = new Map();
  const start = () => {
    if (worker || failed) return worker;
    try {
      worker = new Worker(new URL('../layout-worker.js', import.meta.url), { type: 'module' });
      worker.onmessage = (ev) => {
        const job = pending.get(ev.data.id);
        if (!job) return;
        if (ev.data.error) {
          pending.delete(ev.data.id);
          job.reject(new Error(ev.data.error));
        } else if (ev.data.layout) {
          job.layout = unpackLayout(ev.data.layout, job.nodeIds, job.edgeIds);
          job.resolve(job.layout);
        } else {
          pending.delete(ev.data.id);
          job.onLabels(unpackLabels(ev.data.labels, job.edgeIds));
        }
      };
      worker.onerror = () => {
        // The worker could not load (an offline copy, a blocked script): lay out here from now on.
        failed = true;
        worker = null;
        for (const job of pending.values()) job.fallback();
        pending.clear();
      };
    } catch {
      failed = true;
      worker = null;
    }
    return worker;
  };
  const here = (job) => {
    const layout = layoutGraph(job.nodes, job.edges, job.opts);
    layout.labels = placeEdgeLabels(layout, job.labels);
    return layout;
  };
  return {
    /** Lay out now, on this thread. */
    now: here,
    /**
     * Lay out, in the worker when the graph is big: a Promise of the layout. A layout from the worker
     * comes without its edge labels, which follow in `onLabels(labels)` (its `labels` Map).
     */
    run(job, onLabels) {
      if (job.nodes.length < WORKER_MIN_NODES || !start()) return Promise.resolve(here(job));
      return new Promise((resolve, reject) => {
        const id = ++next;
        const nodeIds = job.nodes.map((n) => n.id);
        const edgeIds = job.edges.map((e) => e.id);
        const fallback = () => {
          if (!entry.layout) resolve(here(job));
          else onLabels(placeEdgeLabels(entry.layout, job.labels));
        };
        const entry = { resolve, reject, onLabels, nodeIds, edgeIds, layout: null, fallback };
        pending.set(id, entry);
        worker.postMessage({ id, ...job });
      });
    },
  };
}
