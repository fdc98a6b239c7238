// A secret with characters that URL-encode, echoed URL-encoded in server text (a gateway quoting
// the request URL, an error naming the token), must come out redacted in everything the bundled
// action writes: log, outputs, job summary, state. Behaviour only: whatever module does the
// redaction, the encoded form must not get through.
import { afterEach, describe, expect, it } from '@jest/globals'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { leakForms } from '../../scripts/leak-forms.js'
import { runAction } from '../helpers/action.js'

// '/', '+', '=', '&', '?' and '@' all change under encodeURIComponent.
const SECRET = 'atk/Enc+Key=9&x?y@z'
const ENCODED = encodeURIComponent(SECRET)

/** A loopback "tenant" that rejects every call with a 401 quoting the token URL-encoded. */
async function echoingTenant(body: (quoted: string) => { type: string; text: string }) {
  let hits = 0
  const server: Server = createServer((req, res) => {
    hits++
    req.resume()
    const { type, text } = body(`ZZMARK${ENCODED}ZZEND`)
    res.writeHead(401, { 'content-type': type }).end(text)
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    hits: () => hits,
    close: () => new Promise<void>(resolve => server.close(() => resolve()))
  }
}

let close: (() => Promise<void>) | undefined
afterEach(async () => {
  await close?.()
  close = undefined
})

describe('a URL-encoded secret in server text is redacted', () => {
  it('the encoded form differs from the raw one (else this test proves nothing)', () => {
    expect(ENCODED).not.toBe(SECRET)
    expect(leakForms(SECRET)).toContain(ENCODED)
  })

  const bodies = {
    'a JSON error body': (q: string) => ({
      type: 'application/json',
      text: JSON.stringify({
        errorCode: 'ATLAN-PYTHON-401-000',
        errorMessage: `token ${q} is invalid or expired`
      })
    }),
    'a plain-text gateway page': (q: string) => ({
      type: 'text/html',
      text: `<html><body>401 Unauthorized: /api/service/whoami?token=${q}</body></html>`
    })
  }

  it.each(Object.entries(bodies))('%s', async (_, body) => {
    const tenant = await echoingTenant(body)
    close = tenant.close
    const run = await runAction({
      inputs: {
        atlan_base_url: tenant.url,
        atlan_api_key: SECRET,
        workflow_name: 'csa-lineage-builder-1714638976',
        request_timeout: '2s'
      },
      timeoutMs: 30_000
    })
    expect(tenant.hits()).toBeGreaterThan(0)
    expect(run.code).toBe(1)
    // The server text did reach what the user sees (so the scan below is not vacuous)…
    const shown = [...run.everything.matchAll(/ZZMARK(.*?)ZZEND/g)].map(m => m[1])
    expect(shown.length).toBeGreaterThan(0)
    expect(`${run.outputs.phase ?? ''}${run.summary}`).toMatch(/ZZMARK.*?ZZEND/)
    // …with the secret in none of its forms, in the log, outputs, summary or state.
    for (const form of leakForms(SECRET)) expect(run.everything).not.toContain(form)
    for (const s of shown) expect(s).not.toContain('%2F')
  })
})
