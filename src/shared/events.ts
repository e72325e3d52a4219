// Every event main pushes to the UI, by name, with its payload. Events are plain JSON and
// flow one way (main -> renderer) over whichever transport is in use. Later issues fill in
// who emits them; the names and shapes are fixed here so the UI can be written against them.

import type { AppSettings } from './contract/system';

/** A run's state as events carry it (the runs contract's RunStatusName, with its step). */
export type RunStatus =
  | { readonly status: 'queued'; readonly step: number }
  | { readonly status: 'running'; readonly step: number; readonly totalSteps: number; readonly provider: string | null }
  | { readonly status: 'paused'; readonly step: number }
  | { readonly status: 'completed'; readonly step: number }
  | { readonly status: 'stopped'; readonly step: number }
  | { readonly status: 'interrupted'; readonly step: number; readonly error: string }
  | { readonly status: 'failed'; readonly step: number; readonly error: string };

export interface EventMap {
  /** Reading and tokenizing a dataset; `total` is null while unknown. */
  'datasets.importProgress': {
    readonly datasetId: string;
    readonly phase: 'reading' | 'decoding' | 'tokenizing' | 'done';
    readonly done: number;
    readonly total: number | null;
  };
  'datasets.statusChanged': {
    readonly datasetId: string;
    readonly status: 'importing' | 'ready' | 'failed';
    /**
     * With status 'failed': why it failed; absent, it was cancelled (here, or by the process that
     * ran it: services/datasetsImportEnded.ts).
     */
    readonly error?: string;
  };
  /** A dataset was removed (here, by another window, or by a terminal on the same data directory). */
  'datasets.removed': { readonly datasetId: string };
  /** A dataset was given a new name (here, by another window, or by a terminal). */
  'datasets.renamed': { readonly datasetId: string; readonly name: string };
  /** Training progress of one run, after each engine call (K steps). */
  'runs.progress': {
    readonly runId: string;
    readonly step: number;
    readonly totalSteps: number;
    /** The loss of the last step (before its update); null when it was not a number (the run diverged). */
    readonly loss: number | null;
    readonly learningRate: number;
    readonly tokensPerSecond: number;
    readonly elapsedMs: number;
    /** null until a step has been timed. */
    readonly etaMs: number | null;
  };
  /** A batch of metric points (loss, lr, gradNorm, eval.loss, eval.tokenAccuracy, eval.spanExactMatch). */
  'runs.metrics': {
    readonly runId: string;
    readonly points: readonly { readonly step: number; readonly name: string; readonly value: number }[];
  };
  /** A checkpoint was written (whole: it is renamed into place only when complete). */
  'runs.checkpoint': {
    readonly runId: string;
    readonly step: number;
    readonly path: string;
    readonly isBest: boolean;
  };
  'runs.statusChanged': { readonly runId: string } & RunStatus;
  /** A run was removed with its checkpoints (here, by another window, or by a terminal on the same data directory). */
  'runs.removed': { readonly runId: string };
  /** A run was given a new name (here, by another window, or by a terminal). */
  'runs.renamed': { readonly runId: string; readonly name: string };
  /** A Hub pull's bytes (all files of the pull; already cached or resumed bytes count as done). */
  'models.pullProgress': {
    readonly repoId: string;
    readonly revision: string;
    readonly file: string;
    readonly fileIndex: number;
    readonly fileCount: number;
    readonly bytesDone: number;
    readonly bytesTotal: number;
    readonly bytesPerSecond: number | null;
  };
  'models.statusChanged': {
    readonly modelId: string;
    readonly status: 'downloading' | 'ready' | 'failed' | 'deleted';
    readonly error?: string;
  };
  /** An export's progress (files or stages written of total), from the engine host. */
  'export.progress': {
    readonly format: 'hf' | 'transformers.js' | 'accelerate';
    readonly stage: string;
    readonly done: number;
    readonly total: number;
  };
  /** The saved settings new runs start from changed (here, by another window, or by `spanfill settings` in a terminal). */
  'system.settingsChanged': AppSettings;
  /** The engine host process died or was killed; in-flight work was failed with this message. */
  'system.hostExited': {
    readonly exitCode: number | null;
    readonly signal: string | null;
    readonly stderrTail: readonly string[];
  };
}

export type EventName = keyof EventMap;

export interface EventMessage<E extends EventName = EventName> {
  readonly event: E;
  readonly payload: EventMap[E];
}

export type EventListener = <E extends EventName>(event: E, payload: EventMap[E]) => void;
