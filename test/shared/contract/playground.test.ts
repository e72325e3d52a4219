// The playground.fill argument schema: the prompt's only contract rule is its size (emptiness,
// holes and the token limit are the engine's, so the UI and the CLI get the same messages),
// and the largest prompt it accepts, fully JSON-escaped in a call, fits one server frame.

import { describe, expect, it } from 'vitest';
import { maxPromptChars, playgroundCalls } from '../../../src/shared/contract/playground';
import { maxCallFrameBytes } from '../../../src/shared/limits';

const args = (prompt: string): unknown => ({ modelDir: '/m', prompt });

describe('playground.fill arguments', () => {
  it('leave empty and hole-less prompts to the engine, and refuse one over maxPromptChars with the limit', () => {
    const schema = playgroundCalls.fill.args;
    expect(schema.safeParse(args('')).success).toBe(true);
    expect(schema.safeParse(args('a'.repeat(maxPromptChars))).success).toBe(true);
    const over = schema.safeParse(args('a'.repeat(maxPromptChars + 1)));
    expect(over.success).toBe(false);
    expect(over.error?.issues[0]?.message).toBe('prompt is over 1,000,000 characters; no model takes that much');
  });

  it('the largest prompt, every unit escaped as \\u0000, fits in one WebSocket frame', () => {
    const call = {
      id: 2 ** 53 - 1,
      call: 'playground.fill',
      args: { ...(args('\u0000'.repeat(maxPromptChars)) as object), modelDir: '/'.repeat(4096), maxNewTokens: 512 },
    };
    expect(Buffer.byteLength(JSON.stringify(call))).toBeLessThanOrEqual(maxCallFrameBytes);
  });
});
