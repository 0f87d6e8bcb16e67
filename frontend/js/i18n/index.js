// The catalog areas. A new area of the page adds one module here (see ../i18n.js).
import core from './core.js';
import embed from './embed.js';
import numbers from './numbers.js';
import teach from './teach.js';
import graph from './graph.js';
import paths from './paths.js';
import presets from './presets.js';
import train from './train.js';
import errors from './errors.js';
import compare from './compare.js';
import ops from './ops.js';
import walk from './walk.js';
import table from './table.js';

export const AREAS = { core, embed, numbers, teach, graph, paths, presets, train, errors, compare, ops, walk, table };
