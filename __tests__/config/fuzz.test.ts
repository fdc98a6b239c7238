// Input fuzzing (src/config/inputs.ts, parse.ts, fields.ts). fast-check generates invalid
// input sets (missing required, wrong type, wrong enum, bad durations, bad URLs, partial
// credentials, conflicting modes). All of them go through the real config path in-process
// (readInputs with an injected reader, then parseConfig): each must fail with one ConfigError
// whose message is one line, names every offending input and echoes no secret. A sample also
// runs through dist/index.js against a recording server: exit 1, exactly one ::error:: line
// naming the input, and not one HTTP request; so does an API key with a line break, against the
// simulator, and the key is never printed.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import { ConfigError } from '../../src/config/errors.js'
import { INPUT_NAMES, readInputs, SECRET_INPUTS } from '../../src/config/inputs.js'
import { parseConfig } from '../../src/config/parse.js'
import { secretForms } from '../../src/config/redact.js'
import { leaks, runAction } from '../helpers/action.js'
import { API_KEY, inputsFor, message, routes, sim } from '../helpers/e2e.js'
import { startRecorder, type Recorder } from '../helpers/recorder.js'

type Values = Record<string, string>
interface Mutation {
  set: Values
  /** The inputs the error must name. */
  offending: string[]
}
interface Case {
  values: Values
  offending: string[]
  secrets: string[]
  kind: string
}

const BOOLS = [
  'idempotent',
  'validate',
  'fail_on_errors',
  'case_sensitive_match',
  'wait',
  'cancel_on_job_cancel',
  'check_run',
  'skip_unchanged',
  'dry_run',
  'summary'
] as const
const ENUMS: Record<string, readonly string[]> = {
  mode: ['rerun', 'create', 'auto'],
  object_store: ['tenant', 's3', 'gcs', 'adls'],
  input_handling: ['upsert', 'partial', 'update'],
  on_timeout: ['fail', 'warn', 'cancel']
}
/** Allowed range of each duration input, ms. */
const DURATIONS: Record<string, [number, number]> = {
  poll_interval: [1000, 3_600_000],
  timeout: [1000, 6 * 3_600_000],
  request_timeout: [100, 15 * 60_000],
  index_grace: [0, 3_600_000]
}
const STORES = {
  s3: ['s3_access_key', 's3_secret_key', 's3_region', 's3_bucket'],
  gcs: ['gcs_project_id', 'gcs_service_account_json', 'gcs_bucket'],
  adls: [
    'adls_client_id',
    'adls_client_secret',
    'adls_tenant_id',
    'adls_account_name',
    'adls_container'
  ]
} as const
type Store = keyof typeof STORES
const SECRET_SET = new Set<string>(SECRET_INPUTS)

// ---- arbitraries ----------------------------------------------------------------------------

/** Text a workflow file could hold (no NUL: an environment variable cannot carry one). */
const text = (min = 1, max = 24) =>
  fc.string({ minLength: min, maxLength: max, unit: 'grapheme' }).filter(s => !s.includes('\0'))
/** Non-blank once trimmed: a blank input falls back to its default. */
const nonBlank = (max = 24) => text(1, max).filter(s => s.trim() !== '')

/** A distinctive secret value. */
const secret = (name: string) =>
  fc.stringMatching(/^[A-Za-z0-9+/=_.-]{10,30}$/).map(v => `SeCrEt-${name.slice(0, 4)}-${v}`)

const gcsJson = secret('gcsj').map(k =>
  JSON.stringify(
    { type: 'service_account', private_key: `-----BEGIN-----\n${k}\n-----END-----\n` },
    null,
    2
  )
)

const secrets = fc.record({
  atlan_api_key: secret('atlan'),
  s3_secret_key: secret('s3'),
  gcs_service_account_json: gcsJson,
  adls_client_secret: secret('adls'),
  github_token: secret('ghub')
})
type Secrets = Record<(typeof SECRET_INPUTS)[number], string>

const one = (input: string, values: fc.Arbitrary<string>): fc.Arbitrary<Mutation> =>
  values.map(v => ({ set: { [input]: v }, offending: [input] }))

const TRUE_FALSE = new Set(['true', 'false', 'yes', 'no', 'on', 'off', '1', '0'])
const wrongType = fc.oneof(
  fc.constantFrom(...BOOLS).chain(name =>
    one(
      name,
      fc.oneof(
        fc.constantFrom('TRUE!', 'maybe', 'enabled', '2', 'y', 'n', 'tru', 'null', '[true]'),
        nonBlank().filter(v => !TRUE_FALSE.has(v.trim().toLowerCase()))
      )
    )
  ),
  one(
    'batch_size',
    fc.oneof(
      fc.constantFrom('0', '-5', '1.5', 'abc', '100001', '1e3', '20 rows', '0x10'),
      fc.integer({ min: 100_001, max: 2 ** 40 }).map(String),
      nonBlank().filter(v => !/^\d+$/.test(v.trim()))
    )
  )
)

