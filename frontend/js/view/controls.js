// The animation's and the paths panel's controls wired to an app: the page and the embedded graph
// (widget, <pathgrad-graph>) share them.

/** Wire play/pause/step/speed/timeline, the three modes and the paths pickers of `els` to `app`. */
export function wireControls(els, app) {
  const on = (el, ev, fn) => el?.addEventListener(ev, fn);
  on(els.play, 'click', () => app.play());
  on(els.pause, 'click', () => app.player.pause());
  on(els.step, 'click', () => app.player.step());
  on(els.stepBack, 'click', () => app.player.stepBack());
  on(els.restart, 'click', () => app.player.restart());
  on(els.speed, 'change', () => app.setSpeed(Number(els.speed.value)));
  on(els.timeline, 'input', () => app.seekFraction(Number(els.timeline.value) / 1000));
  on(els.modePaths, 'click', () => app.setMode('paths'));
  on(els.reverseSweep, 'click', () => {
    app.setMode('reverse');
    app.play();
  });
  on(els.forwardSweep, 'click', () => {
    app.setMode('forward');
    app.play();
  });
  on(els.inputSelect, 'change', () => app.selectInput(els.inputSelect.value));
  on(els.outputSelect, 'change', () => app.setOutput(els.outputSelect.value));
  on(els.limit, 'change', () => app.setLimit(els.limit.value));
}
