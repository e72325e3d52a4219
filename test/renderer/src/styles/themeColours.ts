// The theme's colour variables read from styles/theme.css's text, for the unit tests that check
// them: a variable's light and dark values, WCAG's contrast ratio of two colours, and their
// CIE76 distance (how different two chart lines look).

import fs from 'node:fs';

const themeCss = fs.readFileSync('src/renderer/src/styles/theme.css', 'utf8');

export type Rgb = readonly [number, number, number];

const rgb = (hex: string): Rgb => {
  const [r, g, b] = [1, 3, 5].map((at) => parseInt(hex.slice(at, at + 2), 16));
  return [r, g, b];
};

/**
 * A colour variable's light and dark values in styles/theme.css: a light-dark(#rrggbb, #rrggbb)
 * pair, or one #rrggbb for both themes.
 */
export function themeColour(name: string): { light: Rgb; dark: Rgb } {
  const pair = new RegExp(`${name}: light-dark\\((#[0-9a-f]{6}), (#[0-9a-f]{6})\\);`).exec(themeCss);
  if (pair) return { light: rgb(pair[1]), dark: rgb(pair[2]) };
  const single = new RegExp(`${name}: (#[0-9a-f]{6});`).exec(themeCss);
  if (single) return { light: rgb(single[1]), dark: rgb(single[1]) };
  throw new Error(`${name} is neither light-dark(#rrggbb, #rrggbb) nor #rrggbb in theme.css`);
}

const linear = (v: number) => ((v /= 255) <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
const luminance = (c: Rgb) => 0.2126 * linear(c[0]) + 0.7152 * linear(c[1]) + 0.0722 * linear(c[2]);

/** WCAG 2's contrast ratio (1 to 21). */
export function contrast(a: Rgb, b: Rgb): number {
  const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p);
  return (x + 0.05) / (y + 0.05);
}

/** CIE76 ΔE between two colours (about 2.3: just noticeable; over 25: clearly different). */
export function deltaE(a: Rgb, b: Rgb): number {
  const lab = (c: Rgb) => {
    const [r, g, bl] = c.map(linear);
    const xyz = [
      (r * 0.4124 + g * 0.3576 + bl * 0.1805) / 0.95047,
      r * 0.2126 + g * 0.7152 + bl * 0.0722,
      (r * 0.0193 + g * 0.1192 + bl * 0.9505) / 1.08883,
    ].map((t) => (t > 0.008856 ? Math.cbrt(t) : 7.787 * t + 16 / 116));
    return [116 * xyz[1] - 16, 500 * (xyz[0] - xyz[1]), 200 * (xyz[1] - xyz[2])];
  };
  const [p, q] = [lab(a), lab(b)];
  return Math.hypot(p[0] - q[0], p[1] - q[1], p[2] - q[2]);
}
