// Secret-leak scan (src/config/redact.ts, src/report/untrusted.ts). The bundled action runs through
// its main paths with step debug on and distinctive secrets in every secret input; no secret, nor
// its base64, URL-encoded or JSON-escaped form (nor a line of a multi-line one), may appear in
// stdout (the ::add-mask:: commands aside: the runner consumes them), stderr, GITHUB_OUTPUT,
// GITHUB_STEP_SUMMARY or GITHUB_STATE.
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { startGitHubSim } from '../../sim/github/server.js'
import { startSimulator, type Scenario, type Simulator } from '../../sim/server.js'
import { runAction, startAction, type ActionRun } from '../helpers/action.js'
import { startRecorder, type Recorder } from '../helpers/recorder.js'
import { repoRoot } from '../helpers/shared.js'
import { clearSecrets, redact } from '../../src/config/redact.js'
import { base64Stable, leakForms, leaks } from '../../scripts/leak-forms.js'

// Each has characters whose base64, URL and JSON forms differ from the raw value.
const SECRETS = {
  atlan_api_key: 'atk_LeAk+9f/Zq=Wv3rT8yU.0xC0FFEE',
  s3_secret_key: 'S3-sEcReT/aB+c=dEf&gh "quoted" \\ tail',
  gcs_service_account_json: JSON.stringify(
    {
      type: 'service_account',
      project_id: 'leaky-proj-4417',
      private_key_id: 'b7e1c0ffee5ecre7b7e1c0ffee5ecre7',
      private_key:
        '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjLeAkLeAk\nZm9vYmFyYmF6cXV4TEFLRVNFQ1JFVA==\n-----END PRIVATE KEY-----\n',
      client_email: 'leaky-sa@leaky-proj-4417.iam.gserviceaccount.com'
    },
    null,
    2
  ),
  adls_client_secret: 'adls~Cl13nt.S3cr3t_Leak-99?x=1&y=2',
  github_token: 'ghs_LeakTestToken0123456789abcdefXYZ'
}
const ALL = Object.values(SECRETS)

const DEBUG_ENV = { ACTIONS_STEP_DEBUG: 'true', RUNNER_DEBUG: '1' }
const CSV = 'examples/lineage.csv'

let simulators: Simulator[] = []
let recorder: Recorder
beforeAll(async () => (recorder = await startRecorder()))
afterAll(async () => {
  await recorder.close()
  await Promise.all(simulators.map(s => s.close()))
  simulators = []
})

async function atlan(scenario: Partial<Scenario> = {}, token = SECRETS.atlan_api_key) {
  const s = await startSimulator({
    token,
    scenario: { pendingMs: 200, runningMs: 600, ...scenario }
  })
  simulators.push(s)
  return s
}

function base(url: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    atlan_base_url: url,
    atlan_api_key: SECRETS.atlan_api_key,
    github_token: SECRETS.github_token,
    request_timeout: '2s',
    poll_interval: '1s',
    ...extra
  }
}

function expectNoLeak(run: ActionRun, network = true): void {
  expect(leaks(run.everything, ALL)).toEqual([])
  // The debug stream really was on (so the scan covers the request logs and stack traces).
  if (network) expect(run.stdout).toMatch(/^::debug::/m)
}

/** Every secret given was masked before anything else was written. */
function expectMasked(run: ActionRun, given: string[]): void {
  const masks = run.stdout
    .split('\n')
    .filter(l => l.startsWith('::add-mask::'))
    .map(l => l.slice('::add-mask::'.length))
  // ::add-mask:: escapes %, CR and LF as %25, %0D, %0A.
  const escape = (v: string) =>
    v.replaceAll('%', '%25').replaceAll('\r', '%0D').replaceAll('\n', '%0A')
  for (const secret of given) expect(masks).toContain(escape(secret))
  const firstMask = run.stdout.indexOf('::add-mask::')
  const firstOther = run.stdout.split('\n').findIndex(l => l && !l.startsWith('::add-mask::'))
  expect(firstMask).toBe(0)
  expect(firstOther).toBeGreaterThan(0)
}