const wrongEnum = fc.constantFrom(...Object.keys(ENUMS)).chain(name =>
  one(
    name,
    fc.oneof(
      fc.constantFrom('RERUN!', 'delete', 'azure', 'ignore', 'stop', 'tenant-store', 'both'),
      nonBlank().filter(v => !ENUMS[name].includes(v.trim().toLowerCase()))
    )
  )
)

const badDuration = fc.constantFrom(...Object.keys(DURATIONS)).chain(name => {
  const [min, max] = DURATIONS[name]
  const outOfRange = fc.oneof(
    ...(min > 0 ? [fc.integer({ min: 0, max: min - 1 }).map(ms => `${ms}ms`)] : []),
    fc.integer({ min: Math.floor(max / 1000) + 1, max: 10 * 24 * 3600 }).map(s => `${s}s`),
    fc.integer({ min: Math.floor(max / 3_600_000) + 1, max: 1000 }).map(h => `${h}h`)
  )
  const malformed = fc.oneof(
    fc.constantFrom('5', 'soon', '1 minute', '-1s', '1d', '5 s s', '1.s', 'PT5M', 'ms', '∞'),
    nonBlank().filter(v => !/^(\d+(?:\.\d+)?)\s*(ms|s|m|h)$/i.test(v.trim()))
  )
  return one(name, fc.oneof(outOfRange, malformed))
})

const badUrl = one(
  'atlan_base_url',
  fc.oneof(
    fc.constantFrom(
      '',
      '   ',
      'acme.atlan.com',
      'http://acme.atlan.com',
      'https://user:pw@acme.atlan.com',
      'https://acme.atlan.com/?tenant=1',
      'https://acme.atlan.com/#x',
      'ftp://acme.atlan.com',
      'javascript:alert(1)',
      'file:///etc/passwd',
      'http://10.0.0.1',
      'https://',
      'https://exa mple.com'
    ),
    nonBlank().filter(v => !/^https?:/i.test(v.trim()))
  )
)

const badWorkflowName = one(
  'workflow_name',
  fc.oneof(
    fc.constantFrom('CSA-Lineage-Builder-1', 'csa_lineage', '-csa', 'csa-', 'a b', 'x'.repeat(300)),
    nonBlank().filter(v => !/^[a-z0-9]([a-z0-9-]{0,251}[a-z0-9])?$/.test(v.trim()))
  )
)

const badSeparator = one(
  'field_separator',
  fc.oneof(
    fc.constantFrom(';;', '"', '\n', '\r', 'comma', '\\n'),
    text(2, 6).filter(v => [...v].length >= 2 && !['\\t', 'tab'].includes(v.toLowerCase()))
  )
)

const missingUrl = one('atlan_base_url', fc.constantFrom('', ' ', '\t'))

/** Problems only visible once every input parsed: credentials and conflicting modes. */
const storeArb = fc.constantFrom<Store>('s3', 'gcs', 'adls')
const credsOf = (store: Store, s: Secrets): Values => {
  const v: Values = {}
  for (const n of STORES[store])
    v[n] = SECRET_SET.has(n) ? s[n as keyof Secrets] : `${n.replace(/_/g, '-')}-value`
  return v
}

