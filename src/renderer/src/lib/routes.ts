// The screens of the app, in navigation order, with the hash each lives at (#/datasets).
// Hash routing needs no server support, so the same build works from file:// and HTTP.

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
  const id = hash.replace(/^#\/?/, '');
  return routes.find((route) => route.id === id)?.id ?? 'datasets';
}
