// V8 settings for a short, single-shot process (the action cannot pass node flags: the runner
// starts `node dist/index.js`). Measured with `npm run bench -- step` (peak RSS, CPU) on a 100 MB
// CSV and with `-- --rows 2000`.
//
// Set once the inputs are valid, not at start: a flag set at run time changes V8's flag hash, so
// every Node built-in module loaded afterwards is compiled again instead of coming from Node's code
// cache (about 15-30 ms of CPU: `npm run bench -- cold-start` went from 1.28x to 1.6x a bare
// bundle when they were set at start). By the time the step has parsed its inputs, most built-ins
// it needs are loaded; the flags still come before the CSV pass and the first request.
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'

let tuned = false

/** Applies the flags below, once. */
export function tuneV8ForWork(): void {
  if (tuned) return
  tuned = true

  // undici parses HTTP with llhttp compiled to WebAssembly, and V8 recompiles that module with its
  // optimizing compiler once it is warm: about 35 MB of memory for an instant and 0.1 s of CPU,
  // more than the whole check of a small CSV. The baseline compiler's code parses the few replies
  // the action reads fast enough. The flag is read when a module is compiled. Node 24's V8 (13.6)
  // ignores --liftoff-only set after start while its "dynamic tiering" is on, and still tiers up:
  // turning off dynamic tiering and tier-up as well keeps the parser on Liftoff there (2,000-row
  // step bench on node24: 116-121 to 99-106 MB peak RSS and 0.50 to 0.43 s CPU; either flag alone
  // saved less: 113 and 120 MB). Node 20: no change (80-82 MB), --liftoff-only alone works there.
  setFlagsFromString('--liftoff-only')
  setFlagsFromString('--no-wasm-dynamic-tiering')
  setFlagsFromString('--no-wasm-tier-up')

  // The CSV pass allocates many short-lived strings, and V8 grows the young generation for them (to
  // 32 MB here) although nearly all of it is garbage at the next scavenge. Keeping it at its
  // starting size saves 10 to 25 MB of peak RSS (100 MB CSV, 2,000 rows, tenant bench) at no
  // measured CPU cost. The factor is read whenever the space would grow.
  setFlagsFromString('--semi-space-growth-factor=1')

  // Loading the bundle has already grown the young generation (the flag above only stops further
  // growth): one full collection now, while the heap is small (a few ms), gives that room back
  // before the CSV pass (node24, 100 MB step: about 160 to 147 MB peak RSS with the flags set
  // here instead of at start). `gc` is reached the documented way, by exposing it; if a runtime
  // does not expose it, nothing is lost but the saving.
  try {
    setFlagsFromString('--expose-gc')
    const gc: unknown = runInNewContext('gc')
    if (typeof gc === 'function') gc()
  } catch {
    // not exposed: keep going
  }
}