function crossField(s: Secrets): fc.Arbitrary<Mutation> {
  return fc.oneof<fc.Arbitrary<Mutation>[]>(
    fc
      .constantFrom('', '   ')
      .map(v => ({ set: { atlan_api_key: v }, offending: ['atlan_api_key'] })),
    // Partial credentials: one input of the chosen store missing.
    fc.tuple(storeArb, fc.constantFrom('create', 'auto')).chain(([store, mode]) =>
      fc.constantFrom(...STORES[store]).map(missing => {
        const creds = credsOf(store, s)
        delete creds[missing]
        return {
          set: { mode, object_store: store, prefix: 'lineage', object_key: 'k.csv', ...creds },
          offending: [missing]
        }
      })
    ),
    // A credential of another store than object_store.
    storeArb.chain(store =>
      fc
        .tuple(
          fc.constantFrom(...(['tenant', 's3', 'gcs', 'adls'] as const).filter(x => x !== store)),
          fc.constantFrom(...STORES[store])
        )
        .map(([chosen, stray]) => ({
          set: {
            mode: 'create',
            object_store: chosen,
            prefix: 'lineage',
            object_key: 'k.csv',
            ...(chosen === 'tenant' ? {} : credsOf(chosen, s)),
            [stray]: credsOf(store, s)[stray]
          },
          offending: [stray]
        }))
    ),
    // rerun keeps the stored storage: object_store other than tenant conflicts.
    storeArb.map(store => ({
      set: { mode: 'rerun', object_store: store, ...credsOf(store, s) },
      offending: ['object_store']
    })),
    fc.constantFrom('create').map(mode => ({
      set: { mode, lineage_file: 'a.csv', workflow_name: 'csa-lineage-builder-1714638976' },
      offending: ['workflow_name']
    })),
    fc.constantFrom('create', 'auto').map(mode => ({
      set: { mode, lineage_file: '', prefix: '', object_key: '' },
      offending: ['lineage_file']
    })),
    storeArb.map(store => ({
      set: { mode: 'create', object_store: store, object_key: 'k.csv', ...credsOf(store, s) },
      offending: ['prefix']
    })),
    storeArb.map(store => ({
      set: { mode: 'auto', object_store: store, prefix: 'p', ...credsOf(store, s) },
      offending: ['object_key']
    })),
    fc.constant({
      set: { check_run: 'true', github_token: '' },
      offending: ['github_token']
    }),
    fc.constant({ set: { skip_unchanged: 'true' }, offending: ['skip_unchanged'] })
  )
}

const schemaLevel = fc.oneof(
  { weight: 3, arbitrary: wrongType },
  { weight: 2, arbitrary: wrongEnum },
  { weight: 3, arbitrary: badDuration },
  { weight: 2, arbitrary: badUrl },
  { weight: 1, arbitrary: missingUrl },
  { weight: 1, arbitrary: badWorkflowName },
  { weight: 1, arbitrary: badSeparator }
)

let atlanUrl = 'https://acme.atlan.com'

function base(s: Secrets): Values {
  return { atlan_base_url: atlanUrl, atlan_api_key: s.atlan_api_key, github_token: s.github_token }
}

/** One to three schema-level problems on distinct inputs, or one cross-field problem. */
const invalidCase: fc.Arbitrary<Case> = secrets.chain(s =>
  fc
    .oneof(
      fc
        .uniqueArray(schemaLevel, { minLength: 1, maxLength: 3, selector: m => m.offending[0] })
        .map(ms => ({ ms, kind: 'schema' })),
      crossField(s).map(m => ({ ms: [m], kind: 'cross-field' }))
    )
    .map(({ ms, kind }) => {
      const values = base(s)
      for (const m of ms) Object.assign(values, m.set)
      return {
        values,
        offending: ms.flatMap(m => m.offending),
        secrets: Object.values(s),
        kind: `${kind}:${ms.flatMap(m => m.offending).join('+')}`
      }
    })
)

// ---- the in-process config path -------------------------------------------------------------

/** readInputs + parseConfig with `values` as the runner's inputs; what was written to stdout. */
function parse(values: Values): { error: unknown; stdout: string } {
  const written: string[] = []
  const write = process.stdout.write
  process.stdout.write = ((chunk: string | Uint8Array) => {
    written.push(String(chunk))
    return true
  }) as typeof process.stdout.write
  let error: unknown
  try {
    parseConfig(
      readInputs((name, trim) => {
        const v = values[name] ?? ''
        return trim ? v.trim() : v
      })
    )
  } catch (e) {
    error = e
  } finally {
    process.stdout.write = write
  }
  return { error, stdout: written.join('') }
}

function secretsIn(textToScan: string, values: readonly string[]): string[] {
  return values
    .filter(v => v.trim().length >= 4)
    .flatMap(v => secretForms(v).filter(f => textToScan.includes(f)))
}

let recorder: Recorder
beforeAll(async () => {
  recorder = await startRecorder()
  atlanUrl = recorder.url
})
afterAll(() => recorder.close())

