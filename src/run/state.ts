// What the post step needs to stop a run the main step left in flight (runner state file).
// Saved before a submit is sent, updated as soon as the run's name is known, and cleared by every
// ending of the main step that is not a cancellation: only a cancelled or killed main step leaves
// it behind for the post step.
import * as core from '@actions/core'
import { z } from 'zod'
import { isValidName } from '../atlan/client.js'

const IS_POST = 'isPost'
const IN_FLIGHT = 'runInFlight'

export interface InFlight {
  workflowName: string
  /** Known at once after a rerun; after a create or an unanswered submit, found by search. */
  runName?: string
  /** Runs of the workflow that were already Pending/Running before the submit: not ours. */
  earlierActive?: string[]
}

export function isPostStep(): boolean {
  return core.getState(IS_POST) === 'true'
}

export function markMainStarted(): void {
  core.saveState(IS_POST, 'true')
}

export function saveInFlight(run: InFlight | undefined): void {
  core.saveState(IN_FLIGHT, run ? JSON.stringify(run) : '')
}

const runName = z.string().check(z.refine(isValidName))

/** The state as saved; names that would go into a URL must be valid run names. */
const inFlightSchema = z.object({
  workflowName: runName,
  runName: z.optional(runName),
  // Only a hint for finding the run: a broken list is dropped, not a reason to stop nothing.
  earlierActive: z.catch(
    z.optional(
      z.pipe(
        z.array(z.unknown()),
        z.transform(names => names.filter(n => typeof n === 'string'))
      )
    ),
    undefined
  )
})

/** The saved run, or undefined when there is none or it is not well-formed (never trusted blindly). */
export function loadInFlight(): InFlight | undefined {
  const text = core.getState(IN_FLIGHT)
  if (!text) return undefined
  try {
    const saved = inFlightSchema.safeParse(JSON.parse(text))
    return saved.success ? saved.data : undefined
  } catch {
    return undefined
  }
}
