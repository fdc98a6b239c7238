// Status and failure mapping: kind, retryable, a message naming cause and fix, and never the key.
import { describe, expect, it } from '@jest/globals'
import { errorFromStatus, permissionFor } from '../../src/atlan/error-mapping.js'
import { AtlanError, isTransient } from '../../src/atlan/errors.js'
import { guardedLookup } from '../../src/atlan/outbound.js'
import { describeError } from '../../src/report/untrusted.js'
import { API_KEY, envelope, json, makeClient, netError, text, timeoutError } from './fakes.js'
import type { Step } from './fakes.js'

const GENERIC_BODY = {
  errorCode: 1234,
  errorMessage: 'something went wrong',
  causes: [{ errorType: 'x', errorMessage: 'bad field', location: 'body' }],
  errorCause: 'because',
  errorId: '95d80a45999cabc',
  doc: 'https://ask.atlan.com/hc/en-us/articles/6755306791697'
}

/** Runs getRun against `steps` and returns what it threw. */
async function failure(steps: Step[], retry = { maxAttempts: 1 }): Promise<AtlanError> {
  const { client } = makeClient(steps, { retry })
  const err = await client.getRun('wf-1-abcde').then(
    () => undefined,
    (e: unknown) => e
  )
  expect(err).toBeInstanceOf(AtlanError)
  const e = err as AtlanError
  for (const s of [e.message, describeError(e), JSON.stringify(e), String(e.stack)]) {
    expect(s).not.toContain(API_KEY)
  }
  return e
}