describe('input fuzzing', () => {
  it('the base input set the cases start from is valid', () => {
    fc.assert(
      fc.property(secrets, s => {
        const { error } = parse(base(s))
        expect(error).toBeUndefined()
      }),
      { numRuns: 20 }
    )
  })

  it('≥ 500 invalid input sets: one ConfigError, one line, naming each offending input, no secret', () => {
    const kinds = new Map<string, number>()
    let runs = 0
    fc.assert(
      fc.property(invalidCase, c => {
        runs++
        const family = c.kind.split(':')[0] + ':' + c.offending[0]
        kinds.set(family, (kinds.get(family) ?? 0) + 1)
        const { error, stdout } = parse(c.values)
        expect(error).toBeInstanceOf(ConfigError)
        const message = (error as ConfigError).message
        expect(message).not.toMatch(/[\r\n]/)
        // Inputs with the same problem are named together: inputs "a", "b": ...
        for (const input of c.offending)
          expect(message).toMatch(new RegExp(`inputs? (?:"\\w+", )*"${input}"`))
        expect(c.offending).toContain((error as ConfigError).input)
        expect(secretsIn(message, c.secrets)).toEqual([])
        // Reading the inputs wrote nothing but the masks of the secrets.
        for (const line of stdout.split('\n').filter(Boolean)) expect(line).toMatch(/^::add-mask::/)
      }),
      { numRuns: 600 }
    )
    expect(runs).toBeGreaterThanOrEqual(500)
    // Every category was exercised.
    const seen = [...kinds.keys()].join(' ')
    for (const input of [
      'atlan_base_url',
      'atlan_api_key',
      'mode',
      'object_store',
      'poll_interval',
      'timeout',
      'request_timeout',
      'index_grace',
      'batch_size',
      'workflow_name',
      'github_token',
      'prefix',
      'object_key',
      'lineage_file'
    ])
      expect(seen).toContain(`:${input}`)
    expect(seen).toMatch(/:s3_|:gcs_|:adls_/)
  })

  it('schema and cross-field problems together: every bad input is named at once', () => {
    // parse.ts promises "one ConfigError naming every bad input"; a user fixing one input
    // should not discover the next one only on the following run.
    const { error } = parse({
      ...base({
        atlan_api_key: 'k-secret-1234',
        github_token: 'g-secret-1234',
        s3_secret_key: '',
        gcs_service_account_json: '',
        adls_client_secret: ''
      }),
      poll_interval: 'soon',
      mode: 'create',
      lineage_file: 'a.csv',
      workflow_name: 'csa-lineage-builder-1714638976'
    })
    expect(error).toBeInstanceOf(ConfigError)
    expect((error as Error).message).toContain('input "poll_interval"')
    expect((error as Error).message).toContain('input "workflow_name"')
  })

  it('a sample of 25 through dist/index.js: exit 1, one ::error:: naming the input, no HTTP request', async () => {
    const sample = fc.sample(invalidCase, { numRuns: 25, seed: 20261127 })
    const queue = [...sample]
    const failures: string[] = []
    const worker = async () => {
      for (let c = queue.shift(); c; c = queue.shift()) {
        const before = recorder.hits.length
        // Inputs the case leaves out take their action.yml defaults, as on a runner.
        const run = await runAction({ inputs: c.values, timeoutMs: 30_000 })
        const errors = run.stdout.split('\n').filter(l => l.startsWith('::error'))
        const problems: string[] = []
        if (run.code !== 1) problems.push(`exit ${run.code}`)
        if (errors.length !== 1) problems.push(`${errors.length} ::error:: lines`)
        for (const input of c.offending)
          if (!errors[0]?.includes(`input "${input}"`)) problems.push(`does not name ${input}`)
        if (leaks(run.everything, c.secrets).length) problems.push('a secret leaked')
        if (recorder.hits.length !== before) problems.push('an HTTP request was made')
        if (run.outputs.phase !== 'Invalid') problems.push(`phase ${run.outputs.phase}`)
        if (problems.length)
          failures.push(`${c.kind}: ${problems.join(', ')}\n  ${errors.join('\n  ')}`)
      }
    }
    await Promise.all(Array.from({ length: 4 }, worker))
    expect(failures).toEqual([])
    expect(recorder.hits).toEqual([])
  }, 120_000)
})

// Every input the fuzzer names is a real input.
it('offending inputs are real input names', () => {
  const names = new Set<string>(INPUT_NAMES)
  fc.assert(
    fc.property(invalidCase, c => c.offending.every(n => names.has(n))),
    { numRuns: 100 }
  )
})

describe('rows 17 and the network messages', () => {
  it('row 17: an API key with a newline is Invalid before any request, and never printed', async () => {
    const s = await sim()
    const key = `${API_KEY}\nX-Injected: 1`
    const run = await runAction({ inputs: { ...inputsFor(s), atlan_api_key: key } })
    expect(run.code).toBe(1)
    expect(run.outputs.phase).toBe('Invalid')
    expect(message(run)).toMatch(/atlan_api_key.*control character/)
    expect(routes(s)).toEqual([])
    expect(run.everything).not.toContain('X-Injected')
  })
})
