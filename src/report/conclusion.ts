// Check-run conclusion for a result (README.md "Check run and branch protection").
import type { CheckConclusion } from '../github/checks.js'
import type { ActionResult } from './result.js'

export function conclusionOf(result: ActionResult, warnings: number): CheckConclusion {
  switch (result.phase) {
    case 'Failed':
    case 'Error':
    case 'Invalid':
      return 'failure'
    case 'TimedOut':
      return 'timed_out'
    case 'Cancelled':
      return 'cancelled'
    case 'Skipped':
      return 'skipped'
    case 'Running':
      return 'neutral'
    case 'Succeeded':
    case 'DryRun':
      // A flagged run (verify or prune found something) is neutral, as its ⚠ title says.
      return result.failed ? 'failure' : warnings > 0 || result.flagged ? 'neutral' : 'success'
  }
}
