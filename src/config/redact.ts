// The secrets of this step, and every form of them a runner, a server or a log could print.
// Text leaves the process only through report/untrusted.ts, which redacts with these forms
// before it escapes or shortens anything (a cut secret would match no form any more).

/** Whole secrets shorter than this are not redacted (they would hide ordinary words). */
const MIN_SECRET_LENGTH = 4
/** Parts of a secret (a line, a base64 slice) shorter than this are not redacted on their own. */
const MIN_PART_LENGTH = 8

const LINE_BREAK = /\r\n|\r|\n/
/** PEM armour is no secret, and hiding it would hide ordinary text about keys. */
const PEM_ARMOUR = /^-----(BEGIN|END) [A-Z ]+-----$/

const registered = new Set<string>()

/** Remembers a secret for every later redaction in this process (inputs.ts calls it). */
export function registerSecret(value: string): void {
  if (value.trim().length >= MIN_SECRET_LENGTH) registered.add(value)
}

/** Forgets the registered secrets (tests). */
export function clearSecrets(): void {
  registered.clear()
}

function linesOf(text: string): string[] {
  return text
    .split(LINE_BREAK)
    .map(l => l.trim())
    .filter(l => l.length >= MIN_PART_LENGTH && !PEM_ARMOUR.test(l))
}

/**
 * The values that must be hidden on their own: the whole secret, each of its lines, and for a
 * GCS service-account key file the decoded `private_key` PEM and each of its lines. The key file
 * holds the PEM as one JSON line with `\n` escapes, so the PEM a server quotes back matches no
 * line of the raw value.
 */
export function secretParts(secret: string): string[] {
  const parts = new Set<string>([secret, secret.trim(), ...linesOf(secret)])
  let parsed: unknown
  try {
    parsed = JSON.parse(secret)
  } catch {
    parsed = undefined
  }
  if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
    const fields = new Map(Object.entries(parsed))
    for (const field of ['private_key', 'private_key_id']) {
      const v: unknown = fields.get(field)
      if (typeof v !== 'string' || v.trim().length < MIN_PART_LENGTH) continue
      parts.add(v)
      parts.add(v.trim())
      for (const line of linesOf(v)) parts.add(line)
    }
  }
  return [...parts].filter(p => p.trim().length >= MIN_SECRET_LENGTH)
}

/**
 * The stable middle of base64(prefix + value + suffix) for a prefix of `shift` bytes: what any
 * text embedding the value at that offset (e.g. `Authorization: Bearer <token>`) shows once
 * base64-encoded, whatever surrounds it.
 */
function base64Slice(value: Buffer, shift: 0 | 1 | 2, url: boolean): string {
  const encoded = Buffer.concat([Buffer.alloc(shift), value]).toString(url ? 'base64url' : 'base64')
  const bits = 8 * (shift + value.length)
  return encoded.slice(Math.ceil((8 * shift) / 6), Math.floor(bits / 6))
}

/**
 * Every form of a secret that rendered text could hold: raw and trimmed, lower-cased (a host name
 * in a URL), JSON-escaped, URL-encoded (and form-encoded), base64 and base64url at all three
 * byte offsets, for the whole value and each part of secretParts(). Longest first.
 */
export function secretForms(secret: string): string[] {
  const forms = new Set<string>()
  for (const part of secretParts(secret)) {
    const url = encodeURIComponent(part)
    for (const f of [
      part,
      part.toLowerCase(),
      JSON.stringify(part).slice(1, -1),
      url,
      url.toLowerCase(),
      url.replace(/%20/g, '+')
    ])
      if (f.trim().length >= MIN_SECRET_LENGTH) forms.add(f)
    const bytes = Buffer.from(part)
    forms.add(bytes.toString('base64'))
    for (const shift of [0, 1, 2] as const)
      for (const urlSafe of [false, true]) {
        const slice = base64Slice(bytes, shift, urlSafe)
        if (slice.length >= MIN_PART_LENGTH) forms.add(slice)
      }
  }
  return [...forms].sort((a, b) => b.length - a.length)
}

const formCache = new Map<string, string[]>()
function cachedForms(secret: string): string[] {
  let forms = formCache.get(secret)
  if (!forms) formCache.set(secret, (forms = secretForms(secret)))
  return forms
}

/** Every registered secret and every `extra` one, in all their forms, replaced by `***`. */
export function redact(text: string, extra: readonly string[] = []): string {
  const secrets = new Set([...registered, ...extra])
  if (secrets.size === 0 || text === '') return text
  const forms = [...secrets]
    .filter(s => s && s.trim().length >= MIN_SECRET_LENGTH)
    .flatMap(cachedForms)
    .sort((a, b) => b.length - a.length)
  let out = text
  for (const form of forms) if (out.includes(form)) out = out.split(form).join('***')
  return out
}
