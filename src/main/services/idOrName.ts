// What the command line's ID arguments accept: an id, or a name only one row has (a dataset's
// or a run's), since a name is what people remember. The services resolve it so that every
// command that takes a dataset or a run reads the same way and says the same things. Datasets
// keep their names distinct (refuseTakenName on rename, numberedName on import); runs may share
// one, and a name two rows share is refused where it is used.

import { DISPLAY_NAME_MAX } from '../../shared/contract/displayName';
import { ApiError } from '../../shared/errors';
import { clipText } from '../../shared/format';

export interface Named {
  readonly id: string;
  readonly name: string;
}

/** How one kind of row is spoken of: `dataset` / `datasets`, and the command that lists them. */
export interface NamedKind {
  readonly one: string;
  readonly many: string;
  readonly command: string;
}

/**
 * Refuses `name` for row `id` when it is another row's id: an id wins over a name (idOrName),
 * so no command could ever find the row by that name.
 */
export function refuseOthersId(id: string, name: string, rows: readonly Named[], kind: NamedKind): void {
  if (name === id || !rows.some((row) => row.id === name)) return;
  throw new ApiError(
    'invalid_argument',
    `${name} is the id of another ${kind.one}; a ${kind.one} named so could not be found by its name (the id comes first): choose another name`,
  );
}

/**
 * Refuses `name` for row `id` (or a new row: '') when another row has it: a name finds one row,
 * so the refusal names the other's id, and how to rename it instead.
 */
export function refuseTakenName(id: string, name: string, rows: readonly Named[], kind: NamedKind): void {
  const other = rows.find((row) => row.id !== id && row.name === name);
  if (other === undefined) return;
  const kindWord = kind.one.charAt(0).toUpperCase() + kind.one.slice(1);
  throw new ApiError(
    'conflict',
    `${kindWord} ${other.id} is named ${JSON.stringify(name)} already; a name finds one ${kind.one}, so choose ` +
      `another (or rename ${other.id} first: \`${kind.command} rename ID NAME\`)`,
  );
}

/**
 * `name` as the `n`-th of its name ("notes.txt (2)"): what an import is named when another
 * dataset has its name. A name too long for the number is cut before it, so the number shows.
 */
export function numberedName(name: string, n: number): string {
  const suffix = ` (${n})`;
  return `${clipText(name, DISPLAY_NAME_MAX - suffix.length)}${suffix}`;
}

/**
 * Why a row was named `name` (numberedName), not `asked`: the row of `rows` that has that name;
 * `how` (after a space) says how to name either anew where a command does.
 */
export function numberedNote(name: string, asked: string, rows: readonly Named[], one: string, how = ''): string {
  const holder = rows.find((row) => row.name === asked);
  const who = holder === undefined ? `another ${one}` : `${one} ${holder.id}`;
  const named = `Named ${JSON.stringify(name)}: ${who} is named ${JSON.stringify(asked)} already`;
  return `${named}, and a name finds one ${one}${how === '' ? '' : ` ${how}`}`;
}

/**
 * The id `ref` names among `rows`: an id as given, else the one row of that name. Two or more
 * of that name ask for an id (listing them), a conflict: the command line is right and the
 * store holds two (the CLI's exit 1, as for none, which is not_found, saying where the ids are).
 */
export function idOrName(ref: string, rows: readonly Named[], kind: NamedKind): string {
  if (rows.some((row) => row.id === ref)) return ref;
  const named = rows.filter((row) => row.name === ref);
  if (named.length === 1) return named[0].id;
  if (named.length > 1)
    throw new ApiError(
      'conflict',
      `${named.length} ${kind.many} are named ${JSON.stringify(ref)} (${named.map((row) => row.id).join(', ')}); ` +
        `give one id, or rename one (\`${kind.command} rename ID NAME\`)`,
    );
  throw new ApiError(
    'not_found',
    `No ${kind.one} has the id or name ${JSON.stringify(ref)}; \`${kind.command}\` lists the ids and names`,
  );
}
