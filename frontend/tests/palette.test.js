import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { differences, CVD, simulate, linearRgb } from '../js/model/palette.js';

const css = (file) => readFileSync(join(dirname(fileURLToPath(import.meta.url)), '..', 'css', file), 'utf8');

/** The colour a CSS file gives `prop` in the rule for exactly `selector` (the rule the page uses). */
function colour(file, selector, prop) {
  const text = css(file);
  const at = text.indexOf(`${selector} {`);
  assert.ok(at >= 0, `${selector} in ${file}`);
  const block = text.slice(at, text.indexOf('}', at));
  const m = block.match(new RegExp(`(?:^|[;{\\s])${prop}:\\s*(#[0-9a-fA-F]{6})`));
  assert.ok(m, `${prop} of ${selector} in ${file}`);
  return m[1].toLowerCase();
}

// ΔE (CIE76) that two colours meant to differ keep under every simulated deficiency. 20 is well
// above the ~2.3 of a just-noticeable difference: a clear difference in a small mark or line.
const MIN_DELTA_E = 20;

const GROUPS = {
  'the four activations of the Compare chart': [
    colour('training.css', '.chart .serie.act-sigmoid .line', 'stroke'),
    colour('training.css', '.chart .serie.act-tanh .line', 'stroke'),
    colour('training.css', '.chart .serie.act-relu .line', 'stroke'),
    colour('training.css', '.chart .serie.act-leaky_relu .line', 'stroke'),
  ],
  'an edge, a highlighted path, a path being played and its multiplied edges': [
    colour('graph.css', '.edge .line', 'stroke'),
    colour('graph.css', '.edge.hl .line', 'stroke'),
    colour('graph.css', '.edge.anim-path .line', 'stroke'),
  ],
  'a multiplied edge and the path ahead of the pulse': [
    colour('graph.css', '.edge.anim-done .line', 'stroke'),
    colour('graph.css', '.edge.anim-path .line', 'stroke'),
  ],
  'a node box, the selected input, the output, a non-finite node': [
    colour('graph.css', '.node .box', 'stroke'),
    colour('graph.css', '.node.selected-input .box', 'stroke'),
    colour('graph.css', '.node.output .box', 'stroke'),
    colour('graph.css', '.node.nonfinite .box', 'stroke'),
  ],
  'the two ends of the |gradient| fill scale (render.js GRAD_LOW, GRAD_HIGH)': ['#fff7ed', '#fdba74'],
};

test('the palette stays told apart under protanopia, deuteranopia and tritanopia', () => {
  const weak = [];
  for (const [what, colours] of Object.entries(GROUPS)) {
    for (let i = 0; i < colours.length; i++) {
      for (let j = i + 1; j < colours.length; j++) {
        for (const [vision, d] of Object.entries(differences(colours[i], colours[j]))) {
          if (d < MIN_DELTA_E) weak.push(`${what}: ${colours[i]} vs ${colours[j]} under ${vision}: ΔE ${d.toFixed(1)}`);
        }
      }
    }
  }
  assert.deepEqual(weak, []);
});

test('the simulation confuses what it should: red and green for a deuteranope, not for normal vision', () => {
  const d = differences('#d62728', '#2ca02c');
  assert.ok(d.normal > 60, String(d.normal));
  assert.ok(d.deuteranopia < 20, String(d.deuteranopia));
  // Grey stays grey under every matrix (each row sums to 1).
  for (const m of Object.values(CVD)) simulate(linearRgb('#808080'), m).forEach((c) => assert.ok(Math.abs(c - linearRgb('#808080')[0]) < 1e-3));
});