describe('HTTP status mapping', () => {
  it('401: auth, the exact advice, not retryable', async () => {
    const e = await failure([json(401, GENERIC_BODY)])
    expect(e.kind).toBe('auth')
    expect(e.status).toBe(401)
    expect(e.retryable).toBe(false)
    expect(e.endpoint).toBe('POST /api/service/runs/indexsearch')
    expect(e.message).toContain(
      'Atlan rejected the API token (401): it is invalid or expired. Create a new token in Atlan (Admin → API tokens) and update the secret passed as atlan_api_key.'
    )
    expect(e.requestId).toMatch(/^[0-9a-f-]{36}$/)
    expect(e.message).toContain(e.requestId)
  })

  it('parses the generic error body of API §2.4 into the message', async () => {
    const e = await failure([json(400, GENERIC_BODY)])
    expect(e.kind).toBe('bad_request')
    expect(e.message).toContain('1234: something went wrong')
    expect(e.message).toContain('cause: because')
    expect(e.message).toContain('cause: bad field')
    expect(e.message).toContain('error id 95d80a45999cabc')
    expect(e.message).toContain('see https://ask.atlan.com/')
  })

  it('reads the alternative field names code/message', async () => {
    const e = await failure([json(409, { code: 'ATLAN-1', message: 'already exists' })])
    expect(e.message).toContain('ATLAN-1: already exists')
  })

  it('403: permission, names what the token needs', async () => {
    const e = await failure([json(403, { errorCode: 403, errorMessage: 'forbidden' })])
    expect(e.kind).toBe('permission')
    expect(e.message).toMatch(/the API token may not run workflows/)
    expect(e.message).toMatch(/persona/)
    expect(e.message).toMatch(/\$admin/)
  })

  it.each([
    ['POST /api/service/workflows/indexsearch', 'run workflows', /run the Lineage Builder/],
    ['POST /api/service/runs/indexsearch', 'run workflows', /run the Lineage Builder/],
    ['POST /api/service/workflows/submit', 'run workflows', /run the Lineage Builder/],
    ['POST /api/service/package-workflows/submit', 'run workflows', /run the Lineage Builder/],
    ['POST /api/service/runs/wf-1-abcde/stop', 'run workflows', /run the Lineage Builder/],
    ['POST /api/service/files/presignedUrl', 'run workflows', /run the Lineage Builder/],
    ['POST /api/service/workflows?submit=true', 'create workflows', /create workflows/],
    [
      'POST /api/service/workflows/csa-lineage-builder-1714638976',
      'edit workflows',
      /edit workflows/
    ],
    [
      'POST /api/service/package-workflows/csa-lineage-builder-1714638976',
      'edit workflows',
      /edit workflows/
    ],
    ['POST /api/service/files', 'upload files', /object storage/],
    [
      'POST /api/meta/search/indexsearch',
      'read assets',
      /persona with read access to the connections/
    ],
    ['GET /api/meta/entity/guid/g-1', 'read processes', /reads each process again.*prune: false/],
    ['DELETE /api/meta/entity/bulk', 'delete processes', /prune: false/]
  ])('403 on %s names its own permission (%s)', (endpoint, what, hint) => {
    const p = permissionFor(endpoint)
    expect(p.what).toBe(what)
    expect(p.hint).toMatch(hint)
    const e = errorFromStatus(
      { endpoint, requestId: 'r', service: 'atlan', timeoutMs: 1000 },
      403,
      '{}'
    )
    expect(e.message).toContain(`Atlan refused ${endpoint} (403): the API token may not ${what}.`)
    expect(e.message).toContain(p.hint)
  })

  it('404 on a normal endpoint: not_found with the endpoint', async () => {
    const { client } = makeClient([json(404, { message: 'no such run' })])
    const e = (await client.stopRun('wf-1-abcde').catch(x => x)) as AtlanError
    expect(e.kind).toBe('not_found')
    expect(e.message).toContain('404')
    expect(e.message).toContain('POST /api/service/runs/wf-1-abcde/stop')
    expect(e.message).toContain('no such run')
  })

  it('404 on rerun names workflow_name', async () => {
    const { client } = makeClient([json(404, {})])
    const e = (await client.rerun('csa-lineage-builder-1').catch(x => x)) as AtlanError
    expect(e.kind).toBe('not_found')
    expect(e.message).toContain('workflow_name')
    expect(e.submitOutcomeUnknown).toBe(false)
  })

  it.each(['runs/indexsearch', 'workflows/indexsearch'])(
    '404 on %s: legacy_removed with the support advice',
    async path => {
      const { client } = makeClient([text(404, 'Not Found')], { retry: { maxAttempts: 1 } })
      const call = path.startsWith('runs') ? client.getRun('x') : client.findWorkflow('x')
      const e = (await call.catch(x => x)) as AtlanError
      expect(e.kind).toBe('legacy_removed')
      expect(e.message).toContain(
        `This tenant no longer serves Atlan's legacy workflow API (POST /api/service/${path} answered 404); Lineage Builder has no documented replacement on /api/service/v1/app yet, so it cannot be run from this action. Ask Atlan support whether your tenant can run @csa/lineage-builder via the API.`
      )
      expect(e.retryable).toBe(false)
    }
  )

  it('429: rate_limited and transient', async () => {
    const e = await failure([json(429, {}, { 'retry-after': '7' })])
    expect(e.kind).toBe('rate_limited')
    expect(e.retryAfterMs).toBe(7000)
    expect(isTransient(e)).toBe(true)
    expect(e.message).toMatch(/1800 requests per minute/)
  })

  it.each([500, 502, 503, 504])('%i: server and transient', async status => {
    const e = await failure([text(status, '<html><body><h1>Bad gateway</h1></body></html>')])
    expect(e.kind).toBe('server')
    expect(e.status).toBe(status)
    expect(isTransient(e)).toBe(true)
    expect(e.message).toContain(`(${status})`)
    expect(e.message).toContain('Bad gateway')
    expect(e.message).not.toContain('<h1>')
  })

  it('a redirect is reported, not followed', async () => {
    const e = await failure([text(302, '', { location: 'https://login.example.com/sso?x=1' })])
    expect(e.kind).toBe('bad_request')
    expect(e.message).toContain('https://login.example.com')
    expect(e.message).not.toContain('sso?x=1')
    expect(e.message).toContain('atlan_base_url')
  })

  it('redacts the key if the server echoes it back', async () => {
    const e = await failure([
      json(400, { errorMessage: `bad header Authorization: Bearer ${API_KEY} and ${API_KEY}` })
    ])
    expect(e.message).toContain('Bearer ***')
    expect(e.message).not.toContain(API_KEY)
  })
})

