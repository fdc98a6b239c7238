// Imported first by index.ts. undici parses HTTP with llhttp compiled to WebAssembly, and V8
// recompiles that module with its optimizing compiler once it is warm: about 35 MB of memory for
// an instant and 0.1 s of CPU, more than the whole check of a small CSV (`npm run bench -- step
// --rows 2000`). The baseline compiler's code parses the few replies the action reads fast
// enough. The flag is read when a module is compiled, so setting it before the first request is
// in time.
import { setFlagsFromString } from 'node:v8'

setFlagsFromString('--liftoff-only')
