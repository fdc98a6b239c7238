// The CLI as a child process: prints the listening line, answers, exits on SIGTERM.
import { afterEach, expect, it } from '@jest/globals'
import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import { once } from 'node:events'
import { repoRoot } from '../helpers/shared.js'

let child: ChildProcess | undefined
afterEach(() => {
  if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
})

it('npm run sim -- --port 0 prints the real port, answers whoami, and starts from a --scenario file', async () => {
  child = spawn(
    process.execPath,
    [
      '--import',
      'tsx/esm',
      'sim/cli.ts',
      '--port',
      '0',
      '--token',
      'cli-token',
      '--scenario',
      'sim/scenarios/persona-less-token.json'
    ],
    {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe']
    }
  )
  const proc = child
  const line = await new Promise<string>((resolve, reject) => {
    let out = ''
    const timer = setTimeout(
      () => reject(new Error(`no listening line within 15 s; got: ${out}`)),
      15_000
    )
    proc.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString()
      const nl = out.indexOf('\n')
      if (nl >= 0) {
        clearTimeout(timer)
        resolve(out.slice(0, nl))
      }
    })
    proc.once('exit', code => reject(new Error(`exited early with ${code}`)))
  })
  const m = /^Atlan simulator listening on http:\/\/127\.0\.0\.1:(\d+) \(token: cli-token\)$/.exec(
    line
  )
  expect(m).not.toBeNull()
  expect(Number(m?.[1])).toBeGreaterThan(0)

  const res = await fetch(`http://127.0.0.1:${m?.[1]}/api/service/whoami`, {
    headers: { authorization: 'Bearer cli-token' },
    signal: AbortSignal.timeout(5000)
  })
  expect(res.status).toBe(200)
  expect(((await res.json()) as { roles: { name: string }[] }).roles[0].name).toBe(
    '$api-token-default-access'
  )
  // The persona-less token of sim/README.md: every connection comes back scrubbed.
  const search = await fetch(`http://127.0.0.1:${m?.[1]}/api/meta/search/indexsearch`, {
    method: 'POST',
    headers: { authorization: 'Bearer cli-token', 'content-type': 'application/json' },
    body: JSON.stringify({
      dsl: {
        from: 0,
        size: 10,
        query: { term: { '__typeName.keyword': { value: 'Connection' } } }
      },
      attributes: ['name']
    }),
    signal: AbortSignal.timeout(5000)
  })
  const found = (await search.json()) as { entities: Array<{ scrubbed?: boolean }> }
  expect(found.entities.length).toBeGreaterThan(0)
  expect(found.entities.every(e => e.scrubbed === true)).toBe(true)

  const exited = once(proc, 'exit')
  proc.kill('SIGTERM')
  const [code] = await Promise.race([
    exited,
    new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error('no exit within 5 s')), 5000).unref()
    )
  ])
  expect(code).toBe(0)
}, 30_000)

it('npm run sim -- --help lists the flags, the token and the control API', () => {
  const r = spawnSync(process.execPath, ['--import', 'tsx/esm', 'sim/cli.ts', '--help'], {
    cwd: repoRoot,
    encoding: 'utf8',
    timeout: 15_000
  })
  expect(r.status).toBe(0)
  for (const flag of ['--port', '--token', '--scenario', '--connection', '--help'])
    expect(r.stdout).toContain(flag)
  expect(r.stdout).toContain('default sim-token')
  for (const route of [
    '/_sim/scenario',
    '/_sim/seed',
    '/_sim/faults',
    '/_sim/requests',
    '/_sim/reset'
  ])
    expect(r.stdout).toContain(route)
}, 20_000)

it('an unknown flag fails and points at --help', () => {
  const r = spawnSync(process.execPath, ['--import', 'tsx/esm', 'sim/cli.ts', '--prot', '1'], {
    cwd: repoRoot,
    encoding: 'utf8',
    timeout: 15_000
  })
  expect(r.status).toBe(1)
  expect(r.stderr).toMatch(/Unknown option '--prot'.*--help/)
}, 20_000)
