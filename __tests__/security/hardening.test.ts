// Issue "Hardening", rows 3-7, 11, 17 and the DNS/proxy messages, reproduced against dist/index.js
// and the simulator on 127.0.0.1. Each test attacks the action and asserts the safe outcome.
import { afterEach, describe, expect, it } from '@jest/globals'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { runAction, startAction, type Started } from '../helpers/action.js'
import { API_KEY, expectClean, inputsFor, routes, sim, submits } from '../helpers/e2e.js'
import { startProxy, type RecordingProxy } from '../helpers/proxy.js'
import { repoRoot } from '../helpers/shared.js'
import type { Simulator } from '../../sim/server.js'

const csv = () => readFileSync(join(repoRoot, 'examples/lineage.csv'))
const stops = (s: Simulator) => s.requests().filter(q => q.route === 'stop')

/** The step's message, from the `result` output. */
const message = (run: { outputs: Record<string, string> }): string =>
  (JSON.parse(run.outputs.result ?? '{}') as { message?: string }).message ?? ''

const cleanups: Array<() => unknown> = []
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
})

function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

/** Resolves once the simulator has seen a request on `route` (bounded: 20 s). */
async function seen(s: Simulator, route: string): Promise<void> {
  for (let i = 0; i < 400; i++) {
    if (s.requests().some(q => q.route === route)) return
    await new Promise(r => setTimeout(r, 50))
  }
  throw new Error(`no ${route} request within 20 s: ${routes(s).join(', ')}`)
}

async function rerunSetup(scenario = {}) {
  const s = await sim({ runningMs: 60_000, stopMs: 200, ...scenario })
  const wf = s.seed({ prefix: 'p', key: 'k.csv' })
  s.objects().set('p/k.csv', csv())
  return { s, wf }
}

async function killAnd(action: Started, sig: NodeJS.Signals = 'SIGINT') {
  action.child.kill(sig)
  return action.done
}

describe('row 3: the post step only stops runs of a cancelled main step', () => {
  it('main step ends Error (401 mid-run): the state is cleared and the post step sends no stop', async () => {
    const { s, wf } = await rerunSetup()
    const inputs = inputsFor(s, { workflow_name: wf })
    // The run starts; the rerun's reply comes 1 s later, and from then on the token is refused.
    s.addFault({ route: 'rerun', kind: 'slow', delayMs: 1000 })
    const main = startAction({ inputs })
    await seen(s, 'rerun')
    s.addFault({ route: 'runs.search', kind: 'status', status: 401, count: -1 })
    const run = await main.done
    expect(run.outputs.phase).toBe('Error')
    expect(message(run)).toMatch(/401/)
    expect(run.state.runInFlight ?? '').toBe('')
    const before = s.requests().length
    const post = await runAction({ inputs, state: run.state })
    expect(post.code).toBe(0)
    expect(stops(s)).toHaveLength(0)
    expect(s.requests()).toHaveLength(before)
  })
})

describe('row 4: a signal during a slow submit', () => {
  it('interrupts it; the state saved before the submit lets the post step find and stop the run', async () => {
    const { s, wf } = await rerunSetup()
    // Atlan starts the run at once but answers 20 s later.
    s.addFault({ route: 'rerun', kind: 'slow', delayMs: 20_000 })
    const before = new Set(s.runs().map(r => r.name))
    const inputs = inputsFor(s, { workflow_name: wf, request_timeout: '30s' })
    const main = startAction({ inputs })
    await seen(s, 'rerun')
    const run = await killAnd(main)
    expect(run.signal).toBeNull()
    expect(run.outputs.phase).toBe('Cancelled')
    expect(JSON.parse(run.state.runInFlight)).toMatchObject({ workflowName: wf })
    expect(submits(s)).toBe(1)
    expect(stops(s)).toHaveLength(0)

    const post = await runAction({ inputs, state: run.state })
    expect(post.code).toBe(0)
    const started = s.runs().filter(r => !before.has(r.name))
    expect(started).toHaveLength(1)
    expect(stops(s)).toHaveLength(1)
    expect(stops(s)[0].path).toBe(`/api/service/runs/${started[0].name}/stop`)
    expect(submits(s)).toBe(1)
    expectClean(post, s)
  })
})

