// Colour vision deficiencies, simulated: is a pair of the page's colours still told apart under
// protanopia, deuteranopia and tritanopia? Machado, Oliveira & Fernandes (2009), severity 1, on
// linear RGB; the difference is CIE76 ΔE in CIELAB (D65). Pure: used by tests/palette.test.js.

export const CVD = {
  protanopia: [[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216], [-0.003882, -0.048116, 1.051998]],
  deuteranopia: [[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413], [-0.01182, 0.04294, 0.968881]],
  tritanopia: [[1.255528, -0.076749, -0.178779], [-0.078411, 0.930809, 0.147602], [0.004733, 0.691367, 0.3039]],
};

const toLinear = (c) => (c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);

/** '#rrggbb' -> linear RGB in [0, 1]. */
export function linearRgb(hex) {
  const h = hex.replace('#', '');
  return [0, 2, 4].map((i) => toLinear(parseInt(h.slice(i, i + 2), 16) / 255));
}

/** Linear RGB as seen with a deficiency (a CVD matrix), clipped to the gamut. */
export function simulate(rgb, matrix) {
  return matrix.map((row) => Math.min(1, Math.max(0, row[0] * rgb[0] + row[1] * rgb[1] + row[2] * rgb[2])));
}

/**
 * Linear RGB -> CIELAB (D65).
 * @param {number[]} rgb
 */
export function lab([r, g, b]) {
  const x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047;
  const y = 0.2126 * r + 0.7152 * g + 0.0722 * b;
  const z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883;
  const f = (v) => (v > 0.008856 ? Math.cbrt(v) : 7.787 * v + 16 / 116);
  return [116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))];
}

/** ΔE between two colours as seen normally and with each deficiency: {normal, protanopia, …}. */
export function differences(a, b) {
  const out = { normal: deltaE(lab(linearRgb(a)), lab(linearRgb(b))) };
  for (const [name, m] of Object.entries(CVD)) out[name] = deltaE(lab(simulate(linearRgb(a), m)), lab(simulate(linearRgb(b), m)));
  return out;
}

const deltaE = (p, q) => Math.hypot(p[0] - q[0], p[1] - q[1], p[2] - q[2]);
