// npm run docs: rewrites the README's inputs/outputs tables from action.yml.
import { writeFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { readmeFromDisk } from './docs-tables.js'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const { current, expected } = readmeFromDisk(root)
if (current === expected) console.log('README.md tables are up to date.')
else {
  writeFileSync(`${root}/README.md`, expected)
  console.log('README.md tables regenerated from action.yml.')
}