describe('malformed 2xx replies', () => {
  it('a body that is not JSON', async () => {
    const e = await failure([text(200, '<html>login</html>')])
    expect(e.kind).toBe('malformed')
    expect(e.message).toContain('POST /api/service/runs/indexsearch')
    expect(e.message).toContain('not JSON')
    expect(e.message).toContain('atlan_base_url')
  })

  it('a hit whose phase is not one of the five', async () => {
    const bad = envelope([{ _id: 'r', _source: { spec: {}, status: { phase: 'Stopped' } } }])
    const e = await failure([json(200, bad)])
    expect(e.kind).toBe('malformed')
    expect(e.message).toContain('hits.hits.0._source.status.phase')
  })

  it('a submit reply without metadata.name', async () => {
    const { client } = makeClient([json(200, { spec: {} })])
    const e = (await client.submitWorkflow({}).catch(x => x)) as AtlanError
    expect(e.kind).toBe('malformed')
    expect(e.message).toContain('POST /api/service/workflows?submit=true')
  })

  it('a presigned URL that is not http(s)', async () => {
    const bad = () => json(200, { url: 'file:///etc/passwd' })
    const { client } = makeClient([bad(), bad()])
    const e = (await client.presignUpload('k').catch(x => x)) as AtlanError
    expect(e.kind).toBe('malformed')
  })

  it('a malformed read is read once more (a cut body), then fails', async () => {
    const { client, fake } = makeClient([text(200, '{"hits": {"hi'), text(200, '{"hits": {"hi')])
    const e = (await client.getRun('wf-1-abcde').catch(x => x)) as AtlanError
    expect(e.kind).toBe('malformed')
    expect(fake.calls).toHaveLength(2)
  })

  it('a malformed read that reads well the second time recovers', async () => {
    const { client, fake } = makeClient([text(200, '{"hits": {"hi'), json(200, envelope([]))])
    await expect(client.getRun('wf-1-abcde')).resolves.toBeUndefined()
    expect(fake.calls).toHaveLength(2)
  })
})

describe('network failures', () => {
  it.each([
    ['ECONNREFUSED', true],
    ['ECONNRESET', false],
    ['UND_ERR_SOCKET', false]
  ])('%s: network, notSent=%s', async (code, notSent) => {
    const e = await failure([netError(code)])
    expect(e.kind).toBe('network')
    expect(e.code).toBe(code)
    expect(e.notSent).toBe(notSent)
    expect(e.retryable).toBe(true)
    expect(e.message).toContain(code)
    expect(e.message).toContain('HTTPS_PROXY')
  })

  it.each(['ENOTFOUND', 'EAI_AGAIN'])(
    '%s: not retried; says the host could not be resolved, quotes no request id',
    async code => {
      const { client, fake } = makeClient([netError(code), json(200, envelope([]))])
      const e = (await client.getRun('wf-1-abcde').catch(x => x)) as AtlanError
      expect(fake.calls).toHaveLength(1)
      expect(e.kind).toBe('network')
      expect(e.retryable).toBe(false)
      expect(e.notSent).toBe(true)
      expect(e.message).toMatch(/The host \S+ could not be resolved/)
      expect(e.message).not.toMatch(/request id/)
    }
  )

  it('an aborted request (our timeout) is a timeout', async () => {
    const e = await failure([timeoutError()])
    expect(e.kind).toBe('timeout')
    expect(e.message).toContain('within 30 s')
  })

  it('a host that resolves to a private address: refused, not retried, the address named', async () => {
    // The error the guarded lookup hands to the socket, wrapped as undici's fetch wraps it.
    const refused = await new Promise<unknown>(resolve =>
      guardedLookup((_h, _o, cb) => cb(null, '10.1.2.3', 4))('bucket.example', {}, resolve)
    )
    const { client, fake } = makeClient([
      new TypeError('fetch failed', { cause: refused }),
      json(200, envelope([]))
    ])
    const e = (await client.getRun('wf-1-abcde').catch(x => x)) as AtlanError
    expect(fake.calls).toHaveLength(1)
    expect(e).toMatchObject({ kind: 'network', retryable: false, notSent: true })
    expect(e.message).toContain(
      'Refused to send POST /api/service/runs/indexsearch to Atlan: bucket.example resolves to 10.1.2.3, a private, link-local or reserved address'
    )
  })

  it('a TLS failure is not retried and mentions NODE_EXTRA_CA_CERTS', async () => {
    const e = await failure([netError('UNABLE_TO_VERIFY_LEAF_SIGNATURE')])
    expect(e.kind).toBe('network')
    expect(e.retryable).toBe(false)
    expect(e.message).toContain('NODE_EXTRA_CA_CERTS')
  })
})

describe('isTransient', () => {
  it('is false for errors that are not AtlanErrors', () => {
    expect(isTransient(new Error('x'))).toBe(false)
  })

  it('successful calls still work after the error tests (sanity)', async () => {
    const { client } = makeClient([json(200, envelope([]))])
    expect(await client.getRun('x')).toBeUndefined()
  })
})
