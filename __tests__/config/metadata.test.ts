// action.yml is the interface; everything that repeats it is checked against it here.
import { expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { INPUT_DEFAULTS } from '../../src/config/defaults.js'
import { INPUT_NAMES } from '../../src/config/inputs.js'
import { outputValues } from '../../src/report/outputs.js'
import { VERSION } from '../../src/version.js'
import { readmeFromDisk } from '../../scripts/docs-tables.js'
import { actionYml } from '../helpers/inputs.js'
import { repoRoot } from '../helpers/shared.js'

it('every input in action.yml is read, and nothing else', () => {
  expect([...INPUT_NAMES].sort()).toEqual(Object.keys(actionYml.inputs).sort())
})

it('the empty-input defaults equal action.yml', () => {
  const expected: Record<string, string> = {}
  for (const [name, spec] of Object.entries(actionYml.inputs))
    if (spec.default && !spec.default.startsWith('${{')) expected[name] = spec.default
  expect(INPUT_DEFAULTS).toEqual(expected)
})

it('every output in action.yml is written', () => {
  const written = [...Object.keys(outputValues({ phase: 'DryRun', failed: false })), 'result']
  expect(written.sort()).toEqual(Object.keys(actionYml.outputs).sort())
})

it("the User-Agent version is package.json's", () => {
  expect(VERSION).toBe(JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')).version)
})

it('README tables match action.yml (run npm run docs)', () => {
  const { current, expected } = readmeFromDisk(repoRoot)
  expect(current).toBe(expected)
  for (const name of [...Object.keys(actionYml.inputs), ...Object.keys(actionYml.outputs)])
    expect(current).toContain(`| \`${name}\` |`)
})
