// The check run is a report, not a gate on reaching Atlan: through dist/index.js, a GitHub API
// that is unreachable or slow never holds up the Atlan run, and an unreachable one is named as
// such in one warning.
import { describe, expect, it } from '@jest/globals'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startGitHubSim } from '../../sim/github/server.js'
import type { Simulator } from '../../sim/server.js'
import { closedPort } from '../helpers/closed-port.js'
import { parseCommandFile, runAction, startAction } from '../helpers/action.js'
import { HEADER, row, workspace, writeCsv } from '../helpers/csv.js'
import { expectClean, inputsFor, routes, sim, submits } from '../helpers/e2e.js'

const TOKEN = 'ghs_e2eGitHubToken000222'

function setUp(s: Simulator) {
  const dir = workspace()
  const file = writeCsv(dir, 'orders.csv', [HEADER, row('a', 'b')])
  const wf = s.seed({
    prefix: 'lineage',
    key: 'orders.csv',
    runs: [{ phase: 'Succeeded', durationS: 1 }]
  })
  const inputs = inputsFor(s, {
    workflow_name: wf,
    lineage_file: file,
    check_run: 'true',
    github_token: TOKEN,
    check_name: 'Lineage (orders)'
  })
  return { dir, inputs }
}

/** Resolves with `what` once `ready()` holds, or with 'gave up' after `maxPolls` polls of 20 ms. */
async function once(ready: () => boolean, what: string, maxPolls = 400): Promise<string> {
  for (let i = 0; i < maxPolls; i++) {
    if (ready()) return what
    await new Promise(r => setTimeout(r, 20))
  }
  return 'gave up'
}

