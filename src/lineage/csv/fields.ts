// Lazy decoding of the fields of a RawRecord (only what a rule or onRow actually needs).
import { FIELD_COMPLEX, FIELD_PLAIN, type RawRecord } from './tokenizer.js'

const QUOTE = 34

type SliceableBuffer = Buffer & { utf8Slice?: (start: number, end: number) => string }
const HAS_UTF8_SLICE = typeof (Buffer.prototype as SliceableBuffer).utf8Slice === 'function'

/**
 * UTF-8 decode of b[s, e). Uses Buffer's own utf8Slice (what toString('utf8') calls, without its
 * argument handling, which costs more than the decoding for short fields) when present.
 */
export function utf8(b: Buffer, s: number, e: number): string {
  if (s >= e) return ''
  return HAS_UTF8_SLICE ? (b as SliceableBuffer).utf8Slice!(s, e) : b.toString('utf8', s, e)
}

/** Decodes a FIELD_COMPLEX raw range: `"..."` with `""` escapes, plus any text after the closing quote. */
export function unescapeComplex(b: Buffer, s: number, e: number): string {
  if (b[s] !== QUOTE) return utf8(b, s, e)
  let out = ''
  let j = s + 1
  for (;;) {
    const q = b.indexOf(QUOTE, j)
    if (q < 0 || q >= e) {
      out += utf8(b, j, e) // unterminated: runs to the end
      return out
    }
    out += utf8(b, j, q)
    if (q + 1 < e && b[q + 1] === QUOTE) {
      out += '"'
      j = q + 2
      continue
    }
    out += utf8(b, q + 1, e)
    return out
  }
}

/** The decoded value of field k. */
export function fieldString(rec: RawRecord, k: number): string {
  const s = rec.starts[k]
  const e = rec.ends[k]
  if (rec.kinds[k] === FIELD_COMPLEX) return unescapeComplex(rec.buf, s, e)
  return utf8(rec.buf, s, e)
}

/** True when field k is empty or whitespace only (as String.prototype.trim sees it). */
export function isBlankField(rec: RawRecord, k: number): boolean {
  const b = rec.buf
  const s = rec.starts[k]
  const e = rec.ends[k]
  if (rec.kinds[k] === FIELD_COMPLEX) return unescapeComplex(b, s, e).trim() === ''
  for (let j = s; j < e; j++) {
    const c = b[j]
    if (c === 32 || (c >= 9 && c <= 13)) continue
    if (c < 128) return false
    return utf8(b, s, e).trim() === '' // non-ASCII whitespace (NBSP, ...)
  }
  return true
}

/** True when every field of the record is blank. */
export function isBlankRecord(rec: RawRecord): boolean {
  for (let k = 0; k < rec.fieldCount; k++) if (!isBlankField(rec, k)) return false
  return true
}

/**
 * Decodes every field of the record into out[0..fieldCount) (out.length is set to fieldCount).
 * Records without quotes (the common case) are decoded with one native call and split.
 */
export function decodeRecord(rec: RawRecord, out: string[], separator: string): string[] {
  const n = rec.fieldCount
  const b = rec.buf
  let plain = true
  let complex = false
  for (let k = 0; k < n; k++) {
    const kind = rec.kinds[k]
    if (kind !== FIELD_PLAIN) {
      plain = false
      if (kind === FIELD_COMPLEX) complex = true
    }
  }
  const base = rec.start
  if (plain) {
    // A UTF-8 multi-byte sequence never contains an ASCII byte, so splitting the decoded
    // record on the (ASCII) separator gives exactly the fields.
    return utf8(b, base, rec.end).split(separator)
  }
  if (!complex) {
    const str = utf8(b, base, rec.end)
    if (str.length === rec.end - base) {
      // ASCII: character offsets equal byte offsets.
      out.length = n
      for (let k = 0; k < n; k++) out[k] = str.slice(rec.starts[k] - base, rec.ends[k] - base)
      return out
    }
  }
  out.length = n
  for (let k = 0; k < n; k++) out[k] = fieldString(rec, k)
  return out
}
