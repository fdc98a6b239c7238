// Set environment variables for a test and put the previous values back afterwards.

export const PROXY_VARS = [
  'HTTP_PROXY',
  'HTTPS_PROXY',
  'NO_PROXY',
  'http_proxy',
  'https_proxy',
  'no_proxy'
]

/** Apply `vars` (undefined deletes); the returned function restores what was there. */
export function setEnv(vars: Record<string, string | undefined>): () => void {
  const before = Object.fromEntries(Object.keys(vars).map(k => [k, process.env[k]]))
  apply(vars)
  return () => apply(before)
}

function apply(vars: Record<string, string | undefined>): void {
  for (const [key, value] of Object.entries(vars)) {
    if (value === undefined) delete process.env[key]
    else process.env[key] = value
  }
}

/** No proxy variables at all: an environment proxy must not catch the loopback simulator. */
export function withoutProxy(): Record<string, undefined> {
  return Object.fromEntries(PROXY_VARS.map(k => [k, undefined]))
}
