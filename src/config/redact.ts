// Every rendering of user-visible text (outputs, summary, check run, logs) passes through here,
// so a secret never leaves the process in any of the forms it could take.

const MIN_SECRET_LENGTH = 4

/** The forms a secret can take in rendered text: raw, JSON-escaped, URL-encoded, base64. */
export function secretForms(secret: string): string[] {
  const forms = new Set<string>([secret])
  forms.add(JSON.stringify(secret).slice(1, -1))
  forms.add(encodeURIComponent(secret))
  forms.add(Buffer.from(secret).toString('base64'))
  // Multi-line secrets (a service-account JSON) are masked line by line as well.
  for (const line of secret.split(/\r?\n/)) if (line.trim().length >= 8) forms.add(line.trim())
  return [...forms].filter(f => f.length >= MIN_SECRET_LENGTH).sort((a, b) => b.length - a.length)
}

export function redact(text: string, secrets: readonly string[]): string {
  let out = text
  for (const secret of secrets) {
    if (!secret) continue
    for (const form of secretForms(secret)) out = out.split(form).join('***')
  }
  return out
}
