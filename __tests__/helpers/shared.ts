// Golden data lives in ../shared (present here and in CI, absent in a user's clone).
// Tests that need it use describeShared, which skips with a visible notice when it is missing.
import { describe } from '@jest/globals'
import { existsSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const here = dirname(fileURLToPath(import.meta.url))
export const repoRoot = resolve(here, '..', '..')
export const sharedDir = resolve(repoRoot, '..', 'shared')
export const fixturesDir = join(sharedDir, 'fixtures', 'atlan')
export const hasShared = existsSync(fixturesDir)

/** Path of a file in ../shared/fixtures/atlan. */
export function fixture(name: string): string {
  return join(fixturesDir, name)
}

/** describe() when ../shared is present; otherwise a skipped block and one notice on stderr. */
export function describeShared(name: string, fn: () => void): void {
  if (hasShared) {
    describe(name, fn)
    return
  }
  process.stderr.write(
    `NOTICE: skipping "${name}": ../shared/fixtures/atlan is not present in this clone.\n`
  )
  describe.skip(name, fn)
}
