// Test order: Jest starts the files it timed on an earlier run slowest first. Without those times
// (a fresh clone, CI) it goes by file size, which starts the short-sourced but long-running fault
// matrix last and leaves one worker running it alone at the end. Files without a time get a
// guess from their folder instead, so the long ones still start first.
import Sequencer from '@jest/test-sequencer'

/** Rough seconds per file, by folder: child processes of dist/index.js against the simulator. */
const GUESS_MS = [
  [/[\\/]__tests__[\\/]faults[\\/]/, 40_000],
  [/[\\/]__tests__[\\/](e2e|security)[\\/]/, 10_000],
  [/[\\/]__tests__[\\/]docs[\\/]/, 5_000]
]

export default class SlowFirst extends Sequencer {
  time(test) {
    return super.time(test) ?? GUESS_MS.find(([folder]) => folder.test(test.path))?.[1] ?? 1_000
  }
}
