// The README's inputs and outputs tables, generated from action.yml so they cannot drift.
import { readFileSync } from 'node:fs'
import { parse } from 'yaml'

interface ActionYml {
  inputs: Record<string, { description: string; default?: string; required?: boolean }>
  outputs: Record<string, { description: string }>
}

const esc = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ')

export function renderTables(actionYmlText: string): { inputs: string; outputs: string } {
  const spec = parse(actionYmlText) as ActionYml
  const inputs = [
    '| Input | Default | Description |',
    '| --- | --- | --- |',
    ...Object.entries(spec.inputs).map(
      ([name, i]) =>
        `| \`${name}\` | ${i.required ? '**required**' : i.default ? `\`${esc(i.default)}\`` : '`""`'} | ${esc(i.description)} |`
    )
  ].join('\n')
  const outputs = [
    '| Output | Description |',
    '| --- | --- |',
    ...Object.entries(spec.outputs).map(([name, o]) => `| \`${name}\` | ${esc(o.description)} |`)
  ].join('\n')
  return { inputs, outputs }
}

function replaceBetween(text: string, marker: string, body: string): string {
  const start = `<!-- ${marker}:start -->`
  const end = `<!-- ${marker}:end -->`
  const a = text.indexOf(start)
  const b = text.indexOf(end)
  if (a < 0 || b < a) throw new Error(`README.md lacks the ${start} … ${end} markers`)
  return `${text.slice(0, a + start.length)}\n${body}\n${text.slice(b)}`
}

/** README text with both tables regenerated. */
export function updateReadme(readme: string, actionYmlText: string): string {
  const t = renderTables(actionYmlText)
  return replaceBetween(replaceBetween(readme, 'inputs', t.inputs), 'outputs', t.outputs)
}

export function readmeFromDisk(root: string): { current: string; expected: string } {
  const current = readFileSync(`${root}/README.md`, 'utf8')
  return { current, expected: updateReadme(current, readFileSync(`${root}/action.yml`, 'utf8')) }
}
