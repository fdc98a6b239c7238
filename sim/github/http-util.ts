// Small request/response helpers for the GitHub simulator.
import type { IncomingMessage, ServerResponse } from 'node:http'

export class BodyTooLarge extends Error {}

/** The whole request body, refusing more than `limit` bytes. */
export async function readBody(req: IncomingMessage, limit = 16 * 1024 * 1024): Promise<Buffer> {
  const parts: Buffer[] = []
  let size = 0
  for await (const part of req) {
    const buf = part as Buffer
    size += buf.length
    if (size > limit) throw new BodyTooLarge(`body over ${limit} bytes`)
    parts.push(buf)
  }
  return Buffer.concat(parts)
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {}
): void {
  // 204 No Content (a delete) has no body at all.
  if (status === 204) {
    res.writeHead(status, headers)
    res.end()
    return
  }
  const text = JSON.stringify(body)
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(text)),
    ...headers
  })
  res.end(text)
}

export function sendEmpty(
  res: ServerResponse,
  status: number,
  headers: Record<string, string> = {}
): void {
  res.writeHead(status, { 'content-length': '0', ...headers })
  res.end()
}

/** `token`/`bearer`/`basic`/`none`: the scheme only, never the credential. */
export function authScheme(req: IncomingMessage): string {
  const value = req.headers.authorization
  if (!value) return 'none'
  return value.split(' ', 1)[0].toLowerCase()
}
