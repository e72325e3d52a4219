// Parsing a case file (engine/t5/caseFile.ts): each malformed one refused with the field named,
// the rows checked for shape before any engine sees them.
import { describe, expect, it } from 'vitest';
import { CaseFileError, parseScoreCase } from '../../../../src/main/engine/t5/caseFile';

describe('parseScoreCase', () => {
  it('rejects malformed case files naming the field', () => {
    expect(() => parseScoreCase({ input_ids: [[1, 2]] }, 'c.json')).toThrow(CaseFileError);
    expect(() => parseScoreCase({ input_ids: [[1, 2]] }, 'c.json')).toThrow(
      'c.json: "labels" must be a non-empty array of rows of integer ids',
    );
    expect(() => parseScoreCase({ input_ids: [[1]], labels: [[1]], greedy: { max_new_tokens: 0 } }, 'c.json')).toThrow(
      'greedy.max_new_tokens must be a whole number from 1 to 512; got 0',
    );
    // Empty or ragged rows, a mask of another shape or values, labels for another batch: each
    // named here, where they reached the engine as 'constant: shape [-1] needs -1 values, got 0'.
    const refused: [Record<string, unknown>, string][] = [
      [
        { input_ids: [[]], attention_mask: [[]], labels: [[]] },
        '"input_ids" must be a non-empty array of rows of integer ids, all of one non-zero length',
      ],
      [{ input_ids: [[1, 2], [3]], labels: [[1], [1]] }, '"input_ids" must be a non-empty array'],
      [
        { input_ids: [[1, 2]], attention_mask: [[1]], labels: [[1]] },
        '"attention_mask" must be of 0s and 1s, one per input id',
      ],
      [{ input_ids: [[1, 2]], attention_mask: [[1, 2]], labels: [[1]] }, '"attention_mask" must be of 0s and 1s'],
      [{ input_ids: [[1, 2]], labels: [[1], [2]] }, '"labels" must have one row per row of "input_ids" (1)'],
      [
        { input_ids: [[1, 2]], attention_mask: [[0, 0]], labels: [[1]] },
        'the first row of "attention_mask" masks every input id; greedy decoding needs one',
      ],
      // Greedy decodes one input, as fill does, for at most 512 new tokens; labels must score something.
      [
        { input_ids: [[1]], labels: [[1]], greedy: { max_new_tokens: 100_000 } },
        'greedy.max_new_tokens must be a whole number from 1 to 512; got 100000',
      ],
      [
        {
          input_ids: [[1]],
          labels: [[1]],
          greedy: {
            input_ids: [
              [5, 6],
              [7, 8],
            ],
          },
        },
        'greedy.input_ids must be one row (greedy decodes one input); got 2',
      ],
      [
        { input_ids: [[1]], labels: [[1]], greedy: { input_ids: [[5, 6]], attention_mask: [[1]] } },
        'greedy.attention_mask must be one row of 0s and 1s, one per greedy input id',
      ],
      [
        { input_ids: [[1]], labels: [[1]], greedy: { input_ids: [[5, 6]], attention_mask: [[0, 0]] } },
        'greedy.attention_mask masks every greedy input id',
      ],
      [
        { input_ids: [[1, 2]], labels: [[-100, -100]] },
        'every label is -100 (ignored), so there is nothing to score; keep at least one target id',
      ],
    ];
    for (const [json, message] of refused)
      expect(() => parseScoreCase(json, 'c.json'), JSON.stringify(json)).toThrow(`c.json: ${message}`);
  });

  it('defaults the mask to every position and decodes the first row unless greedy says otherwise', () => {
    const parsed = parseScoreCase({ input_ids: [[5, 6, 1]], labels: [[7, 1]] }, 'c.json');
    expect(parsed).toEqual({
      inputIds: [[5, 6, 1]],
      attentionMask: [[1, 1, 1]],
      labels: [[7, 1]],
      greedyInput: [5, 6, 1],
      greedyInputField: 'input_ids',
      greedyMaxNewTokens: 20,
    });
    // A padded greedy row decodes without its padding, as a masked input row does.
    const padded = {
      input_ids: [[5]],
      labels: [[7]],
      greedy: { input_ids: [[5, 6, 0, 0]], attention_mask: [[1, 1, 0, 0]] },
    };
    expect(parseScoreCase(padded, 'c.json')).toMatchObject({
      greedyInput: [5, 6],
      greedyInputField: 'greedy.input_ids',
    });
  });
});
