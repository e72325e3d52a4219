// A sent form's error that is about one of its fields (a path it names, a prompt it refuses) is
// that field's error too, as a box's error as it is typed is (NumberField): the field is marked
// (aria-invalid) and described by the error, and takes the focus as the send fails because of
// it, as a press of Train's Start or the Playground's Fill takes it to the box marked wrong
// (invalidFocus.ts). The mark goes as the field is edited or as the error goes (cleared, or
// another in its place). Errors about no field (a server failure) mark none.
// NOTE: no DOM and no runes here: the panel passes how to focus its field, and the mark's cell
// ($state({ marked: undefined }) in a component, which makes it reactive; a plain object in tests).

/** Where the error a field was marked with at its form's last send is kept, until the field is edited. */
export interface MarkCell {
  marked: string | undefined;
}

export class SentFieldError {
  readonly #cell: MarkCell;
  readonly #current: () => string | undefined;

  /** `current`: the error the form shows now (its store's), whichever send it came from. */
  constructor(cell: MarkCell, current: () => string | undefined) {
    this.#cell = cell;
    this.#current = current;
  }

  /** The error the field carries: the one it was marked with, while the form still shows it. */
  get error(): string | undefined {
    const marked = this.#cell.marked;
    return marked !== undefined && marked === this.#current() ? marked : undefined;
  }

  /**
   * A send settled: the field is marked with the error the form shows if `isAbout` it, and then
   * `focus` is called; otherwise (no error, or one about no field) it is not marked.
   */
  settled(isAbout: (error: string) => boolean, focus: () => void): void {
    const error = this.#current();
    this.#cell.marked = error !== undefined && isAbout(error) ? error : undefined;
    if (this.#cell.marked !== undefined) focus();
  }

  /** The field was edited: the error it carried was about what it held before. */
  edited(): void {
    this.#cell.marked = undefined;
  }
}

/**
 * True when `error` is about a field holding `typed` (one or more paths, one a line): it names
 * one of them, or the field is empty (a form refuses an empty path before it is sent).
 */
export function isAboutPaths(error: string, typed: string): boolean {
  const paths = typed
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '');
  return paths.length === 0 || paths.some((path) => error.includes(path));
}
