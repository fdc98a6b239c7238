// npm run demo: both outcomes, a log that reads like the Actions log (no raw workflow commands,
// no debug lines unless asked), and informational notices that are not phrased as fixes.
import { describe, expect, it } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import { readableLog } from '../../scripts/demo-flow.js'
import { repoRoot } from '../helpers/shared.js'

describe('readableLog', () => {
  const stdout = [
    '::add-mask::secret',
    '::debug::GET /api/service/whoami',
    '::group::Upload',
    'Uploaded lineage/orders.csv.',
    '::endgroup::',
    '::error file=lineage/orders.csv,line=3,title=Lineage CSV%3A Source Connection::Source Connection is empty.%0ASecond line',
    '::notice file=lineage/orders.csv,line=1,title=Lineage CSV::Extra columns: sql.'
  ].join('\n')

  it('turns annotations into file:line lines and hides masks and debug lines', () => {
    expect(readableLog(stdout).split('\n')).toEqual([
      '▸ Upload',
      'Uploaded lineage/orders.csv.',
      'Error lineage/orders.csv:3 (Lineage CSV: Source Connection): Source Connection is empty.',
      'Second line',
      'Notice lineage/orders.csv:1 (Lineage CSV): Extra columns: sql.'
    ])
  })

  it('shows debug lines with --debug', () => {
    expect(readableLog(stdout, { debug: true })).toContain('[debug] GET /api/service/whoami')
  })
})

describe('npm run demo', () => {
  it('shows a passing run and a failing CSV, without debug noise', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx/esm', 'scripts/demo.ts'], {
      cwd: repoRoot,
      encoding: 'utf8',
      timeout: 120_000
    })
    expect(r.stderr).toBe('')
    expect(r.status).toBe(0)
    const out = r.stdout
    expect(out).toMatch(/=== 1\. A passing run: examples\/lineage\.csv ===/)
    expect(out).toMatch(/Run csa-lineage-builder-\d+-\w+ finished: Succeeded/)
    expect(out).toMatch(/=== 2\. A failing CSV: examples\/lineage-invalid\.csv ===/)
    expect(out).toMatch(/^Error lineage\/orders\.csv:3 \(Lineage CSV: Source Connection\): /m)
    expect(out).toContain('## ❌ Atlan Lineage Builder')
    expect(out).toContain('phase=Invalid')
    // No raw workflow commands and no debug lines.
    expect(out).not.toMatch(/^::/m)
    expect(out).not.toContain('[debug]')
    // The extra-columns notice informs; it is not phrased as something to fix.
    const notice = out.split('\n').find(l => l.startsWith('Notice lineage/orders.csv:1'))
    expect(notice).toBeDefined()
    expect(notice).not.toContain('Fix:')
    // The failing CSV: the fix first, the override last and once; its invalid row (line 3) is
    // neither "added" nor a second CUSTOMERS node beside the base version's.
    const failing = out.slice(out.indexOf('=== 2.'))
    const summary = failing.slice(failing.indexOf('--- job summary'))
    expect(summary).toMatch(
      /^> lineage\/orders\.csv has 2 errors in 2 rows \(see the annotations and the job summary\)\. Fix those rows in the CSV \(each annotation says how\)\. To run anyway, set "Fail on errors" to No in workflow csa-lineage-builder-\d+ in Atlan \(a rerun applies the stored setting\)\.$/m
    )
    expect(summary.match(/To run anyway/g)).toHaveLength(1)
    expect(summary).toContain('Line 3 is not drawn')
    expect(summary).not.toMatch(/^\| added/m)
    expect(summary.match(/\["CUSTOMERS<br\/>/g)).toHaveLength(1)
  }, 150_000)
})
