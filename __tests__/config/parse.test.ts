import { describe, expect, it } from '@jest/globals'
import { ConfigError } from '../../src/config/errors.js'
import { parseConfig } from '../../src/config/parse.js'
import { rawInputs } from '../helpers/inputs.js'

/** A rerun that uploads a CSV: what prune and verify: strict need. */
const FILE_RUN = { workflow_name: 'csa-lineage-builder-1', lineage_file: 'a.csv' }
const S3 = {
  object_store: 's3',
  s3_access_key: 'AKIA1',
  s3_secret_key: 's3-SECRET-value',
  s3_region: 'eu-west-1',
  s3_bucket: 'b'
}
const SECRET_VALUES = [
  'k-test-secret',
  's3-SECRET-value',
  'adls-SECRET-value',
  '{"gcs":"SECRET-json"}'
]

// [case, inputs, the input the error must name]
const bad: Array<[string, Record<string, string>, string]> = [
  ['missing base url', { atlan_base_url: '' }, 'atlan_base_url'],
  ['base url not a URL', { atlan_base_url: 'acme.atlan' }, 'atlan_base_url'],
  ['plain http to a remote host', { atlan_base_url: 'http://acme.atlan.com' }, 'atlan_base_url'],
  ['ftp scheme', { atlan_base_url: 'ftp://acme.atlan.com' }, 'atlan_base_url'],
  ['credentials in URL', { atlan_base_url: 'https://u:p@acme.atlan.com' }, 'atlan_base_url'],
  ['query in URL', { atlan_base_url: 'https://acme.atlan.com/?x=1' }, 'atlan_base_url'],
  ['path in URL', { atlan_base_url: 'https://acme.atlan.com/api/service' }, 'atlan_base_url'],
  [
    'rerun uploading a file without workflow_name',
    { mode: 'rerun', lineage_file: 'a.csv' },
    'workflow_name'
  ],
  ['missing api key', { atlan_api_key: '' }, 'atlan_api_key'],
  ['blank api key', { atlan_api_key: '   ' }, 'atlan_api_key'],
  ['unknown mode', { mode: 'replace' }, 'mode'],
  ['boolean typo', { idempotent: 'yess' }, 'idempotent'],
  ['validate not boolean', { validate: '2' }, 'validate'],
  ['wait not boolean', { wait: 'sometimes' }, 'wait'],
  ['dry_run not boolean', { dry_run: 'maybe' }, 'dry_run'],
  ['summary not boolean', { summary: 'x' }, 'summary'],
  ['check_run not boolean', { check_run: 'y3s' }, 'check_run'],
  [
    'unknown object store',
    { mode: 'create', object_store: 'hdfs', lineage_file: 'a.csv' },
    'object_store'
  ],
  ['unknown input handling', { input_handling: 'merge' }, 'input_handling'],
  ['unknown on_timeout', { on_timeout: 'ignore' }, 'on_timeout'],
  ['separator two chars', { field_separator: ',;' }, 'field_separator'],
  ['separator empty', { field_separator: '' }, 'field_separator'],
  ['separator quote', { field_separator: '"' }, 'field_separator'],
  ['batch size zero', { batch_size: '0' }, 'batch_size'],
  ['batch size negative', { batch_size: '-5' }, 'batch_size'],
  ['batch size decimal', { batch_size: '2.5' }, 'batch_size'],
  ['batch size text', { batch_size: 'twenty' }, 'batch_size'],
  ['poll interval without unit', { poll_interval: '5' }, 'poll_interval'],
  ['poll interval too short', { poll_interval: '10ms' }, 'poll_interval'],
  ['timeout bad unit', { timeout: '30 minutes' }, 'timeout'],
  ['timeout too long', { timeout: '7h' }, 'timeout'],
  ['request timeout bad', { request_timeout: 'fast' }, 'request_timeout'],
  ['index grace bad', { index_grace: '-1s' }, 'index_grace'],
  ['workflow name with spaces', { workflow_name: 'my workflow' }, 'workflow_name'],
  ['workflow name uppercase', { workflow_name: 'CSA-Lineage' }, 'workflow_name'],
  [
    'workflow name in create mode',
    { mode: 'create', workflow_name: 'csa-lineage-builder-1', lineage_file: 'a.csv' },
    'workflow_name'
  ],
  ['create without a CSV', { mode: 'create' }, 'lineage_file'],
  [
    's3 partial credentials',
    { mode: 'create', lineage_file: 'a.csv', prefix: 'p', ...S3, s3_region: '' },
    's3_region'
  ],
  [
    's3 secret missing',
    { mode: 'create', lineage_file: 'a.csv', prefix: 'p', ...S3, s3_secret_key: '' },
    's3_secret_key'
  ],
  ['s3 without prefix', { mode: 'create', lineage_file: 'a.csv', ...S3 }, 'prefix'],
  [
    'adls credentials with s3 store',
    {
      mode: 'create',
      lineage_file: 'a.csv',
      prefix: 'p',
      ...S3,
      adls_client_secret: 'adls-SECRET-value'
    },
    'adls_client_secret'
  ],
  [
    'gcs partial',
    {
      mode: 'create',
      object_store: 'gcs',
      prefix: 'p',
      object_key: 'k',
      gcs_project_id: 'p',
      gcs_service_account_json: '{"gcs":"SECRET-json"}'
    },
    'gcs_bucket'
  ],
  [
    'adls partial',
    {
      mode: 'create',
      object_store: 'adls',
      prefix: 'p',
      object_key: 'k',
      adls_client_id: 'c',
      adls_client_secret: 'adls-SECRET-value'
    },
    'adls_tenant_id'
  ],
  ['object store in rerun mode', { ...S3 }, 'object_store'],
  ['credentials with tenant store', { s3_secret_key: 's3-SECRET-value' }, 's3_secret_key'],
  ['check run without token', { check_run: 'true' }, 'github_token'],
  [
    'skip unchanged without file',
    { skip_unchanged: 'true', github_token: 'ghs_x' },
    'skip_unchanged'
  ],
  ['prune without validation', { ...FILE_RUN, prune: 'true', validate: 'false' }, 'prune'],
  ['prune without waiting', { ...FILE_RUN, prune: 'true', wait: 'false' }, 'prune'],
  ['prune without a file', { prune: 'true' }, 'prune'],
  [
    'strict verify without validation',
    { ...FILE_RUN, verify: 'strict', validate: 'false' },
    'verify'
  ],
  ['strict verify without waiting', { ...FILE_RUN, verify: 'strict', wait: 'false' }, 'verify'],
  ['strict verify without a file', { verify: 'strict' }, 'verify'],
  ['empty check name', { check_name: '  ' }, 'check_name'],
  ['pr_comment not a switch', { pr_comment: 'sometimes' }, 'pr_comment'],
  ['verify neither a switch nor strict', { verify: 'loud' }, 'verify'],
  ['search limit zero', { tenant_search_limit: '0' }, 'tenant_search_limit'],
  ['search limit text', { tenant_search_limit: 'all' }, 'tenant_search_limit']
]

