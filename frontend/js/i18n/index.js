// The catalog areas. A new area of the page adds one module here (see ../i18n.js).
import core from './core.js';
import graph from './graph.js';
import paths from './paths.js';

export const AREAS = { core, graph, paths };
