// What the post step needs to stop a run the main step left in flight (runner state file).
import * as core from '@actions/core'

const IS_POST = 'isPost'
const IN_FLIGHT = 'runInFlight'

export interface InFlight {
  workflowName: string
  runName?: string
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

export function loadInFlight(): InFlight | undefined {
  const text = core.getState(IN_FLIGHT)
  if (!text) return undefined
  try {
    return JSON.parse(text) as InFlight
  } catch {
    return undefined
  }
}
