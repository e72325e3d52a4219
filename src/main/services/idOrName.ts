// What the command line's ID arguments accept: an id, or a name only one row has (a dataset's
// or a run's), since a name is what people remember. The services resolve it so that every
// command that takes a dataset or a run reads the same way and says the same things.

import { ApiError } from '../../shared/errors';

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
 * The id `ref` names among `rows`: an id as given, else the one row of that name. Two or more
 * of that name ask for an id (listing them); none is not_found, saying where the ids are.
 */
export function idOrName(ref: string, rows: readonly Named[], kind: NamedKind): string {
  if (rows.some((row) => row.id === ref)) return ref;
  const named = rows.filter((row) => row.name === ref);
  if (named.length === 1) return named[0].id;
  if (named.length > 1)
    throw new ApiError(
      'invalid_argument',
      `${named.length} ${kind.many} are named ${JSON.stringify(ref)} (${named.map((row) => row.id).join(', ')}); ` +
        `give one id, or rename one (\`${kind.command} rename ID NAME\`)`,
    );
  throw new ApiError(
    'not_found',
    `No ${kind.one} has the id or name ${JSON.stringify(ref)}; \`${kind.command}\` lists the ids and names`,
  );
}
