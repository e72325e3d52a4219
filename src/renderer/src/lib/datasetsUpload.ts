// Browser mode's road for dropped or picked files (the desktop app imports their own paths): the
// importable ones uploaded to the server first (lib/upload.ts), then imported there as typed
// paths are; what was left out or skipped is said beside the import's outcome, a cancel as a
// notice. The datasets store (datasets.svelte.ts) shows the upload and imports what arrived.

import { errorMessage } from '../../../shared/errors';
import { connection } from './api';
import { cancelledNotice } from './datasetsImportOutcome';
import { importableFiles, skippedUploadNote } from './importable';
import { newUploadId, removeUpload, uploadFiles, type PickedFile } from './upload';

/** Where the upload shows: the store's own (reactive) fields. */
export interface UploadShown {
  /** Files on their way to the server, before the import starts. */
  uploading: { what: string; sent: number; total: number } | undefined;
  notice: string | undefined;
  error: string | undefined;
}

/** Imports the uploaded copies (the server's paths); true when imported, else the error shows. */
type ImportUploaded = (paths: string[]) => Promise<boolean>;

export class DatasetUpload {
  private controller: AbortController | undefined;

  constructor(private readonly shown: UploadShown) {}

  /** Uploads what of `picked` is importable, or says why nothing is; `what` calls the drop in progress and messages. */
  async run(picked: readonly PickedFile[], what: string, importUploaded: ImportUploaded): Promise<void> {
    const { files, notes } = importableFiles(picked);
    if (files.length === 0) {
      this.shown.notice = undefined;
      this.shown.error =
        notes.length > 0
          ? `Nothing to upload from ${what}. ${notes.join(' ')}`
          : `Nothing to upload from ${what}: it holds only hidden files.`;
      return;
    }
    await this.uploadAndImport(files, notes, what, importUploaded);
  }

  cancel(): void {
    this.controller?.abort();
  }

  /** Uploads `files`, imports what the server took, and names what it skipped. */
  private async uploadAndImport(
    files: readonly PickedFile[],
    notes: readonly string[],
    what: string,
    importUploaded: ImportUploaded,
  ): Promise<void> {
    const shown = this.shown;
    const uploadId = newUploadId();
    const controller = new AbortController();
    this.controller = controller;
    shown.error = undefined;
    shown.notice = undefined;
    shown.uploading = { what, sent: 0, total: 0 };
    try {
      const { paths, skipped } = await uploadFiles(uploadId, files, connection.token, controller.signal, (p) => {
        shown.uploading = { what, ...p };
      });
      shown.uploading = undefined;
      const skipNote = skippedUploadNote(skipped);
      if (paths.length === 0) {
        shown.error = `Nothing was uploaded from ${what}. ${skipNote ?? ''}`.trim();
        return;
      }
      // NOTE: the uploaded copy is deleted once imported: the store holds every document, and
      // a second copy of up to 2 GiB in the data directory would only cost disk. The dataset
      // and its messages name the files as they were dropped (services/datasetImport.ts).
      const isImported = await importUploaded(paths);
      const said = [...(isImported ? notes : []), ...(skipNote === undefined ? [] : [skipNote])];
      if (said.length === 0) return;
      if (isImported) shown.notice = [shown.notice, ...said].join(' ');
      else if (shown.error !== undefined) shown.error = [shown.error, ...said].join(' ');
    } catch (caught) {
      if (controller.signal.aborted) shown.notice = cancelledNotice('upload', what);
      else shown.error = `Could not upload ${what}: ${errorMessage(caught)}`;
    } finally {
      shown.uploading = undefined;
      this.controller = undefined;
      await removeUpload(uploadId, connection.token);
    }
  }
}