describe('row 5: after a 503 on submit, a signal during the follow-up search', () => {
  it('sends no second submit', async () => {
    const { s, wf } = await rerunSetup()
    s.addFault({ route: 'rerun', kind: 'status', status: 503 })
    const before = s.runs().length
    const inputs = inputsFor(s, { workflow_name: wf, request_timeout: '5s' })
    const main = startAction({ inputs })
    await seen(s, 'rerun')
    // The follow-up searches answer slowly: the signal lands while one is in flight.
    s.addFault({ route: 'runs.search', kind: 'slow', delayMs: 1500, count: -1 })
    await new Promise(r => setTimeout(r, 300))
    const run = await killAnd(main)
    expect(run.outputs.phase).toBe('Cancelled')
    expect(submits(s)).toBe(1)
    expect(s.runs()).toHaveLength(before)
    expectClean(run, s)
  })
})

describe('row 11: a signal stops validation and uploads', () => {
  it('SIGINT during the upload: it stops, and nothing is submitted', async () => {
    const { s, wf } = await rerunSetup()
    s.addFault({ route: 'upload', kind: 'slow', delayMs: 20_000 })
    const main = startAction({
      inputs: inputsFor(s, {
        workflow_name: wf,
        lineage_file: 'examples/lineage.csv',
        request_timeout: '30s'
      })
    })
    await seen(s, 'upload')
    const run = await killAnd(main)
    expect(run.outputs.phase).toBe('Cancelled')
    expect(submits(s)).toBe(0)
    expect(routes(s).filter(r => r === 'upload')).toHaveLength(1)
  })

  it('SIGINT during validation of a large CSV: nothing is presigned, uploaded or submitted', async () => {
    const { s, wf } = await rerunSetup()
    const dir = tempDir('big-csv-')
    const lines = readFileSync(join(repoRoot, 'examples/lineage.csv'), 'utf8').split('\n')
    const body = lines.slice(1).filter(Boolean).join('\n') + '\n'
    const block = body.repeat(Math.ceil((1 << 20) / body.length))
    writeFileSync(join(dir, 'big.csv'), lines[0] + '\n' + block.repeat(90))
    const main = startAction({
      cwd: dir,
      inputs: inputsFor(s, { workflow_name: wf, lineage_file: 'big.csv' })
    })
    await main.waitFor(/Validating lineage_file/)
    const run = await killAnd(main)
    expect(run.stdout).not.toMatch(/Checked \d+ rows/)
    expect(run.outputs.phase).toBe('Cancelled')
    expect(routes(s).filter(r => ['presign', 'upload', 'rerun', 'submit'].includes(r))).toEqual([])
  })
})

/**
 * A front for the simulator that answers the presign call itself with `url` and forwards every
 * other request: a hostile or confused tenant.
 */
async function presignFront(s: Simulator, url: string): Promise<string> {
  const target = new URL(s.url)
  const server = http.createServer((req, res) => {
    if (req.url === '/api/service/files/presignedUrl') {
      req.resume()
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ url }))
      return
    }
    const up = http.request(
      {
        host: target.hostname,
        port: target.port,
        method: req.method,
        path: req.url,
        headers: req.headers
      },
      r => {
        res.writeHead(r.statusCode ?? 502, r.headers)
        r.pipe(res)
      }
    )
    up.on('error', () => res.writeHead(502).end())
    req.pipe(up)
  })
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r))
  cleanups.push(() => new Promise(r => server.close(r)))
  server.unref()
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}

describe('row 6: outbound policy for presigned URLs', () => {
  it.each([
    'http://169.254.169.254/latest/meta-data/iam/security-credentials/x',
    'http://metadata.google.internal/computeMetadata/v1/token',
    'http://10.20.30.40/bucket/k.csv?sig=abc'
  ])('%s is refused before any connection', async url => {
    const { s, wf } = await rerunSetup()
    const front = await presignFront(s, url)
    // Anything not to 127.0.0.1 would go through this recording proxy instead of the network.
    const proxy: RecordingProxy = await startProxy()
    cleanups.push(() => proxy.close())
    const run = await runAction({
      inputs: {
        ...inputsFor(s, { workflow_name: wf, lineage_file: 'examples/lineage.csv' }),
        atlan_base_url: front
      },
      env: { HTTP_PROXY: proxy.url, HTTPS_PROXY: proxy.url, NO_PROXY: '127.0.0.1' }
    })
    expect(run.code).toBe(1)
    expect(run.outputs.phase).toBe('Error')
    expect(message(run)).toMatch(/Refusing to upload to the presigned URL/)
    expect(proxy.seen()).toEqual([])
    expect(submits(s)).toBe(0)
    expect(routes(s)).not.toContain('upload')
  })

  it("an internal service's error body is summarised, never quoted", async () => {
    const { s, wf } = await rerunSetup()
    const internal = http.createServer((req, res) => {
      req.resume()
      res
        .writeHead(500, { 'content-type': 'text/plain' })
        .end(`db_password=hunter2-SECRET\nconfig: ${'x'.repeat(5000)}`)
    })
    await new Promise<void>(r => internal.listen(0, '127.0.0.1', r))
    cleanups.push(() => new Promise(r => internal.close(r)))
    const port = (internal.address() as AddressInfo).port
    const front = await presignFront(s, `http://127.0.0.1:${port}/objectstore/k.csv?sig=x`)
    const run = await runAction({
      inputs: {
        ...inputsFor(s, { workflow_name: wf, lineage_file: 'examples/lineage.csv' }),
        atlan_base_url: front,
        timeout: '10s'
      },
      // Each upload attempt meets the same 500: only the back-off between them would take time.
      minJitter: true
    })
    expect(run.outputs.phase).toBe('Error')
    expect(run.everything).not.toContain('hunter2')
    expect(run.everything).not.toContain('x'.repeat(200))
    expect(message(run)).toMatch(/object store .*500/)
  })
})

