// The forms a secret can take once it has left the process: raw, JSON-escaped, URL-encoded,
// base64, and each line of a multi-line secret. Leak scans (tests, the fault matrix) compute them
// here, independently of the redaction code they check (src/config/redact.ts), so dropping a form
// there cannot also drop it from the scan.
export function leakForms(secret: string): string[] {
  const forms = new Set([
    secret,
    JSON.stringify(secret).slice(1, -1),
    encodeURIComponent(secret),
    Buffer.from(secret).toString('base64')
  ])
  // Short lines ("{", "}") of a multi-line secret would match everywhere; they reveal nothing.
  for (const line of secret.split(/\r?\n/)) if (line.trim().length >= 8) forms.add(line.trim())
  return [...forms].filter(f => f.length >= 4)
}
