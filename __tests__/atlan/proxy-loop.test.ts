// A proxy that closes the socket on every CONNECT must cost a bounded number of connections
// (src/atlan/transport.ts, retry.ts), not an endless re-dial by undici's pool. undici sends
// loopback targets straight past a proxy, so the action must aim at a non-loopback name: the whole
// scene runs in a fresh network namespace (`unshare -n`), where nothing but loopback exists and
// nothing can leave.
import { describe, expect, it } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseCommandFile } from '../helpers/action.js'
import { inputEnv } from '../helpers/inputs.js'
import { repoRoot } from '../helpers/shared.js'

const unshare = spawnSync('unshare', ['-n', 'sh', '-c', 'ip link set lo up'], {
  encoding: 'utf8',
  timeout: 10_000
})
const canUnshare = unshare.status === 0
if (!canUnshare)
  process.stderr.write(
    `NOTICE: skipping the CONNECT-dropping proxy test: "unshare -n" is not permitted here (${(unshare.stderr || unshare.error?.message || '').trim()}).\n`
  )

describe('row 9: a proxy that drops every CONNECT', () => {
  ;(canUnshare ? it : it.skip)(
    'costs a bounded number of connections, and the error names the proxy without its password',
    () => {
      const dir = mkdtempSync(join(tmpdir(), 'netns-'))
      try {
        const files = {
          output: join(dir, 'out'),
          summary: join(dir, 'sum'),
          state: join(dir, 'st')
        }
        for (const f of Object.values(files)) writeFileSync(f, '')
        const env = {
          PATH: process.env.PATH ?? '',
          HOME: dir,
          RUNNER_TEMP: dir,
          GITHUB_OUTPUT: files.output,
          GITHUB_STEP_SUMMARY: files.summary,
          GITHUB_STATE: files.state,
          GITHUB_WORKSPACE: repoRoot,
          GITHUB_REPOSITORY: 'acme/lineage',
          GITHUB_EVENT_NAME: 'push',
          ...inputEnv({
            atlan_base_url: 'https://atlan.test',
            atlan_api_key: 'k-netns-0123456789',
            workflow_name: 'csa-lineage-builder-1714638976',
            request_timeout: '2s',
            timeout: '10s'
          })
        }
        const child = join(repoRoot, '__tests__/atlan/netns-proxy-child.ts')
        const r = spawnSync(
          'unshare',
          [
            '-n',
            'sh',
            '-c',
            `ip link set lo up && exec "${process.execPath}" --import tsx/esm "${child}"`
          ],
          {
            cwd: repoRoot,
            encoding: 'utf8',
            timeout: 90_000,
            env: {
              PATH: process.env.PATH ?? '',
              CHILD_ENV: JSON.stringify(env),
              ACTION_JS: join(repoRoot, 'dist/index.js')
            }
          }
        )
        expect(r.status).toBe(0)
        const out = JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}') as {
          connections: number
          code: number
          stdout: string
          port: number
        }
        const result = JSON.parse(parseCommandFile(readFileSync(files.output, 'utf8')).result) as {
          phase: string
          message: string
        }
        // One connection per attempt at most (6 attempts is the retry policy's ceiling).
        expect(out.connections).toBeGreaterThan(0)
        expect(out.connections).toBeLessThanOrEqual(6)
        expect(out.code).toBe(1)
        expect(result.message).toContain(`HTTP proxy http://***@127.0.0.1:${out.port}`)
        expect(out.stdout).not.toContain('pr0xy-PASS')
      } finally {
        rmSync(dir, { recursive: true, force: true })
      }
    },
    120_000
  )
})
