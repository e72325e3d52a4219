// Types of what measure.mjs exports (tests read its plans).
export interface PlanItem {
  readonly name: string;
  readonly args: readonly string[];
  /** Seconds before the item is stopped. */
  readonly limit: number;
}
export const PLANS: Readonly<Record<string, readonly PlanItem[]>>;
