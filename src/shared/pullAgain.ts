// The words of the Hub's messages that say to pull again (engine/hub/errors.ts NETWORK_ADVICE,
// pullLock.ts): right for `spanfill models pull`. A caller that pulled for something else says
// instead what to do again: the demo (services/demo.ts) to run the demo, the Models screen
// (renderer lib/pullWords.ts) to press Download.
export const PULL_AGAIN = 'then pull again';
