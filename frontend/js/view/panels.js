// The side panels beside the graph: shown or hidden by their buttons (and `g`), and hidden by the
// page itself when the graph needs their room to be read (then shown again for the next program).

/**
 * @param {HTMLElement} layout the element whose data-left / data-right say which panels are open
 * @param {{left: HTMLElement, right: HTMLElement}} buttons the toggles (aria-expanded follows)
 */
export function createPanels(layout, buttons) {
  // Panels the page hid to make room, in the order it hid them; a panel the user toggled is theirs.
  const madeRoom = [];
  let userChose = false;
  const isOpen = (side) => layout.dataset[side] !== 'closed';
  const set = (side, open) => {
    layout.dataset[side] = open ? 'open' : 'closed';
    buttons[side]?.setAttribute('aria-expanded', String(open));
  };
  return {
    isOpen,
    /** A user's toggle: theirs from now on. */
    toggle(side) {
      userChose = true;
      madeRoom.length = 0;
      set(side, !isOpen(side));
    },
    /** Graph only (both hidden), or both shown again. */
    toggleBoth() {
      userChose = true;
      madeRoom.length = 0;
      const any = isOpen('left') || isOpen('right');
      set('left', !any);
      set('right', !any);
    },
    /** Hide the next panel (the program first, then the panels) to give the graph room; false if none. */
    makeRoom() {
      // On a narrow screen the panels are stacked under the graph (their toggles are not shown):
      // hiding one gives the graph no room.
      const stacked = ['left', 'right'].every((side) => buttons[side] && !buttons[side].getClientRects().length);
      if (userChose || stacked) return false;
      for (const side of ['left', 'right']) {
        if (isOpen(side)) {
          set(side, false);
          madeRoom.push(side);
          return side;
        }
      }
      return false;
    },
    /** Show again what makeRoom() hid (a new program may need no room). True if anything changed. */
    restore() {
      const changed = madeRoom.length > 0;
      while (madeRoom.length) set(madeRoom.pop(), true);
      return changed;
    },
    get madeRoom() {
      return [...madeRoom];
    },
  };
}
