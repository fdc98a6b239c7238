// lineage_file is read only inside the workspace, as a regular file of known size under the cap
// (src/lineage/source.ts): escapes by path, absolute path or symlink, directories and missing
// files are Invalid before any request, through dist/index.js; a /proc-like or sparse huge file is
// refused when opened.
import { describe, expect, it } from '@jest/globals'
import { mkdirSync, readFileSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { MAX_LINEAGE_FILE_BYTES, openLineageFile } from '../../src/lineage/source.js'
import { runAction } from '../helpers/action.js'
import { workspace } from '../helpers/csv.js'
import { inputsFor, longRunWorkflow, message, routes } from '../helpers/e2e.js'
import { repoRoot } from '../helpers/shared.js'

const csv = () => readFileSync(join(repoRoot, 'examples/lineage.csv'))

describe('row 7: lineage_file is confined to the workspace', () => {
  function workspaceWithEscapes(): { dir: string; outside: string } {
    const root = workspace()
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
    const { s, wf } = await longRunWorkflow()
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

describe('rows 17, 18: inputs rejected where first seen', () => {
  const dir = workspace()

  it('a /proc-like file (size 0 by stat, yet content) is refused', async () => {
    await expect(openLineageFile('status', '/proc/self')).rejects.toThrow(/size cannot be known/)
  })

  it('a sparse 8 GiB file is refused at once, stating the cap', async () => {
    const file = join(dir, 'huge.csv')
    writeFileSync(file, '')
    truncateSync(file, 8 * 1024 ** 3)
    expect(MAX_LINEAGE_FILE_BYTES).toBe(100 * 1024 * 1024)
    await expect(openLineageFile('huge.csv', dir)).rejects.toThrow(
      /8192\.0 MB, above the 100 MB limit/
    )
    rmSync(file)
  })
})
