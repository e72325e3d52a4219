// The window title: the screen, and while a run trains its progress first, so a window in the
// background (a browser tab, the taskbar) shows how far training has come.

export interface TitleProgress {
  readonly step: number;
  readonly totalSteps: number;
}

/** "Datasets — Spanfill", or "42 % trained · Datasets — Spanfill" while a run trains. */
export function windowTitle(screen: string, training?: TitleProgress): string {
  const base = `${screen} — Spanfill`;
  if (!training || training.totalSteps <= 0) return base;
  const percent = Math.floor((100 * Math.min(training.step, training.totalSteps)) / training.totalSteps);
  return `${percent} % trained · ${base}`;
}
