// The screens of the app, in navigation order, with the hash each lives at (#/datasets).
// Hash routing needs no server support, so the same build works from file:// and HTTP.
//
// To add a screen (id `foo`):
//   1. add `{ id: 'foo', label, icon }` to `routes` below and 'foo' to Route['id'];
//   2. write screens/foo/FooScreen.svelte (its sub-components go in the same folder) and add
//      `foo: FooScreen` to the `screens` map in App.svelte — a missing entry fails svelte-check;
//   3. the screen talks to main only through `api` (lib/api.ts), usually via a domain store
//      lib/foo.svelte.ts like lib/datasets.svelte.ts. A new call goes in the contract first:
//      src/shared/contract/<domain>.ts, its handler in src/main/services/<domain>.ts, spread
//      in src/main/services/handlers.ts (README "Extending", ARCHITECTURE.md "To add a …").
//   4. the e2e tests find it by data-testid `nav-foo` / `screen-foo` (App.svelte sets both).

export interface Route {
  readonly id: 'datasets' | 'masking' | 'train' | 'runs' | 'playground' | 'models' | 'settings';
  readonly label: string;
  /** Single-letter hint shown in the nav; Alt+number also jumps there. */
  readonly icon: string;
}

export const routes: readonly Route[] = [
  { id: 'datasets', label: 'Datasets', icon: '▤' },
  { id: 'masking', label: 'Masking', icon: '▧' },
  { id: 'train', label: 'Train', icon: '▶' },
  { id: 'runs', label: 'Runs', icon: '≋' },
  { id: 'playground', label: 'Playground', icon: '✎' },
  { id: 'models', label: 'Models', icon: '◆' },
  { id: 'settings', label: 'Settings', icon: '⚙' },
];

export type RouteId = Route['id'];

export function routeFromHash(hash: string): RouteId {
  const id = hash.replace(/^#\/?/, '').split('/')[0];
  return routes.find((route) => route.id === id)?.id ?? 'datasets';
}
