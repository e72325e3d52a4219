// The demo's span scores: exact and character scores of one span (trimmed, blank truths
// written as they are, nothing at all), their totals, and the baseline's character.

import { describe, expect, it } from 'vitest';
import { mostCommonCharacter, scoreSpan, totalScore } from '../../../src/main/services/demoScore';

describe('scoreSpan', () => {
  it('is exact when the trimmed texts are equal', () => {
    expect(scoreSpan(' shall', 'shall ')).toEqual({ isExact: true, characters: 1 });
  });

  it('gives partial credit by characters: 1 − distance / longer length', () => {
    // "Presiden" is "President" less one character: 1 − 1/9.
    expect(scoreSpan('President', 'Presiden')).toEqual({ isExact: false, characters: 1 - 1 / 9 });
    expect(scoreSpan('most', 'xyz').characters).toBe(0);
  });

  it('never counts a hole the model left out or left empty, even when the truth is blank', () => {
    expect(scoreSpan('most', null)).toEqual({ isExact: false, characters: 0 });
    expect(scoreSpan(' ', null)).toEqual({ isExact: false, characters: 0 });
    // A blank truth is compared as written: an empty fill is a miss, the blank itself a hit.
    expect(scoreSpan(' ', '')).toEqual({ isExact: false, characters: 0 });
    expect(scoreSpan(' ', ' ')).toEqual({ isExact: true, characters: 1 });
    expect(scoreSpan('\n', '  ')).toEqual({ isExact: false, characters: 0 });
    expect(scoreSpan('most', '')).toEqual({ isExact: false, characters: 0 });
  });
});

describe('totalScore', () => {
  it('counts exact spans and averages the character scores', () => {
    const spans = [scoreSpan('a', 'a'), scoreSpan('abcd', 'abXd'), scoreSpan('xy', null)];
    expect(totalScore(spans)).toEqual({ exactSpans: 1, spans: 3, exactRate: 1 / 3, characters: (1 + 0.75 + 0) / 3 });
    expect(totalScore([])).toEqual({ exactSpans: 0, spans: 0, exactRate: 0, characters: 0 });
  });
});

describe('mostCommonCharacter', () => {
  it('is the character that occurs most often, the first one in a tie', () => {
    expect(mostCommonCharacter('We the People')).toBe('e');
    expect(mostCommonCharacter('a b c')).toBe(' ');
    expect(mostCommonCharacter('abab')).toBe('a');
    // 'b' reaches two first, but 'a' occurs first.
    expect(mostCommonCharacter('abba')).toBe('a');
    expect(mostCommonCharacter('x😀😀')).toBe('😀');
    expect(mostCommonCharacter('')).toBe('');
  });
});
