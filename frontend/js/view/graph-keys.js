// The graph, walked with the keyboard: the pane is one tab stop (role "application", so that a
// screen reader passes the arrow keys on); a cursor node moves along the edges and what it arrives
// at is announced in a live region (model/walk.js says what). Ideas from React Flow's focusable
// nodes and its aria-live announcements; here the walk follows the edges rather than the screen.
import { startCursor, walk, describeCursor, spokenName } from '../model/walk.js';
import { t } from '../i18n.js';

const MOVES = { ArrowLeft: 'parent', ArrowRight: 'child', ArrowUp: 'prev', ArrowDown: 'next' };

/**
 * @param {HTMLElement} root the graph pane (#graph)
 * @param {{live: HTMLElement, graph: () => ({vg, titles, start}) | null, reveal: (id) => void,
 *   mark: (ids: string[]) => void, onSelect: (id) => boolean}} deps
 *   graph(): the drawn graph indexed, its titles, and where a walk starts (the selected input, else
 *   the output); onSelect: select a leaf as the input (false when the node is not a leaf).
 */
export function createGraphKeys(root, { live, graph, reveal, mark, onSelect }) {
  let cursor = null;
  root.tabIndex = 0;
  root.setAttribute('role', 'application');
  root.setAttribute('aria-roledescription', t('graph.svg'));
  const label = () => root.setAttribute('aria-label', `${t('walk.aria')}. ${t('walk.help')}`);
  label();

  const say = (text) => {
    // The same words twice would not be announced again: a no-break space makes them new.
    live.textContent = live.textContent === text ? `${text}\u00a0` : text;
  };

  // A mouse press (to pan, to click a node) focuses the graph too: then the walk shows itself only at
  // the first key, so that the view does not jump to the cursor under the pointer's drag.
  let unshown = false;

  function moveTo(next) {
    const g = graph();
    if (!g || !next) return;
    unshown = false;
    cursor = next;
    reveal(cursor.id);
    mark([cursor.id]);
    root.dataset.cursor = cursor.id;
    say(describeCursor(g.vg, cursor, g.titles));
  }

  root.addEventListener('focus', (ev) => {
    if (ev.target !== root) return;
    const g = graph();
    if (!g) return;
    if (!cursor || !g.vg.byId.has(cursor.id)) cursor = startCursor(g.start);
    if (root.matches(':focus-visible')) moveTo(cursor);
    else unshown = true;
  });
  root.addEventListener('blur', () => mark([]));

  root.addEventListener('keydown', (ev) => {
    if (ev.target !== root || ev.ctrlKey || ev.metaKey || ev.altKey) return;
    const g = graph();
    if (!g || !cursor) return;
    const move = MOVES[ev.key];
    if (unshown && (move || ev.key === 'Home')) {
      ev.preventDefault();
      moveTo(cursor); // first where the walk is
      return;
    }
    if (move) {
      ev.preventDefault(); // the page's own ← and → step the animation
      const next = walk(g.vg, cursor, move);
      if (next) moveTo(next);
      else say(t('walk.none'));
    } else if (ev.key === 'Enter') {
      ev.preventDefault();
      const n = g.vg.byId.get(cursor.id);
      if (onSelect(cursor.id)) say(t('walk.selected', { name: spokenName(n, g.titles) }));
      else say(t('walk.notLeaf', { name: spokenName(n, g.titles) }));
    } else if (ev.key === 'Home') {
      ev.preventDefault();
      moveTo(startCursor(g.vg.output));
    }
  });

  return {
    /** The node the walk is on (null before the graph had the focus). */
    get cursor() {
      return cursor?.id ?? null;
    },
    /** A new graph: a cursor on a node that is gone starts again; the mark is drawn again. */
    graphChanged() {
      const g = graph();
      if (cursor && !g?.vg.byId.has(cursor.id)) cursor = null;
      if (cursor && !unshown && document.activeElement === root) mark([cursor.id]);
    },
    relocalize() {
      root.setAttribute('aria-roledescription', t('graph.svg'));
      label();
    },
  };
}
