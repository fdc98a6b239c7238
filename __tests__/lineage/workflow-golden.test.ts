import { expect, it } from '@jest/globals'
import { parseConfig } from '../../src/config/parse.js'
import { buildWorkflow, redactWorkflow } from '../../src/lineage/workflow.js'
import { rawInputs } from '../helpers/inputs.js'
import { GOLDEN_INPUTS, GOLDEN_STORES, goldenText } from '../helpers/golden.js'
import { describeShared } from '../helpers/shared.js'

const goldenInputs = GOLDEN_INPUTS
const stores = GOLDEN_STORES
const golden = (store: string): unknown => JSON.parse(goldenText(store))

describeShared('workflow builder matches pyatlan byte for byte', () => {
  for (const [store, inputs] of Object.entries(stores)) {
    it(`${store}: same text as lineage_builder_${store}.json (key order included)`, () => {
      const config = parseConfig(rawInputs({ ...goldenInputs, ...inputs }))
      const doc = buildWorkflow({
        epoch: 123456,
        prefix: config.prefix!,
        objectKey: config.objectKey!,
        credential: config.credential,
        options: config.options
      })
      expect(JSON.stringify(doc)).toBe(JSON.stringify(golden(store)))
    })

    it(`${store}: redaction replaces only the password`, () => {
      const config = parseConfig(rawInputs({ ...goldenInputs, ...inputs }))
      const doc = buildWorkflow({
        epoch: 123456,
        prefix: 'p',
        objectKey: 'k',
        credential: config.credential,
        options: config.options
      })
      const redacted = redactWorkflow(doc)
      expect(redacted.payload[0].body.password).toBe('***')
      expect({ ...redacted.payload[0].body, password: doc.payload[0].body.password }).toEqual(
        doc.payload[0].body
      )
      expect(doc.payload[0].body.password).not.toBe('***')
    })
  }
})

it('tenant store: no credential, payload [] and an empty cloud_source so fetch-credentials is skipped', () => {
  const config = parseConfig(rawInputs({ mode: 'create', lineage_file: 'lineage/orders.csv' }))
  const doc = buildWorkflow({
    epoch: 1714638976,
    prefix: config.prefix!,
    objectKey: config.objectKey!,
    options: config.options
  })
  expect(doc.payload).toEqual([])
  expect(doc.metadata.name).toBe('csa-lineage-builder-1714638976')
  expect(doc.metadata.annotations['orchestration.atlan.com/atlanName']).toBe(doc.metadata.name)
  const params = doc.spec.templates[0].dag.tasks[0].arguments.parameters
  expect(params.map(p => p.name)).toEqual([
    'lineage_prefix',
    'lineage_key',
    'lineage_import_type',
    'cloud_source',
    'lineage_upsert_semantic',
    'lineage_fail_on_errors',
    'lineage_case_sensitive',
    'field_separator',
    'batch_size'
  ])
  expect(params).toContainEqual({ name: 'lineage_key', value: 'orders.csv' })
  expect(params).toContainEqual({ name: 'cloud_source', value: '' })
  expect(params).toContainEqual({ name: 'batch_size', value: 20 })
  expect(params).toContainEqual({ name: 'lineage_fail_on_errors', value: true })
})

it('omits optional options that were not given, as pyatlan does', () => {
  const doc = buildWorkflow({
    epoch: 1,
    prefix: 'p',
    objectKey: 'k',
    options: { inputHandling: 'partial' }
  })
  expect(doc.spec.templates[0].dag.tasks[0].arguments.parameters.map(p => p.name)).toEqual([
    'lineage_prefix',
    'lineage_key',
    'lineage_import_type',
    'cloud_source',
    'lineage_upsert_semantic'
  ])
})
