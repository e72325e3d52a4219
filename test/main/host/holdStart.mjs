// Loaded into an engine host by host.test.ts (NODE_OPTIONS=--import): registers module hooks
// that hold back the loading of the host's start module (host/start.ts, which the entry
// imports only after its first line has run) for SPANFILL_TEST_HOLD_MS, after writing the file
// SPANFILL_TEST_HOLD_MARKER. So a test knows, whatever the machine's load, when the host is past
// its first line and still loading, and has time to send it signals then.
import { register } from 'node:module';

register('./holdStartHooks.mjs', import.meta.url, {
  data: { marker: process.env.SPANFILL_TEST_HOLD_MARKER, holdMs: Number(process.env.SPANFILL_TEST_HOLD_MS) },
});
