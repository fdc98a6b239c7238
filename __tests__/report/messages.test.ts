// Issue 16 "Messages": each says what happened once, with the fix that applies, and no doubled
// quoting or text.
import { describe, expect, it } from '@jest/globals'
import { RequestError } from '@octokit/request-error'
import { serverDetail } from '../../src/atlan/error-mapping.js'
import { ConfigError } from '../../src/config/errors.js'
import { parseConfig } from '../../src/config/parse.js'
import { CheckRunReporter } from '../../src/github/checks.js'
import { csvProblem, type CsvFileCheck as CsvCheck } from '../../src/lineage/check.js'
import { failureMessage, lifecycleResult } from '../../src/report/result.js'
import type { ApplyDeps } from '../../src/run/apply.js'
import { settingDifferences } from '../../src/run/settings.js'
import { makeClient, text } from '../atlan/fakes.js'
import { rawInputs } from '../helpers/inputs.js'
import { useRunnerFiles } from '../helpers/env.js'
import { fakeApi, resolveAndApply } from '../run/fake-api.js'

useRunnerFiles()

function configError(inputs: Record<string, string>): string {
  try {
    parseConfig(rawInputs(inputs))
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError)
    return (e as Error).message
  }
  throw new Error('expected a ConfigError')
}

const WF = 'csa-lineage-builder-1714638976'

describe('input messages', () => {
  it('duration bounds are written as durations', () => {
    expect(configError({ workflow_name: WF, timeout: '500ms' })).toContain(
      'it must be between 1s and 6h'
    )
    expect(configError({ workflow_name: WF, request_timeout: '1h' })).toContain(
      'between 100ms and 15m'
    )
    expect(configError({ workflow_name: WF, index_grace: '2h' })).toContain('between 0s and 1h')
  })

  it('the inputs an object store lacks are named together, with the list once', () => {
    const m = configError({
      mode: 'create',
      object_store: 's3',
      prefix: 'p',
      object_key: 'k.csv'
    })
    expect(m).toBe(
      'Invalid inputs: inputs "s3_access_key", "s3_secret_key", "s3_region", "s3_bucket": required when object_store is s3 (s3 needs all of s3_access_key, s3_secret_key, s3_region, s3_bucket)'
    )
  })
})

describe('CSV messages', () => {
  it('counts are plural only when they are', () => {
    const check = (error: number, rowsWithErrors: number) =>
      csvProblem({
        file: 'l.csv',
        validation: { counts: { error, warning: 0, notice: 0 }, rowsWithErrors }
      } as CsvCheck)?.text
    expect(check(1, 0)).toBe('l.csv has 1 error (see the annotations and the job summary)')
    expect(check(1, 1)).toMatch(/^l\.csv has 1 error in 1 row \(/)
    expect(check(3, 2)).toMatch(/^l\.csv has 3 errors in 2 rows \(/)
  })
})

describe('run messages', () => {
  it('a rerun setting difference quotes each value once', () => {
    const config = parseConfig(rawInputs({ workflow_name: WF, field_separator: ';' }))
    const diffs = settingDifferences(config, { name: WF, parameters: { field_separator: ',' } })
    expect(diffs.join('\n')).toContain(`the input is ";", but ${WF} stores ","`)
    expect(diffs.join('\n')).not.toContain('\\"')
  })

  it.each([
    ['warn', /the step passes \(on_timeout: warn\)/, /set on_timeout: warn/],
    ['fail', /set on_timeout: warn to pass anyway/, /the step passes/]
  ])('on_timeout: %s says what applies', async (onTimeout, has, hasNot) => {
    const api = fakeApi()
    api.workflows.push({ name: WF, namespace: 'default', parameters: { lineage_key: 'k.csv' } })
    api.getRun = async name => ({ name, workflowName: WF, phase: 'Running' })
    let now = 1_800_000_000_000
    const warnings: string[] = []
    const deps: ApplyDeps = {
      api,
      now: () => now,
      sleep: async ms => void (now += ms),
      random: () => 0.5,
      log: { info: () => undefined, warning: m => void warnings.push(m), debug: () => undefined },
      signal: new AbortController().signal
    }
    const config = parseConfig(
      rawInputs({ workflow_name: WF, timeout: '1m', on_timeout: onTimeout })
    )
    const out = await resolveAndApply(deps, config)
    expect(lifecycleResult(out).phase).toBe('TimedOut')
    expect(lifecycleResult(out).message).toMatch(has)
    expect(lifecycleResult(out).message).not.toMatch(hasNot)
    if (onTimeout === 'warn') expect(warnings.join('\n')).not.toMatch(hasNot)
  })

  it("a failed run's error names the run, the workflow and the link before Atlan's message", () => {
    expect(
      failureMessage({
        phase: 'Failed',
        runId: `${WF}-abcde`,
        workflowName: WF,
        runUrl: 'https://t.atlan.com/workflows/profile/x/runs?name=y',
        message: 'Asset STG_ORDERS not found',
        failed: true
      })
    ).toBe(
      `Run ${WF}-abcde of workflow ${WF} failed in Atlan: Asset STG_ORDERS not found (https://t.atlan.com/workflows/profile/x/runs?name=y)`
    )
    expect(failureMessage({ phase: 'Invalid', message: 'bad input', failed: true })).toBe(
      'bad input'
    )
    expect(failureMessage({ phase: 'TimedOut', failed: true })).toBe('The run ended Timed out.')
  })
})

describe('server text', () => {
  it('a cause that repeats the message is said once', () => {
    const d = serverDetail(
      JSON.stringify({
        errorCode: 'ATLAN-1',
        errorMessage: 'Workflow not found',
        causes: [{ errorType: 'Not Found', errorMessage: 'Workflow not found' }],
        errorCause: 'Not Found'
      })
    )
    expect(d).toBe('ATLAN-1: Workflow not found; cause: Not Found')
  })

  it('"bearer token is invalid" is not redacted; a real bearer token is', async () => {
    const { client } = makeClient([
      text(400, 'bearer token is invalid; got Bearer abcdefghijklmnop1234567890')
    ])
    const err = (await client.getRun(`${WF}-abcde`).catch((e: unknown) => e)) as Error
    expect(err.message).toContain('bearer token is invalid')
    expect(err.message).toContain('Bearer ***')
    expect(err.message).not.toContain('abcdefghijklmnop')
  })
})

describe('check run advice fits the status', () => {
  it.each([
    [403, /permissions: checks: write/],
    [404, /belongs to this repository/]
  ])('HTTP %d', async (status, advice) => {
    const warnings: string[] = []
    const url = 'https://api.github.com/repos/o/r/check-runs'
    const error = new RequestError('x', status, {
      request: { method: 'POST', url, headers: {} },
      response: {
        status,
        url,
        headers: {},
        data: { message: status === 404 ? 'Not Found' : 'Resource not accessible' }
      }
    })
    const reporter = new CheckRunReporter({
      owner: 'o',
      repo: 'r',
      warning: m => void warnings.push(m),
      octokit: {
        rest: {
          checks: {
            create: (async () => {
              throw error
            }) as never,
            update: (async () => {
              throw error
            }) as never
          }
        }
      }
    })
    await reporter.start({ name: 'Lineage', headSha: 'a'.repeat(40), title: 't', summary: 's' })
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toMatch(advice)
    if (status === 404) expect(warnings[0]).not.toMatch(/checks: write/)
  })
})
