// What a failed call says on a screen: its error's message (the services' errors arrive with
// their own words, the transport's with what to do), or the thrown value as text.

export function errorMessage(caught: unknown): string {
  return caught instanceof Error ? caught.message : String(caught);
}
