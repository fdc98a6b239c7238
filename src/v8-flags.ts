// Imported first by index.ts: V8 settings for a short, single-shot process, set before anything
// runs (the action cannot pass node flags: the runner starts `node dist/index.js`). Measured with
// `npm run bench -- step` (peak RSS, CPU) on a 100 MB CSV and with `-- --rows 2000`.
import { setFlagsFromString } from 'node:v8'

// undici parses HTTP with llhttp compiled to WebAssembly, and V8 recompiles that module with its
// optimizing compiler once it is warm: about 35 MB of memory for an instant and 0.1 s of CPU,
// more than the whole check of a small CSV. The baseline compiler's code parses the few replies
// the action reads fast enough. The flag is read when a module is compiled.
setFlagsFromString('--liftoff-only')

// The CSV pass allocates many short-lived strings, and V8 grows the young generation for them (to
// 32 MB here) although nearly all of it is garbage at the next scavenge. Keeping it at its
// starting size saves 10 to 25 MB of peak RSS (100 MB CSV, 2,000 rows, tenant bench) at no
// measured CPU cost. The factor is read whenever the space would grow.
setFlagsFromString('--semi-space-growth-factor=1')