const PEM = (JSON.parse(SECRETS.gcs_service_account_json) as { private_key: string }).private_key

/** Text a hostile or careless server could send back, holding the secrets in every form. */
function echoes(): string {
  const key = SECRETS.atlan_api_key
  const b64 = (t: string) => Buffer.from(t).toString('base64')
  return [
    // A long lead-in, so that any cut at a few hundred characters falls inside the key.
    `${'x'.repeat(350)} Could not load private key: ${PEM}`,
    `header ${b64(`Authorization: Bearer ${key}`)}`,
    `header ${b64(`Bearer ${key}`)} / ${b64(`x${key}`)} / ${b64(`xy${key}`)}`,
    `redirected to https://${key.toLowerCase()}.evil.example/`,
    `query token=${encodeURIComponent(key)}`,
    `as in the key file: "${JSON.stringify(PEM).slice(1, -1)}"`
  ].join('\n')
}

describe('redaction, checked against forms computed by the test', () => {
  afterEach(() => clearSecrets())

  it('the scan itself finds every echo (it is not vacuous)', () => {
    const found = leaks(echoes(), ALL)
    for (const line of PEM.split('\n').filter(l => l.length >= 8 && !l.startsWith('-----')))
      expect(found).toContain(line)
    expect(found).toContain(SECRETS.atlan_api_key.toLowerCase())
    expect(found).toContain(encodeURIComponent(SECRETS.atlan_api_key))
    // base64 of the key at a non-zero offset (inside "Authorization: Bearer <key>").
    const offset = 'Authorization: Bearer '.length % 3
    expect(offset).not.toBe(0)
    expect(found).toContain(base64Stable(SECRETS.atlan_api_key)[offset])
  })

  it('redact() leaves none of them, whatever the offset', () => {
    const text = echoes()
    expect(leaks(redact(text, ALL), ALL)).toEqual([])
    for (let pad = 0; pad < 6; pad++) {
      const b64 = Buffer.from(`${'p'.repeat(pad)}${SECRETS.atlan_api_key}!`).toString('base64')
      expect(leaks(redact(b64, ALL), ALL)).toEqual([])
    }
  })

  it('the PEM is redacted without the client_email field, and before a cut', () => {
    const noEmail = JSON.stringify({ private_key: PEM })
    const out = redact(`quoted: ${PEM}`, [noEmail]).slice(0, 120)
    expect(leaks(out, [noEmail])).toEqual([])
    expect(out).toContain('***')
  })
})

