// A tiny seeded random generator for generated test cases: the suites' one mulberry32
// (test/support/fuzz.ts), under the name the import and CSV tests use; a failing case can be
// replayed from its seed.

export { seededRandom as seeded } from './fuzz';