describe('check run with the GitHub API unreachable or slow', () => {
  it('unreachable (a closed port): the Atlan run goes ahead, and one warning names the refused connection', async () => {
    const s = await sim()
    const { dir, inputs } = setUp(s)
    const r = await runAction({
      cwd: dir,
      inputs,
      env: {
        GITHUB_API_URL: `http://127.0.0.1:${await closedPort()}`,
        GITHUB_REPOSITORY: 'acme/lineage'
      }
    })
    expect(r.code).toBe(0)
    expect(r.outputs.phase).toBe('Succeeded')
    expect(r.outputs.check_run_id ?? '').toBe('')
    // The Atlan requests of a step without a check run: look-up, upload, one rerun, the follow.
    const seen = routes(s)
    expect(seen.slice(0, 1)).toEqual(['workflows.search'])
    expect(seen.indexOf('upload')).toBeGreaterThan(seen.indexOf('presign'))
    expect(seen.indexOf('rerun')).toBeGreaterThan(seen.indexOf('upload'))
    expect(submits(s)).toBe(1)
    const warnings = r.stdout.split('\n').filter(l => l.startsWith('::warning::'))
    expect(warnings).toEqual([
      '::warning::Check run "Lineage (orders)" skipped: could not reach the GitHub API to create it (connection refused); the step goes on without it. Check GITHUB_API_URL and the runner\'s network or proxy settings.'
    ])
    expect(r.stdout).not.toMatch(/HTTP 500|\(500\)/)
    // Given up only after the Atlan run was started (it was tried alongside, not before).
    expect(r.stdout.indexOf('Following the run')).toBeGreaterThan(-1)
    expect(r.stdout.indexOf('Following the run')).toBeLessThan(r.stdout.indexOf(warnings[0]))
    expectClean(r, s)
  }, 60_000) // room for the old behaviour (retries on every call) to fail on the assertions

  it('slow: Atlan gets the rerun while GitHub has not yet answered the check run create', async () => {
    const gh = await startGitHubSim()
    try {
      const s = await sim()
      const { dir, inputs } = setUp(s)
      // GitHub answers the create only once Atlan has the rerun (or, if that never comes
      // because the step waits on GitHub, after at most 8 s, and the test fails).
      const released = once(() => routes(s).includes('rerun'), 'rerun')
      gh.hold('checks/create', released)
      const r = await runAction({
        cwd: dir,
        inputs,
        env: { GITHUB_API_URL: gh.url, GITHUB_REPOSITORY: 'acme/lineage' }
      })
      expect(await released).toBe('rerun')
      expect(r.code).toBe(0)
      expect(r.outputs.phase).toBe('Succeeded')
      expect(r.stdout).not.toMatch(/::warning::/)
      // The check run still tells the whole story: created, pointed at the run, completed.
      const [check] = gh.checkRuns()
      expect(check).toMatchObject({
        status: 'completed',
        conclusion: 'success',
        external_id: r.outputs.run_id
      })
      expect(gh.schemaViolations()).toEqual([])
      expectClean(r, s)
    } finally {
      await gh.close()
    }
  })

  it('never answering: outputs and summary are written before the step waits on the check run', async () => {
    // Accepts every connection and answers nothing.
    const sockets: Socket[] = []
    const silent = createServer(socket => void sockets.push(socket.on('error', () => undefined)))
    await new Promise<void>(resolve => silent.listen(0, '127.0.0.1', resolve))
    const dir = mkdtempSync(join(tmpdir(), 'silent-github-'))
    const files = { output: join(dir, 'output'), summary: join(dir, 'summary') }
    for (const f of Object.values(files)) writeFileSync(f, '')
    try {
      const s = await sim()
      const { dir: cwd, inputs } = setUp(s)
      const step = startAction({
        cwd,
        inputs,
        env: {
          GITHUB_API_URL: `http://127.0.0.1:${(silent.address() as { port: number }).port}`,
          GITHUB_REPOSITORY: 'acme/lineage',
          GITHUB_OUTPUT: files.output,
          GITHUB_STEP_SUMMARY: files.summary
        }
      })
      // Well before the check run's tries give up (three of 10 s each, 1 s and 4 s apart).
      // Outputs, then the summary (written asynchronously): both, while the step still waits.
      const written = await once(
        () =>
          parseCommandFile(readFileSync(files.output, 'utf8')).phase === 'Succeeded' &&
          readFileSync(files.summary, 'utf8').includes('Succeeded'),
        'written',
        1000
      )
      const stillWaiting = step.child.exitCode === null
      step.child.kill('SIGKILL')
      await step.done
      expect(written).toBe('written')
      expect(stillWaiting).toBe(true)
      expect(parseCommandFile(readFileSync(files.output, 'utf8'))).toMatchObject({
        phase: 'Succeeded',
        check_run_id: ''
      })
      expect(readFileSync(files.summary, 'utf8')).toContain('Succeeded')
      expect(submits(s)).toBe(1)
    } finally {
      for (const socket of sockets) socket.destroy()
      await new Promise<void>(resolve => silent.close(() => resolve()))
      rmSync(dir, { recursive: true, force: true })
    }
  }, 60_000)

  it('answered only after the outputs were written: check_run_id is written then', async () => {
    const gh = await startGitHubSim()
    const dir = mkdtempSync(join(tmpdir(), 'late-github-'))
    const output = join(dir, 'output')
    writeFileSync(output, '')
    try {
      const s = await sim()
      const { dir: cwd, inputs } = setUp(s)
      const released = once(
        () => parseCommandFile(readFileSync(output, 'utf8')).phase === 'Succeeded',
        'outputs',
        1000
      )
      gh.hold('checks/create', released)
      const r = await runAction({
        cwd,
        inputs,
        env: { GITHUB_API_URL: gh.url, GITHUB_REPOSITORY: 'acme/lineage', GITHUB_OUTPUT: output }
      })
      expect(await released).toBe('outputs')
      expect(r.code).toBe(0)
      const outputs = parseCommandFile(readFileSync(output, 'utf8'))
      const [check] = gh.checkRuns()
      expect(check).toMatchObject({ status: 'completed', conclusion: 'success' })
      expect(outputs.check_run_id).toBe(String(check.id))
      expect(JSON.parse(outputs.result)).toMatchObject({ check_run_id: check.id })
    } finally {
      await gh.close()
      rmSync(dir, { recursive: true, force: true })
    }
  }, 60_000)
})