describe('secret leak scan (ACTIONS_STEP_DEBUG=true)', () => {
  it('the secrets are distinctive: their base64, URL-encoded and JSON-escaped forms differ', () => {
    for (const v of ALL) expect(leakForms(v)).toContain(Buffer.from(v).toString('base64'))
    for (const v of [SECRETS.atlan_api_key, SECRETS.s3_secret_key, SECRETS.adls_client_secret])
      expect(encodeURIComponent(v)).not.toBe(v)
    for (const v of [SECRETS.s3_secret_key, SECRETS.gcs_service_account_json])
      expect(JSON.stringify(v).slice(1, -1)).not.toBe(v)
  })

  it('success: rerun with upload, followed to Succeeded', async () => {
    const s = await atlan()
    const wf = s.seed({ prefix: 'p', key: 'k.csv', runs: [{ phase: 'Succeeded', durationS: 2 }] })
    const run = await runAction({
      inputs: base(s.url, { workflow_name: wf, lineage_file: CSV }),
      env: DEBUG_ENV
    })
    expect(run.code).toBe(0)
    expect(run.outputs.phase).toBe('Succeeded')
    // The key did travel, as a bearer token: the scan is not vacuous.
    expect(
      s
        .requests()
        .every(
          q => q.route === 'upload' || q.headers.authorization?.includes(SECRETS.atlan_api_key)
        )
    ).toBe(true)
    expectMasked(run, [SECRETS.atlan_api_key, SECRETS.github_token])
    expectNoLeak(run)
  })

  it('config error: every secret input set, one bad input', async () => {
    const run = await runAction({
      inputs: {
        ...base(recorder.url, { poll_interval: 'soon' }),
        s3_secret_key: SECRETS.s3_secret_key,
        gcs_service_account_json: SECRETS.gcs_service_account_json,
        adls_client_secret: SECRETS.adls_client_secret
      },
      env: DEBUG_ENV
    })
    expect(run.code).toBe(1)
    expect(run.stdout).toMatch(/::error::.*input "poll_interval"/)
    expectMasked(run, ALL)
    // The runner masks what it is told: the key file's decoded PEM, each of its lines, and a
    // lower-cased token (as a URL host prints it) are registered too.
    const pemLines = PEM.split('\n').filter(l => l.length >= 8 && !l.startsWith('-----'))
    expectMasked(run, [PEM, ...pemLines, SECRETS.atlan_api_key.toLowerCase()])
    expect(leaks(run.everything, ALL)).toEqual([])
    expect(recorder.hits).toEqual([])
  })

  it('config error: a secret pasted into a non-secret input is not echoed', async () => {
    const run = await runAction({
      inputs: base(recorder.url, { workflow_name: SECRETS.atlan_api_key }),
      env: DEBUG_ENV
    })
    expect(run.code).toBe(1)
    expect(run.stdout).toMatch(/::error::.*input "workflow_name"/)
    expect(leaks(run.everything, ALL)).toEqual([])
  })

  it('401: Atlan rejects the token', async () => {
    const s = await atlan({}, 'a-different-token')
    const wf = s.seed({ prefix: 'p', key: 'k.csv' })
    const run = await runAction({ inputs: base(s.url, { workflow_name: wf }), env: DEBUG_ENV })
    expect(run.code).toBe(1)
    expect(run.stdout).toMatch(/::error::Atlan rejected the API token \(401\)/)
    expectNoLeak(run)
  })

  it('server error on the rerun (outcome unknown, debug stack traces)', async () => {
    const s = await atlan()
    const wf = s.seed({ prefix: 'p', key: 'k.csv' })
    s.addFault({ route: 'rerun', kind: 'status', status: 502 })
    const run = await runAction({
      inputs: base(s.url, { workflow_name: wf, index_grace: '2s' }),
      env: DEBUG_ENV
    })
    expect(run.code).toBe(1)
    expect(run.stdout).toMatch(/::error::Atlan did not confirm the submit/)
    expectNoLeak(run)
  })

  it('failing run: Atlan ends the run Failed', async () => {
    const s = await atlan({ outcome: 'Failed', outcomeMessage: 'Lineage Builder blew up' })
    const wf = s.seed({ prefix: 'p', key: 'k.csv' })
    s.objects().set('p/k.csv', readFileSync(join(repoRoot, CSV)))
    const run = await runAction({ inputs: base(s.url, { workflow_name: wf }), env: DEBUG_ENV })
    expect(run.code).toBe(1)
    expect(run.outputs.phase).toBe('Failed')
    expectNoLeak(run)
  })

  it.each([
    ['a failing run reported on a check run', undefined],
    ['GitHub refusing the check run (401)', 401],
    ['GitHub failing the check run update (500)', 500]
  ] as const)('check run: %s', async (_what, ghStatus) => {
    const gh = await startGitHubSim()
    try {
      if (ghStatus === 401) gh.setFault('checks/create', 401, -1)
      if (ghStatus === 500) gh.setFault('checks/update', 500, -1)
      const s = await atlan({ outcome: 'Failed', outcomeMessage: 'Lineage Builder failed' })
      const wf = s.seed({ prefix: 'p', key: 'k.csv' })
      const run = await runAction({
        inputs: base(s.url, {
          workflow_name: wf,
          lineage_file: CSV,
          check_run: 'true',
          skip_unchanged: 'true'
        }),
        env: { ...DEBUG_ENV, GITHUB_API_URL: gh.url, ...gh.cacheEnv() }
      })
      expect(run.code).toBe(1)
      expect(gh.requests().some(q => q.route.startsWith('checks/'))).toBe(true)
      expectNoLeak(run)
      // Nor in what was sent to GitHub (check run title, summary, annotations).
      expect(leaks(JSON.stringify(gh.requests().map(q => q.body)), ALL)).toEqual([])
    } finally {
      await gh.close()
    }
  })

  const stores: Record<string, Record<string, string>> = {
    s3: {
      object_store: 's3',
      s3_access_key: 'AKIAFAKEACCESS',
      s3_secret_key: SECRETS.s3_secret_key,
      s3_region: 'eu-west-1',
      s3_bucket: 'leak-bucket'
    },
    gcs: {
      object_store: 'gcs',
      gcs_project_id: 'team-proj-1',
      gcs_service_account_json: SECRETS.gcs_service_account_json,
      gcs_bucket: 'leak-bucket'
    },
    adls: {
      object_store: 'adls',
      adls_client_id: 'client-id-1',
      adls_client_secret: SECRETS.adls_client_secret,
      adls_tenant_id: 'tenant-id-1',
      adls_account_name: 'account1',
      adls_container: 'container1'
    }
  }
  it.each(Object.keys(stores))(
    'dry run, create mode with %s credentials: workflow_json and summary redacted',
    async store => {
      const run = await runAction({
        inputs: base(recorder.url, {
          mode: 'create',
          dry_run: 'true',
          prefix: 'lineage',
          object_key: 'orders.csv',
          lineage_file: CSV,
          ...stores[store]
        }),
        env: DEBUG_ENV
      })
      expect(run.code).toBe(0)
      expect(run.outputs.phase).toBe('DryRun')
      expect(run.outputs.workflow_json).toContain('"password": "***"')
      expectNoLeak(run, false)
      expect(recorder.hits).toEqual([])
    }
  )

  it('a server echoing the secrets in every form (run message of a GCS-credential run)', async () => {
    const gh = await startGitHubSim()
    try {
      const s = await atlan({ outcome: 'Failed', outcomeMessage: echoes() })
      const run = await runAction({
        inputs: base(s.url, {
          mode: 'create',
          prefix: 'lineage',
          object_key: 'orders.csv',
          check_run: 'true',
          ...stores.gcs
        }),
        env: { ...DEBUG_ENV, GITHUB_API_URL: gh.url }
      })
      expect(run.outputs.phase).toBe('Failed')
      // The message did arrive, redacted: the scan covers every surface it reached.
      expect(run.outputs.result).toContain('Could not load private key: ***')
      expect(run.summary).toContain('Could not load private key: \\*\\*\\*')
      expectNoLeak(run)
      expect(leaks(JSON.stringify(gh.requests().map(q => q.body)), ALL)).toEqual([])
    } finally {
      await gh.close()
    }
  })

  it('timeout: on_timeout fail while the run is still Running', async () => {
    const s = await atlan({ runningMs: 60_000 })
    const wf = s.seed({ prefix: 'p', key: 'k.csv' })
    const run = await runAction({
      inputs: base(s.url, { workflow_name: wf, timeout: '2s', on_timeout: 'fail' }),
      env: DEBUG_ENV
    })
    expect(run.code).toBe(1)
    expect(run.outputs.phase).toBe('TimedOut')
    expectNoLeak(run)
  })

  it('cancelled (SIGINT) mid-run, then the post step', async () => {
    const s = await atlan({ runningMs: 60_000 })
    const wf = s.seed({ prefix: 'p', key: 'k.csv' })
    const inputs = base(s.url, { workflow_name: wf })
    const main = startAction({ inputs, env: DEBUG_ENV })
    await main.waitFor(/Run \S+ is (Pending|Running)/)
    main.child.kill('SIGINT')
    const run = await main.done
    expect(run.outputs.phase).toBe('Cancelled')
    expectNoLeak(run)
    const post = await runAction({ inputs, env: DEBUG_ENV, state: run.state })
    expect(leaks(post.everything, ALL)).toEqual([])
  })
})
