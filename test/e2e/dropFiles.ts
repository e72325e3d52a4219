// Drag and drop onto the page as a person dragging files from a file manager does: dragenter,
// dragover and (unless held back) drop on the page body, each carrying the same DataTransfer.
// NOTE: page.evaluate takes expression strings because the e2e files are type-checked without DOM types.

import type { Page } from 'playwright-core';

/** A file to drop: its name and its bytes (a string is its UTF-8 text). */
export interface DroppedFile {
  readonly name: string;
  readonly content: string | Buffer;
}

/** Drags `files` over the page body and, unless `andDrop` is false, drops them there. */
export async function dropFiles(page: Page, files: readonly DroppedFile[], { andDrop = true } = {}): Promise<void> {
  const payload = JSON.stringify(
    files.map(({ name, content }) => ({ name, base64: Buffer.from(content).toString('base64') })),
  );
  await page.evaluate(`(() => {
    const transfer = new DataTransfer();
    for (const { name, base64 } of ${payload}) {
      const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
      transfer.items.add(new File([bytes], name, { type: 'text/plain' }));
    }
    const fire = (type) => document.body.dispatchEvent(new DragEvent(type, { dataTransfer: transfer, bubbles: true, cancelable: true }));
    fire('dragenter');
    fire('dragover');
    if (${andDrop}) fire('drop');
  })()`);
}
