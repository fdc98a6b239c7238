// The settings a run applies: a rerun's stored ones (the Lineage Builder's defaults for the rest),
// how they differ from the inputs, and the fail_on_errors gate worded for where the setting lives.
import { describe, expect, it } from '@jest/globals'
import { parseConfig } from '../../src/config/parse.js'
import { resolveTarget } from '../../src/run/resolve.js'
import {
  appliedOptions,
  settingDifferences,
  settingsFor,
  storedSettings
} from '../../src/run/settings.js'
import { rawInputs } from '../helpers/inputs.js'
import { fakeApi } from './fake-api.js'

const stored = {
  lineage_prefix: 'lineage',
  lineage_key: 'orders.csv',
  lineage_import_type: 'CLOUD',
  cloud_source: '{{credentialGuid}}',
  lineage_upsert_semantic: 'upsert',
  lineage_fail_on_errors: true,
  batch_size: 20
}

describe('stored settings', () => {
  it('stored settings, the defaults for the rest, and the differences with the inputs', () => {
    const wf = { name: 'csa-lineage-builder-1', parameters: stored }
    expect(storedSettings(wf)).toMatchObject({
      input_handling: 'upsert',
      fail_on_errors: 'true',
      case_sensitive_match: 'true (not stored: Lineage Builder default)',
      field_separator: '"," (not stored: Lineage Builder default)',
      batch_size: '20',
      prefix: 'lineage'
    })
    const diffs = settingDifferences(parseConfig(rawInputs()), wf)
    expect(diffs).toHaveLength(1)
    expect(diffs[0]).toMatch(
      /^input_handling: the input is partial, but csa-lineage-builder-1 stores upsert, which a rerun applies\. To change it, edit workflow csa-lineage-builder-1 in Atlan/
    )
    const semi = parseConfig(rawInputs({ field_separator: ';', input_handling: 'upsert' }))
    expect(settingDifferences(semi, wf)).toEqual([
      expect.stringMatching(
        /^field_separator: the input is ";", but csa-lineage-builder-1 does not store it, so the Lineage Builder applies its default ","/
      )
    ])
  })
  it('applied options: stored strings are read as the package reads them; a long separator fails', () => {
    const wf = (p: Record<string, unknown>) => ({ name: 'w', parameters: p })
    expect(
      appliedOptions(
        wf({ field_separator: ';', lineage_fail_on_errors: 'false', batch_size: '50' })
      ).options
    ).toEqual({
      inputHandling: 'partial',
      failOnErrors: false,
      caseSensitive: true,
      fieldSeparator: ';',
      batchSize: 50
    })
    expect(() => appliedOptions(wf({ field_separator: ';;' }))).toThrow(
      /stores field_separator ";;".*exit code 2/
    )
    // A quote or a non-ASCII character: refused here too (the validator could not check the CSV),
    // with advice to fix the stored setting, not an input a rerun ignores.
    for (const sep of ['"', '§'])
      expect(() => appliedOptions(wf({ field_separator: sep }))).toThrow(
        /one ASCII character other than a quote or a line break\. Fix it in Atlan/
      )
  })
})

describe('settingsFor: one value with the options, the differences and the fail_on_errors gate', () => {
  const WF = 'csa-lineage-builder-1'
  const rerunOf = async (parameters: Record<string, unknown>, inputs: Record<string, string>) => {
    const api = fakeApi()
    api.workflows.push({ name: WF, namespace: 'default', parameters })
    const config = parseConfig(rawInputs({ workflow_name: WF, ...inputs }))
    return settingsFor(config, await resolveTarget(api, config, 0))
  }

  it('a create applies the inputs, and its gate names the input', async () => {
    const config = parseConfig(
      rawInputs({ mode: 'create', lineage_file: 'a.csv', field_separator: ';' })
    )
    const s = settingsFor(config, await resolveTarget(fakeApi(), config, 0))
    expect(s.options).toEqual(config.options)
    expect(s.stored).toBeUndefined()
    expect(s.differences).toEqual([])
    expect(s.gate('a.csv has 1 error', 'Fix those rows.')).toEqual({
      stop: 'a.csv has 1 error. Fix those rows. To run anyway, set fail_on_errors: false.'
    })
  })

  it("a rerun applies the stored settings, and its gate names the workflow's setting", async () => {
    const s = await rerunOf(stored, { fail_on_errors: 'false' })
    expect(s.options.failOnErrors).toBe(true)
    expect(s.stored).toMatchObject({ input_handling: 'upsert', fail_on_errors: 'true' })
    expect(s.differences.map(d => d.split(':')[0])).toEqual(['input_handling', 'fail_on_errors'])
    expect(s.gate('2 connection(s) are missing', 'Create them.', ' (no lineage)')).toEqual({
      stop: `2 connection(s) are missing. Create them. To run anyway (no lineage), set "Fail on errors" to No in workflow ${WF} in Atlan (a rerun applies the stored setting).`
    })
  })

  it('fail_on_errors off (here stored in the workflow): the gate warns and the step goes on', async () => {
    const s = await rerunOf({ ...stored, lineage_fail_on_errors: 'false' }, {})
    expect(s.gate('a.csv has 1 error', 'Fix those rows.')).toEqual({
      warning: 'a.csv has 1 error; running anyway because fail_on_errors is false.'
    })
  })
})