describe('row 7: lineage_file is confined to the workspace', () => {
  function workspaceWithEscapes(): { dir: string; outside: string } {
    const root = tempDir('confine-')
    const dir = join(root, 'ws')
    const outside = join(root, 'outside')
    mkdirSync(dir)
    mkdirSync(outside)
    writeFileSync(join(outside, 'secrets.csv'), 'TOKEN=do-not-upload\n')
    writeFileSync(join(dir, 'lineage.csv'), csv())
    symlinkSync(join(outside, 'secrets.csv'), join(dir, 'link.csv'))
    symlinkSync(outside, join(dir, 'linkdir'))
    mkdirSync(join(dir, 'sub'))
    return { dir, outside }
  }

  it.each([
    ['../outside/secrets.csv', /outside the workspace/],
    ['<abs>', /outside the workspace/],
    ['link.csv', /outside the workspace/],
    ['linkdir/secrets.csv', /outside the workspace/],
    ['/etc/passwd', /outside the workspace/],
    ['sub', /is a directory/],
    ['missing.csv', /was not found/]
  ])('%s (validate: false) is Invalid before any request', async (file, why) => {
    const { s, wf } = await rerunSetup()
    const { dir, outside } = workspaceWithEscapes()
    const lineageFile = file === '<abs>' ? join(outside, 'secrets.csv') : file
    const run = await runAction({
      cwd: dir,
      inputs: inputsFor(s, { workflow_name: wf, lineage_file: lineageFile, validate: 'false' })
    })
    expect(run.code).toBe(1)
    expect(run.outputs.phase).toBe('Invalid')
    expect(message(run)).toMatch(/lineage_file/)
    expect(message(run)).toMatch(why)
    expect(routes(s)).toEqual([])
    expect(run.everything).not.toContain('do-not-upload')
  })
})

describe('rows 17 and the network messages', () => {
  it('row 17: an API key with a newline is Invalid before any request, and never printed', async () => {
    const s = await sim()
    const key = `${API_KEY}\nX-Injected: 1`
    const run = await runAction({ inputs: { ...inputsFor(s), atlan_api_key: key } })
    expect(run.code).toBe(1)
    expect(run.outputs.phase).toBe('Invalid')
    expect(message(run)).toMatch(/atlan_api_key.*control character/)
    expect(routes(s)).toEqual([])
    expect(run.everything).not.toContain('X-Injected')
  })

  it('a refused proxy is named (without its credentials), and nothing says "request id"', async () => {
    const s = await sim()
    // A port with nothing listening: bind, note the port, close.
    const probe = http.createServer()
    await new Promise<void>(r => probe.listen(0, '127.0.0.1', r))
    const port = (probe.address() as AddressInfo).port
    await new Promise(r => probe.close(r))
    const proxy = `http://proxyuser:pr0xy-PASS@127.0.0.1:${port}`
    const run = await runAction({
      inputs: inputsFor(s, { workflow_name: 'csa-lineage-builder-1', timeout: '5s' }),
      env: { HTTP_PROXY: proxy, HTTPS_PROXY: proxy },
      // Every attempt is refused at once: only the back-off between them would take time.
      minJitter: true
    })
    expect(run.code).toBe(1)
    expect(message(run)).toContain(`HTTP proxy http://***@127.0.0.1:${port}`)
    expect(run.everything).not.toContain('pr0xy-PASS')
    expect(message(run)).not.toMatch(/request id/)
  })
})
