// The forms a secret can take once it has left the process. Leak scans (tests, the fault matrix)
// compute them here, independently of the redaction code they check (src/config/redact.ts), so
// dropping a form there cannot also drop it from the scan: raw, lower-cased, JSON-escaped,
// URL-encoded, base64, each line of a multi-line secret and a GCS key's private_key PEM lines.
// The base64 forms are found by experiment: the longest run of base64 text that stays the same
// whatever bytes surround the secret at each of the three offsets.

const MIN_PART = 8

function commonSubstring(a: string, b: string): string {
  let best = ''
  const prev = new Array<number>(b.length + 1).fill(0)
  for (let i = 1; i <= a.length; i++) {
    let diag = 0
    for (let j = 1; j <= b.length; j++) {
      const keep = prev[j]
      prev[j] = a[i - 1] === b[j - 1] ? diag + 1 : 0
      if (prev[j] > best.length) best = a.slice(i - prev[j], i)
      diag = keep
    }
  }
  return best
}

/** What base64 of "<offset bytes><value><more bytes>" always contains, for offset 0, 1 and 2. */
export function base64Stable(value: string, encoding: 'base64' | 'base64url' = 'base64'): string[] {
  const v = Buffer.from(value)
  return [0, 1, 2].map(offset => {
    const around = (fill: number) =>
      Buffer.concat([Buffer.alloc(offset, fill), v, Buffer.alloc(3, fill)]).toString(encoding)
    return commonSubstring(around(0x00), around(0xff))
  })
}

/** The whole value, its lines, and a key file's private_key PEM and its lines. */
export function partsOf(secret: string): string[] {
  const parts = new Set([secret])
  const lines = (t: string) =>
    t
      .split(/\r?\n|\r/)
      .map(l => l.trim())
      .filter(l => l.length >= MIN_PART && !l.startsWith('-----'))
  for (const l of lines(secret)) parts.add(l)
  try {
    const key = (JSON.parse(secret) as { private_key?: unknown }).private_key
    if (typeof key === 'string') {
      parts.add(key.trim())
      for (const l of lines(key)) parts.add(l)
    }
  } catch {
    // Not JSON: no key file.
  }
  return [...parts]
}

export function leakForms(secret: string): string[] {
  const forms = new Set<string>()
  for (const p of partsOf(secret)) {
    forms.add(p)
    forms.add(p.toLowerCase())
    forms.add(JSON.stringify(p).slice(1, -1))
    forms.add(encodeURIComponent(p))
    forms.add(Buffer.from(p).toString('base64'))
    for (const f of [...base64Stable(p), ...base64Stable(p, 'base64url')])
      if (f.length >= MIN_PART) forms.add(f)
  }
  return [...forms].filter(f => f.length >= 4)
}

/** Secret values (in any of their forms) found in a text; empty when nothing leaked. */
export function leaks(text: string, secrets: readonly string[]): string[] {
  return secrets.flatMap(s => leakForms(s).filter(f => text.includes(f)))
}
