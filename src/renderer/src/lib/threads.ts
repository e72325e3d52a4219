// The note on more CPU threads than the machine has, for the Settings screen and the Train
// form: one rule with `spanfill train`'s, in src/shared/threads.ts.

export { threadsOverMachine } from '../../../shared/threads';
