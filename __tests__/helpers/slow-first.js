// Test order: Jest starts the files it timed on an earlier run slowest first. Without those times
// (a fresh clone, CI) it goes by file size, which starts the short-sourced but long-running fault
// matrix last and leaves one worker running it alone at the end. Files without a time get a
// guess instead, so the long ones still start first: by folder, and for a file elsewhere that
// runs dist/index.js (it imports the action runner), as long as an end-to-end file.
import Sequencer from '@jest/test-sequencer'
import { readFileSync } from 'node:fs'

/** Rough milliseconds per file, by folder: child processes of dist/index.js against the simulator. */
const GUESS_MS = [
  [/[\\/]__tests__[\\/]faults[\\/]/, 40_000],
  [/[\\/]__tests__[\\/]e2e[\\/]/, 10_000],
  [/[\\/]__tests__[\\/]docs[\\/]/, 5_000]
]
const RUNS_BUNDLE_MS = 10_000
const RUNS_BUNDLE = /from '[./]*(helpers\/action|scripts\/action-runner)\.js'/

function guess(path) {
  const byFolder = GUESS_MS.find(([folder]) => folder.test(path))?.[1]
  if (byFolder !== undefined) return byFolder
  return RUNS_BUNDLE.test(readFileSync(path, 'utf8')) ? RUNS_BUNDLE_MS : 1_000
}

export default class SlowFirst extends Sequencer {
  time(test) {
    return super.time(test) ?? guess(test.path)
  }
}
