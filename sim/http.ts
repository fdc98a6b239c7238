// Reply values and the generic error body of docs/atlan-contract.md §2.4, shared by every route.
import { randomBytes } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'

export interface Reply {
  status: number
  /** Serialised as JSON; undefined means an empty body. */
  body?: unknown
  /** Sent verbatim instead of `body` (malformed JSON, object downloads). */
  raw?: string | Buffer
  headers?: Record<string, string>
}

const reasons: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  413: 'Payload Too Large',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout'
}

/** The body pyatlan parses on any non-success status (docs/atlan-contract.md §2.4). */
export function errorReply(
  status: number,
  message: string,
  headers?: Record<string, string>
): Reply {
  const reason = reasons[status] ?? 'Error'
  return {
    status,
    headers,
    body: {
      errorCode: `ATLAN-SIM-${status}-000`,
      errorMessage: message,
      causes: [{ errorType: reason, errorMessage: message, location: 'atlan-simulator' }],
      errorCause: reason,
      errorId: randomBytes(8).toString('hex').slice(0, 15),
      doc: 'https://ask.atlan.com/hc/en-us'
    }
  }
}

export function ok(body?: unknown): Reply {
  return { status: 200, body }
}

/** Thrown by handlers for a clean error reply. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string
  ) {
    super(message)
  }
}

export function send(res: ServerResponse, reply: Reply): void {
  const headers: Record<string, string> = { ...reply.headers }
  let payload: string | Buffer = ''
  if (reply.raw !== undefined) payload = reply.raw
  else if (reply.body !== undefined) {
    payload = JSON.stringify(reply.body)
    headers['content-type'] ??= 'application/json'
  }
  headers['content-length'] = String(Buffer.byteLength(payload))
  res.writeHead(reply.status, headers)
  res.end(payload)
}

/** Reads the whole body chunk by chunk (uploads are counted as they stream in). */
export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks)
}

/** Parsed JSON, `{ bytes }` for anything else, null for an empty body. */
export function parseBody(raw: Buffer): { json?: unknown; recorded: unknown; invalid: boolean } {
  if (raw.length === 0) return { recorded: null, invalid: false }
  try {
    const json: unknown = JSON.parse(raw.toString('utf8'))
    return { json, recorded: json, invalid: false }
  } catch {
    return { recorded: { bytes: raw.length }, invalid: true }
  }
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}
