// styles/theme.css: the focus ring reads against the page and the panels in both themes.
import { describe, expect, it } from 'vitest';
import { contrast, themeColour } from './themeColours';

describe('the theme', () => {
  it("draws the focus ring at WCAG's 3:1 for graphics or more against the page and the panels, light and dark", () => {
    // (The one amber #f2a900 for both themes was 1.87:1 on the light page.)
    const focus = themeColour('--focus');
    for (const theme of ['light', 'dark'] as const)
      for (const background of ['--bg', '--surface', '--surface-2'])
        expect(
          contrast(focus[theme], themeColour(background)[theme]),
          `${background} (${theme})`,
        ).toBeGreaterThanOrEqual(3);
  });

  it('measures contrast as WCAG does', () => {
    // Black on white is 21:1, a colour on itself 1:1, and WCAG's own example #767676 on white about 4.54:1.
    expect(contrast([0, 0, 0], [255, 255, 255])).toBeCloseTo(21, 5);
    expect(contrast([47, 91, 211], [47, 91, 211])).toBe(1);
    expect(contrast([118, 118, 118], [255, 255, 255])).toBeCloseTo(4.54, 2);
  });
});
