// HTTP(S)_PROXY / NO_PROXY end to end: Atlan and GitHub traffic of dist/index.js provably goes
// through a recording forward proxy on 127.0.0.1, and NO_PROXY bypasses it.
import { afterEach, beforeEach, expect, it } from '@jest/globals'
import { startGitHubSim, type GitHubSim } from '../../sim/github/server.js'
import { runAction } from '../helpers/action.js'
import { HEADER, row } from '../helpers/csv.js'
import { expectClean, inputsFor, sim } from '../helpers/e2e.js'
import { startProxy } from '../helpers/proxy.js'

type Proxy = Awaited<ReturnType<typeof startProxy>>
let proxy: Proxy
let gh: GitHubSim
beforeEach(async () => {
  proxy = await startProxy()
  gh = await startGitHubSim()
})
afterEach(async () => {
  await proxy.close()
  await gh.close()
})

const port = (url: string) => new URL(url).port

it('Atlan and GitHub requests go through HTTP_PROXY/HTTPS_PROXY', async () => {
  const s = await sim()
  const wf = s.seed({ prefix: 'p', key: 'k.csv' })
  s.objects().set('p/k.csv', Buffer.from(`${HEADER}\n${row('a', 'b')}\n`))
  // @actions/http-client never proxies loopback addresses, so GitHub is reached by a *.localhost
  // name (the test proxy resolves it to 127.0.0.1).
  const githubUrl = `http://github.localhost:${port(gh.url)}`
  const r = await runAction({
    inputs: inputsFor(s, { workflow_name: wf, check_run: 'true', github_token: 'ghs_proxyTest' }),
    env: {
      HTTP_PROXY: proxy.url,
      HTTPS_PROXY: proxy.url,
      GITHUB_API_URL: githubUrl,
      GITHUB_REPOSITORY: 'acme/lineage'
    },
    // Ended before jest's own timeout, so a stall shows the step's log instead of a bare timeout.
    timeoutMs: 25_000
  })
  expect({ code: r.code, log: r.code === 0 ? '' : r.stdout.slice(-3000) }).toEqual({
    code: 0,
    log: ''
  })
  const targets = proxy.seen().map(x => x.target)
  expect(targets.some(t => t.includes(`127.0.0.1:${port(s.url)}`))).toBe(true)
  expect(targets.some(t => t.includes(`github.localhost:${port(gh.url)}`))).toBe(true)
  expect(gh.checkRuns()).toHaveLength(1)
  expectClean(r, s, ['ghs_proxyTest'])
})

it('NO_PROXY bypasses the proxy for the hosts it names', async () => {
  const s = await sim()
  const wf = s.seed({ prefix: 'p', key: 'k.csv' })
  s.objects().set('p/k.csv', Buffer.from(`${HEADER}\n${row('a', 'b')}\n`))
  const r = await runAction({
    inputs: inputsFor(s, { workflow_name: wf }),
    env: { HTTP_PROXY: proxy.url, HTTPS_PROXY: proxy.url, NO_PROXY: '127.0.0.1' }
  })
  expect(r.code).toBe(0)
  expect(proxy.seen()).toEqual([])
  expect(s.requests().length).toBeGreaterThan(3)
})

// A connection cut after the proxy forwarded the rerun proves nothing about whether Atlan took it
// (docs/atlan-contract.md §7): the run is searched for, never sent a second time.
it('a rerun whose connection through the proxy is cut after Atlan took it: sent once, the run found', async () => {
  const s = await sim()
  const wf = s.seed({ prefix: 'p', key: 'k.csv' })
  s.objects().set('p/k.csv', Buffer.from(`${HEADER}\n${row('a', 'b')}\n`))
  s.addFault({ route: 'rerun', kind: 'reset', perform: true })
  const r = await runAction({
    inputs: inputsFor(s, { workflow_name: wf, index_grace: '5s' }),
    env: { HTTP_PROXY: proxy.url, HTTPS_PROXY: proxy.url },
    timeoutMs: 25_000
  })
  expect(s.requests().filter(q => q.route === 'rerun')).toHaveLength(1)
  expect(proxy.seen().length).toBeGreaterThan(0)
  expect({ code: r.code, phase: r.outputs.phase }).toEqual({ code: 0, phase: 'Succeeded' })
  expect(r.stdout).toContain('The submit did land')
  expectClean(r, s)
})
