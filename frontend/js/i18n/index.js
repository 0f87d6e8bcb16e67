// The catalog areas. A new area of the page adds one module here (see ../i18n.js).
import core from './core.js';
import embed from './embed.js';
import numbers from './numbers.js';
import teach from './teach.js';

export const AREAS = { core, embed, numbers, teach };
