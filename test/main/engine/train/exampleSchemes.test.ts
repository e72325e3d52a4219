// Which way a checkpoint's examples were made (trainer_state.json "examples"), and what a resume
// says when this Spanfill makes them otherwise: a checkpoint without the field was written by a
// Spanfill from before 207452bb, whose per-document pieces had no end mark </s> (packed examples
// are as they were); a resume from one goes on (it is not refused) and says so, once.
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readTrainerState, TRAINER_STATE_FILE } from '../../../../src/main/engine/train/checkpoint';
import type { TrainerState } from '../../../../src/main/engine/train/checkpoint';
import {
  exampleModesOf,
  exampleSchemeNotice,
  exampleSchemesOf,
  resumeSchemeNotices,
} from '../../../../src/main/engine/train/exampleSchemes';
import { tempDirs } from '../../../support/tmp';
import { loadSpmTokenizer, textData } from './helpers';

const tempDir = tempDirs('spanfill-schemes-');
const OLD_STATE = fileURLToPath(
  new URL('../../../fixtures/trainer-state/per-document-before-207452bb.json', import.meta.url),
);

/** A checkpoint folder holding only the old trainer_state.json (what the notice reads). */
function oldCheckpoint(): string {
  const dir = join(tempDir(), 'step-00000015');
  mkdirSync(dir, { recursive: true });
  copyFileSync(OLD_STATE, join(dir, TRAINER_STATE_FILE));
  return dir;
}

const PER_DOCUMENT = { train: 'per-document', validation: 'per-document' } as const;
const PACKED = { train: 'packed', validation: 'packed' } as const;

describe('example schemes on resume', () => {
  it('reads a trainer_state.json written before schemes were recorded, without one', () => {
    const state = readTrainerState(oldCheckpoint());
    expect(state.step).toBe(15);
    expect(state.examples).toBeUndefined();
  });

  it('says a per-document run from before 207452bb now trains on pieces that end in </s>, and what that means', () => {
    const state = readTrainerState(oldCheckpoint());
    expect(exampleSchemeNotice(state, PER_DOCUMENT)).toBe(
      "This run's training and validation examples were made by an earlier Spanfill (per-document pieces " +
        'without the end mark </s>); after step 15 they are made as this Spanfill makes them (per-document ' +
        "pieces, each document's last ending in the end mark </s>), so its losses before and after step 15 " +
        'differ slightly and are not quite comparable, nor are its evaluation losses, by which its best ' +
        'checkpoint is chosen. To train on one kind of example throughout, start a new run with these ' +
        'settings (in the app: New run with these settings).',
    );
  });

  it('says nothing for a packed run from before 207452bb: its examples are made as they were', () => {
    expect(exampleSchemeNotice(readTrainerState(oldCheckpoint()), PACKED)).toBeNull();
    expect(exampleSchemeNotice(readTrainerState(oldCheckpoint()), { train: 'packed', validation: null })).toBeNull();
  });

  it('says only the evaluations changed for a packed run that validated per document', () => {
    const notice = exampleSchemeNotice(readTrainerState(oldCheckpoint()), {
      train: 'packed',
      validation: 'per-document',
    });
    expect(notice).toContain(
      "This run's validation examples were made by an earlier Spanfill (per-document pieces without",
    );
    expect(notice).toContain('its evaluation losses before and after step 15 are not quite comparable');
    expect(notice).not.toContain('its losses before');
  });

  it('resumes silently from a checkpoint that records the schemes this Spanfill makes', () => {
    const old = readTrainerState(oldCheckpoint());
    const recorded: TrainerState = { ...old, examples: exampleSchemesOf(PER_DOCUMENT) };
    expect(exampleSchemeNotice(recorded, PER_DOCUMENT)).toBeNull();
    const packed: TrainerState = { ...old, examples: exampleSchemesOf(PACKED) };
    expect(exampleSchemeNotice(packed, PACKED)).toBeNull();
  });

  it('names a recorded scheme by mode and version, as checkpoints keep it', () => {
    expect(exampleSchemesOf(PER_DOCUMENT)).toEqual({ train: 'per-document-2', validation: 'per-document-2' });
    expect(exampleSchemesOf({ train: 'packed', validation: null })).toEqual({ train: 'packed-1', validation: null });
  });

  it('reads the modes a run trains and validates with from its plans (none without validation examples)', async () => {
    const tokenizer = await loadSpmTokenizer();
    const perDocument = textData(tokenizer, ['The cute dog walks in the green park'], ['A cat sings on the tree']);
    expect(exampleModesOf(perDocument)).toEqual(PER_DOCUMENT);
    const packed = textData(tokenizer, ['The cute dog walks in the green park'], [], {
      mode: 'packed',
      inputLength: 4,
    });
    expect(exampleModesOf(packed)).toEqual({ train: 'packed', validation: null });
  });

  it('resumeSchemeNotices reads the checkpoint folder; none without one or when its state does not read', () => {
    const notices = resumeSchemeNotices(oldCheckpoint(), PER_DOCUMENT);
    expect(notices).toHaveLength(1);
    expect(notices[0]).toContain('after step 15 they are made as this Spanfill makes them');
    expect(resumeSchemeNotices(undefined, PER_DOCUMENT)).toEqual([]);
    expect(resumeSchemeNotices(tempDir(), PER_DOCUMENT)).toEqual([]);
  });
});