describe('prune and verify: strict need a validated CSV and a finished run', () => {
  it('says what is missing and how to fix it, for each of them', () => {
    expect(() =>
      parseConfig(
        rawInputs({
          ...FILE_RUN,
          prune: 'true',
          verify: 'strict',
          validate: 'false',
          wait: 'false'
        })
      )
    ).toThrow(
      'prune: true needs a validated CSV and a finished run, but validate is false and wait is false; set validate: true and set wait: true, or remove prune: true'
    )
    expect(() => parseConfig(rawInputs({ verify: 'strict' }))).toThrow(
      'verify: strict needs a validated CSV and a finished run, but lineage_file is not set; set lineage_file, or remove verify: strict'
    )
  })

  it('verify: true (the default) and prune: false are left alone', () => {
    const c = parseConfig(rawInputs({ ...FILE_RUN, validate: 'false', wait: 'false' }))
    expect(c).toMatchObject({ verify: true, prune: false, validate: false, wait: false })
    expect(parseConfig(rawInputs({ ...FILE_RUN, prune: 'true', verify: 'strict' }))).toMatchObject({
      prune: true,
      verify: 'strict'
    })
  })
})

describe('parseConfig rejects bad inputs with one line naming the input', () => {
  it.each(bad)('%s', (_name, inputs, input) => {
    let error: unknown
    try {
      parseConfig(rawInputs(inputs))
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(ConfigError)
    const message = (error as Error).message
    // Inputs with the same problem are named together: inputs "a", "b": ...
    expect(message).toMatch(new RegExp(`inputs? (?:"\\w+", )*"${input}"`))
    expect(message).not.toContain('\n')
    for (const secret of SECRET_VALUES) expect(message).not.toContain(secret)
  })

  it('names every bad input at once, field and cross-field problems together', () => {
    expect(() =>
      parseConfig(
        rawInputs({
          poll_interval: 'soon',
          mode: 'create',
          workflow_name: 'csa-lineage-builder-1',
          lineage_file: 'a.csv'
        })
      )
    ).toThrow(/input "poll_interval".*input "workflow_name"/)
  })

  it('has at least 30 cases', () => expect(bad.length).toBeGreaterThanOrEqual(30))

  it('never echoes a malformed secret value', () => {
    // A secret that fails the schema (not a string is impossible from env, so force a cross rule).
    expect(() => parseConfig(rawInputs({ s3_secret_key: 's3-SECRET-value' }))).toThrow(
      /s3_secret_key/
    )
  })
})

describe('parseConfig accepts good inputs', () => {
  it('defaults give a rerun of the latest workflow', () => {
    const c = parseConfig(rawInputs())
    expect(c).toMatchObject({
      baseUrl: 'https://acme.atlan.com',
      mode: 'rerun',
      workflowName: undefined,
      idempotent: true,
      validate: true,
      objectStore: 'tenant',
      options: {
        inputHandling: 'partial',
        failOnErrors: true,
        caseSensitive: true,
        fieldSeparator: ',',
        batchSize: 20
      },
      wait: true,
      pollIntervalMs: 5000,
      timeoutMs: 1_800_000,
      onTimeout: 'fail',
      checkRun: false,
      prComment: true,
      dryRun: false,
      summary: true
    })
    expect(parseConfig(rawInputs({ pr_comment: 'false' })).prComment).toBe(false)
    expect(c.secrets).toEqual(['k-test-secret'])
  })

  it.each([
    ['True', true],
    ['FALSE', false],
    ['yes', true],
    ['off', false]
  ])('boolean %s', (text, value) => {
    expect(parseConfig(rawInputs({ wait: text as string })).wait).toBe(value)
  })

  it.each([
    ['500ms', 500],
    ['5s', 5000],
    ['2m', 120_000],
    ['1h', 3_600_000],
    ['1.5m', 90_000]
  ])('duration %s', (text, ms) => {
    expect(parseConfig(rawInputs({ index_grace: text as string })).indexGraceMs).toBe(ms)
  })

  it('loopback http is allowed and the trailing slash dropped', () => {
    expect(parseConfig(rawInputs({ atlan_base_url: 'http://127.0.0.1:8080/' })).baseUrl).toBe(
      'http://127.0.0.1:8080'
    )
    expect(parseConfig(rawInputs({ atlan_base_url: 'http://localhost:1' })).baseUrl).toBe(
      'http://localhost:1'
    )
  })

  it('verify is true by default, and takes strict or a switch', () => {
    expect(parseConfig(rawInputs()).verify).toBe(true)
    expect(parseConfig(rawInputs({ ...FILE_RUN, verify: ' Strict ' })).verify).toBe('strict')
    expect(parseConfig(rawInputs({ verify: 'off' })).verify).toBe(false)
    expect(() => parseConfig(rawInputs({ verify: 'loud' }))).toThrow(
      'got "loud"; use true, strict or false'
    )
  })

  it('tenant_search_limit is 100 by default and takes a whole number', () => {
    expect(parseConfig(rawInputs()).tenantSearchLimit).toBe(100)
    expect(parseConfig(rawInputs({ tenant_search_limit: ' 2500 ' })).tenantSearchLimit).toBe(2500)
    expect(() => parseConfig(rawInputs({ tenant_search_limit: '0' }))).toThrow(
      'input "tenant_search_limit": got "0"; use a whole number from 1 to 100000'
    )
  })

  it('a tab separator may be written as \\t', () => {
    expect(parseConfig(rawInputs({ field_separator: '\\t' })).options.fieldSeparator).toBe('\t')
    expect(parseConfig(rawInputs({ field_separator: ';' })).options.fieldSeparator).toBe(';')
  })

  it('create with a repo CSV defaults the tenant prefix and the key to the file name', () => {
    const c = parseConfig(rawInputs({ mode: 'create', lineage_file: 'lineage/orders.csv' }))
    expect(c.prefix).toBe('atlan-lineage-action')
    expect(c.objectKey).toBe('orders.csv')
    expect(c.credential).toBeUndefined()
  })

  it('s3 credential collected, its secret listed for redaction', () => {
    const c = parseConfig(
      rawInputs({ mode: 'create', prefix: 'p', lineage_file: 'x/a.csv', ...S3 })
    )
    expect(c.credential).toEqual({
      store: 's3',
      accessKey: 'AKIA1',
      secretKey: 's3-SECRET-value',
      region: 'eu-west-1',
      bucket: 'b'
    })
    expect(c.secrets).toContain('s3-SECRET-value')
  })

  it('bad GCS JSON is a warning, not an error (pyatlan sends it as an opaque string)', () => {
    const c = parseConfig(
      rawInputs({
        mode: 'create',
        object_store: 'gcs',
        prefix: 'p',
        object_key: 'k',
        gcs_project_id: 'p',
        gcs_service_account_json: 'not-json',
        gcs_bucket: 'b'
      })
    )
    expect(c.warnings.join()).toMatch(/gcs_service_account_json is not valid JSON/)
    expect(c.warnings.join()).not.toContain('not-json')
  })
})

describe('base URL and the target of an upload', () => {
  it('a base URL with a path is refused with the origin to use instead', () => {
    expect(() =>
      parseConfig(rawInputs({ atlan_base_url: 'https://acme.atlan.com/api/service/' }))
    ).toThrow(
      /input "atlan_base_url": got "https:\/\/acme\.atlan\.com\/api\/service\/"; use the tenant's origin without a path: https:\/\/acme\.atlan\.com$/
    )
    expect(parseConfig(rawInputs({ atlan_base_url: 'https://acme.atlan.com/' })).baseUrl).toBe(
      'https://acme.atlan.com'
    )
  })
  it('rerun with lineage_file needs workflow_name and says where the name is shown', () => {
    expect(() => parseConfig(rawInputs({ lineage_file: 'a.csv' }))).toThrow(
      /input "workflow_name": it is required when lineage_file is set.*\/workflows\/profile\/<name>/
    )
    expect(parseConfig(rawInputs({})).workflowName).toBeUndefined()
    expect(
      parseConfig(rawInputs({ lineage_file: 'a.csv', workflow_name: 'csa-lineage-builder-1' }))
        .workflowName
    ).toBe('csa-lineage-builder-1')
  })
})

describe('rows 17, 18: inputs rejected where first seen', () => {
  const parse = (extra: Record<string, string>) => {
    try {
      parseConfig(
        rawInputs({
          atlan_base_url: 'https://acme.atlan.com',
          atlan_api_key: 'k-0123456789',
          ...extra
        })
      )
      return undefined
    } catch (e) {
      return e as ConfigError
    }
  }

  it.each(['abc\ndef-0123456789', 'abc\rdef-0123456789', 'abc\u0000def-0123456789'])(
    'an API key with a control character is Invalid, naming the input but not the key',
    key => {
      const e = parse({ atlan_api_key: key })
      expect(e).toBeInstanceOf(ConfigError)
      expect(e!.message).toMatch(/atlan_api_key.*control character/)
      expect(e!.message).not.toContain('def-0123456789')
    }
  )

  it('a multi-byte field_separator (€) is Invalid', () => {
    expect(parse({ field_separator: '€' })?.message).toMatch(
      /field_separator.*single ASCII character/
    )
  })
})
