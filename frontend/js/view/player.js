// Plays a timeline (model/schedule.js): keeps time, speed and play/pause; the caller draws the state
// at time t in onFrame.
import { nextStop, prevStop, stopAtOrBefore } from '../model/schedule.js';

/** The reader asked the system for less motion: the animation then moves in steps (stop to stop). */
export const prefersReducedMotion = () => globalThis.matchMedia?.('(prefers-reduced-motion: reduce)').matches ?? false;

/**
 * @param {{onFrame: (t: number, timeline) => void, onStatus?: (s: {playing, t, duration, kind}) => void}} handlers
 */
export function createPlayer(handlers) {
  let timeline = null;
  let t = 0;
  let playing = false;
  let speed = 1;
  let last = null;
  let raf = null;

  const status = () => handlers.onStatus?.({ playing, t, duration: timeline?.duration ?? 0, kind: timeline?.kind ?? null });
  let shown = null; // the time last drawn while playing in steps
  const frame = () => {
    if (timeline) handlers.onFrame(t, timeline);
  };
  // While playing with reduced motion, time runs on but only its stops are drawn: each factor and
  // each arrival appears at once and stays (for as long as the smooth animation takes to get there).
  const playFrame = () => {
    if (!timeline) return;
    if (!prefersReducedMotion() || t >= timeline.duration) {
      shown = null;
      frame();
      return;
    }
    const at = stopAtOrBefore(timeline, t);
    if (at === shown) return;
    shown = at;
    handlers.onFrame(at, timeline);
  };
  const tick = (now) => {
    raf = null;
    if (!playing || !timeline) return;
    if (last !== null) t = Math.min(timeline.duration, t + (now - last) * speed);
    last = now;
    playFrame();
    if (t >= timeline.duration) {
      playing = false;
      status();
      return;
    }
    raf = requestAnimationFrame(tick);
  };
  const stopLoop = () => {
    if (raf !== null) cancelAnimationFrame(raf);
    raf = null;
    last = null;
  };

  return {
    load(tl) {
      stopLoop();
      timeline = tl;
      t = 0;
      playing = false;
      frame();
      status();
    },
    unload() {
      stopLoop();
      timeline = null;
      t = 0;
      playing = false;
      status();
    },
    get timeline() {
      return timeline;
    },
    get t() {
      return t;
    },
    get playing() {
      return playing;
    },
    get speed() {
      return speed;
    },
    set speed(v) {
      speed = Math.min(16, Math.max(0.0625, Number(v) || 1));
    },
    play() {
      if (!timeline) return;
      if (t >= timeline.duration) t = 0;
      playing = true;
      last = null;
      if (raf === null) raf = requestAnimationFrame(tick);
      status();
    },
    pause() {
      playing = false;
      stopLoop();
      status();
    },
    toggle() {
      if (playing) this.pause();
      else this.play();
    },
    step() {
      if (!timeline) return;
      this.pause();
      t = nextStop(timeline, t);
      frame();
      status();
    },
    stepBack() {
      if (!timeline) return;
      this.pause();
      t = prevStop(timeline, t);
      frame();
      status();
    },
    seek(time) {
      if (!timeline) return;
      t = Math.min(timeline.duration, Math.max(0, time));
      frame();
      status();
    },
    restart() {
      this.seek(0);
    },
    toEnd() {
      if (!timeline) return;
      this.pause();
      this.seek(timeline.duration);
    },
  };
}
