// "The latest request wins": each start() supersedes the ones before it, so an answer that comes back
// after a newer request was made is dropped. Pure: no DOM.

/** A counter of attempts: start() gives a ticket; isLatest(ticket) says whether none came after it. */
export function createLatest() {
  let last = 0;
  return {
    start() {
      last += 1;
      return last;
    },
    isLatest(ticket) {
      return ticket === last;
    },
    /** Drop whatever is in flight (no ticket given before this call is the latest any more). */
    cancel() {
      last += 1;
    },
    get count() {
      return last;
    },
  };
}
