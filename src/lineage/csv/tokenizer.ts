// Byte-level streaming CSV tokeniser (RFC 4180 quoting, one-byte separator).
//
// Design for speed: lines are found with native indexOf scans for LF and CR. A record that is
// one line (the common case) is split by scanning for the separator four bytes at a time (SWAR
// on a Uint32Array view), quoted fields being closed with indexOf. Anything else (line breaks
// inside quotes, lone CR, unterminated quotes) goes through a small state machine. Fields are
// reported as byte offsets into the current buffer and never decoded here; consumers decode
// lazily (fields.ts), so the validator builds no strings for rows it only checks.
//
// Streaming: a record cut by a chunk boundary is carried (copied) and re-scanned with the next
// chunk, so chunk boundaries may fall anywhere (inside a multi-byte UTF-8 character, a CRLF, a
// `""`). State is bounded: a pending record larger than maxRecordBytes is no longer buffered; the
// tokeniser then only tracks the quote state until the record ends and reports it as oversized.

import { endianness } from 'node:os'

export const FIELD_PLAIN = 0
/** Bytes [start, end) are the content between the quotes, with no escaped quote inside. */
export const FIELD_QUOTED = 1
/** Bytes [start, end) are the raw field including quotes: `""` escapes or text after the closing quote. */
export const FIELD_COMPLEX = 2

const LF = 10
const CR = 13
const QUOTE = 34
const BIG = 0x7fffffff
const LITTLE_ENDIAN = endianness() === 'LE'
const NO_WORDS = new Uint32Array(0)

/**
 * One record, as a view into the tokeniser's current buffer. The object and its arrays are
 * reused for the next record: read what you need inside the callback, keep nothing.
 */
export interface RawRecord {
  buf: Buffer
  /** Byte range of the record in buf, without its line terminator. */
  start: number
  end: number
  /** 1-based physical line where the record starts. */
  line: number
  fieldCount: number
  starts: Int32Array
  ends: Int32Array
  kinds: Uint8Array
  /** A quoted field was still open at end of input (the record runs to EOF). */
  unterminated: boolean
  /** The record exceeded maxRecordBytes; its fields are not available (fieldCount 0). */
  oversized: boolean
}

export interface TokenizerOptions {
  /** Largest record kept in memory (default 16 MiB). */
  maxRecordBytes?: number
}

/** Counts line breaks in b[from, to): LF, CRLF and lone CR each count once. */
export function countLineBreaks(b: Buffer, from: number, to: number): number {
  let n = 0
  for (let k = from; k < to; k++) {
    const c = b[k]
    if (c === LF) n++
    else if (c === CR && b[k + 1] !== LF) n++
  }
  return n
}

export class CsvTokenizer {
  private readonly sep: number
  private readonly onRecord: (rec: RawRecord) => void
  private readonly maxRecordBytes: number
  private readonly rec: RawRecord
  private carry: Buffer | null = null
  private line = 1
  private bomChecked = false
  private ended = false
  // Oversized-record mode: only the quote state is tracked until the record ends.
  private skipping = false
  private skipLine = 0
  private skipState = 0 // 0 field start, 1 unquoted, 2 quoted, 3 quote seen inside quoted
  private skipPrevCR = false
  private skipLeadingLF = false

  constructor(separator: number, onRecord: (rec: RawRecord) => void, opts: TokenizerOptions = {}) {
    if (separator === LF || separator === CR || separator === QUOTE || separator > 127) {
      throw new RangeError(`unsupported separator byte ${separator}`)
    }
    this.sep = separator
    this.onRecord = onRecord
    this.maxRecordBytes = opts.maxRecordBytes ?? 16 * 1024 * 1024
    const cap = 64
    this.rec = {
      buf: Buffer.alloc(0),
      start: 0,
      end: 0,
      line: 1,
      fieldCount: 0,
      starts: new Int32Array(cap),
      ends: new Int32Array(cap),
      kinds: new Uint8Array(cap),
      unterminated: false,
      oversized: false
    }
  }

  /** Physical line number the next record starts on. */
  get currentLine(): number {
    return this.line
  }

  push(chunk: Uint8Array): void {
    if (this.ended) throw new Error('push after end')
    let b = Buffer.isBuffer(chunk)
      ? chunk
      : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength)
    if (b.length === 0) return
    if (this.skipLeadingLF) {
      this.skipLeadingLF = false
      if (b[0] === LF) b = b.subarray(1)
    }
    if (this.skipping) {
      const at = this.skipScan(b, false)
      if (at < 0) return
      b = b.subarray(at)
      if (b.length === 0) return
    }
    if (this.carry !== null && this.bomChecked) {
      // Finish the pending record with the chunk's first line only, to avoid copying the whole
      // chunk; if it is still incomplete (a quoted line break), fall back to the whole chunk.
      const lf = b.indexOf(LF)
      if (lf >= 0 && lf + 1 < b.length) {
        const head = Buffer.concat([this.carry, b.subarray(0, lf + 1)])
        this.carry = null
        this.consume(head, false)
        b = b.subarray(lf + 1)
        if (this.skipping) {
          this.push(b) // skip mode keeps no carry, so this does not come back here
          return
        }
      }
    }
    if (this.carry !== null) {
      b = Buffer.concat([this.carry, b])
      this.carry = null
    }
    if (!this.bomChecked) {
      if (b.length < 3) {
        this.carry = Buffer.from(b)
        return
      }
      this.bomChecked = true
      if (b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) b = b.subarray(3)
    }
    this.consume(b, false)
  }

  end(): void {
    if (this.ended) return
    this.ended = true
    if (this.skipping) {
      this.finishSkip(true)
      return
    }
    let b = this.carry
    this.carry = null
    if (b === null || b.length === 0) return
    if (!this.bomChecked) {
      this.bomChecked = true
      if (b.length >= 3 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) b = b.subarray(3)
    }
    this.consume(b, true)
  }

  private consume(b: Buffer, final: boolean): void {
    const at = this.parse(b, final)
    if (at >= b.length) return
    const rest = b.length - at
    if (rest > this.maxRecordBytes) {
      this.enterSkip(b, at)
      return
    }
    // Copy: the producer may reuse its buffer, and we must not pin a whole chunk.
    this.carry = Buffer.allocUnsafe(rest)
    b.copy(this.carry, 0, at)
  }

  private grow(need: number): void {
    const rec = this.rec
    let cap = rec.starts.length
    while (cap < need) cap *= 2
    const s = new Int32Array(cap)
    s.set(rec.starts)
    const e = new Int32Array(cap)
    e.set(rec.ends)
    const k = new Uint8Array(cap)
    k.set(rec.kinds)
    rec.starts = s
    rec.ends = e
    rec.kinds = k
  }

  /** Tokenises whole records from b; returns the offset of the first unconsumed byte. */
  private parse(b: Buffer, final: boolean): number {
    const end = b.length
    const sep = this.sep
    const rec = this.rec
    rec.buf = b
    // 32-bit little-endian view of the aligned middle of b, for the SWAR separator scan.
    const off = b.byteOffset
    const fa = Math.min((4 - (off % 4)) % 4, end)
    const wordCount = (end - fa) >> 2
    const words = LITTLE_ENDIAN && wordCount > 0
    const w32 = words ? new Uint32Array(b.buffer, off + fa, wordCount) : NO_WORDS
    const wlimit = fa + (words ? wordCount * 4 : 0)
    const sepx4 = Math.imul(sep, 0x01010101)
    let i = 0
    let nextLF = -1
    let nextCR = -1
    records: while (i < end) {
      if (nextLF < i) {
        nextLF = b.indexOf(LF, i)
        if (nextLF < 0) nextLF = BIG
      }
      if (nextCR < i) {
        nextCR = b.indexOf(CR, i)
        if (nextCR < 0) nextCR = BIG
      }
      let lineEnd: number
      let next: number
      if (nextLF !== BIG) {
        lineEnd = nextLF
        next = nextLF + 1
        if (lineEnd > i && b[lineEnd - 1] === CR) lineEnd--
      } else if (!final) {
        // No LF in the rest of the buffer: the record continues in the next chunk, unless a
        // lone CR ends it (old Mac line endings), which the state machine handles.
        if (nextCR === BIG) return i
        const r = this.slowRecord(b, i, final)
        if (r < 0) return i
        i = r
        continue
      } else {
        lineEnd = end
        next = end
        if (b[end - 1] === CR) lineEnd--
      }
      if (nextCR < lineEnd) {
        const r = this.slowRecord(b, i, final) // lone CR inside the line
        if (r < 0) return i
        i = r
        continue
      }
      // Fast path: the record is this line unless a quoted field runs past its end.
      let starts = rec.starts
      let ends = rec.ends
      let kinds = rec.kinds
      let cap = starts.length - 1
      let n = 0
      let s = i
      let j = i
      fields: for (;;) {
        // s is a field start and j === s.
        if (n >= cap) {
          this.grow(n + 2)
          starts = rec.starts
          ends = rec.ends
          kinds = rec.kinds
          cap = starts.length - 1
        }
        if (b[s] === QUOTE && s < lineEnd) {
          let kind = FIELD_QUOTED
          let k = s + 1
          let q: number
          for (;;) {
            q = b.indexOf(QUOTE, k)
            if (q < 0 || q >= lineEnd) {
              // The quoted field spans a line break (or is unterminated): use the state machine.
              const r = this.slowRecord(b, i, final)
              if (r < 0) return i
              i = r
              continue records
            }
            if (b[q + 1] === QUOTE && q + 1 < lineEnd) {
              kind = FIELD_COMPLEX
              k = q + 2
              continue
            }
            break
          }
          j = q + 1
          if (j < lineEnd && b[j] !== sep) {
            kind = FIELD_COMPLEX // text after the closing quote
            while (j < lineEnd && b[j] !== sep) j++
          }
          if (kind === FIELD_COMPLEX) {
            starts[n] = s
            ends[n] = j
          } else {
            starts[n] = s + 1
            ends[n] = q
          }
          kinds[n] = kind
          n++
          if (j >= lineEnd) break
          s = j + 1
          j = s
          continue
        }
        // Unquoted fields: find separators a 32-bit word at a time (SWAR); stay here until the
        // line ends or a field starts with a quote.
        for (;;) {
          if (j >= lineEnd) {
            starts[n] = s
            ends[n] = lineEnd
            kinds[n] = FIELD_PLAIN
            n++
            break fields
          }
          if (!words || ((j - fa) & 3) !== 0 || j + 4 > wlimit) {
            if (b[j] === sep) {
              starts[n] = s
              ends[n] = j
              kinds[n] = FIELD_PLAIN
              n++
              s = j + 1
              j = s
              continue fields
            }
            j++
            continue
          }
          const v = w32[(j - fa) >> 2] ^ sepx4
          // High bit set in each byte equal to sep (and possibly in a byte just above one, so
          // every candidate is checked against the byte itself).
          let m = (v - 0x01010101) & ~v & 0x80808080
          while (m !== 0) {
            const p = j + ((31 - Math.clz32(m & -m)) >> 3)
            if (p >= lineEnd) break
            if (b[p] === sep) {
              if (n >= cap) {
                this.grow(n + 2)
                starts = rec.starts
                ends = rec.ends
                kinds = rec.kinds
                cap = starts.length - 1
              }
              starts[n] = s
              ends[n] = p
              kinds[n] = FIELD_PLAIN
              n++
              s = p + 1
              if (b[s] === QUOTE && s < lineEnd) {
                j = s
                continue fields
              }
            }
            m &= m - 1
          }
          j += 4
        }
      }
      rec.start = i
      rec.end = lineEnd
      rec.line = this.line
      rec.fieldCount = n
      rec.unterminated = false
      rec.oversized = false
      this.onRecord(rec)
      this.line++
      i = next
    }
    return i
  }

  /** Full state machine for one record starting at i0; returns the next record's offset or -1. */
  private slowRecord(b: Buffer, i0: number, final: boolean): number {
    const end = b.length
    const sep = this.sep
    const rec = this.rec
    let i = i0
    let n = 0
    let breaks = 0
    let unterminated = false
    let recEnd: number
    let next: number
    for (;;) {
      if (n + 1 >= rec.starts.length) this.grow(n + 2)
      if (i < end && b[i] === QUOTE) {
        const open = i
        let kind = FIELD_QUOTED
        let j = i + 1
        let close: number
        for (;;) {
          const q = b.indexOf(QUOTE, j)
          if (q < 0) {
            if (!final) return -1
            breaks += countLineBreaks(b, j, end)
            unterminated = true
            kind = FIELD_COMPLEX
            close = end
            j = end
            break
          }
          if (q + 1 >= end && !final) return -1 // need the next byte: `""` or a closing quote?
          breaks += countLineBreaks(b, j, q)
          if (q + 1 < end && b[q + 1] === QUOTE) {
            kind = FIELD_COMPLEX
            j = q + 2
            continue
          }
          close = q
          j = q + 1
          break
        }
        // Lenient like FastCSV: text after the closing quote is kept as part of the field.
        let k = j
        while (k < end) {
          const c = b[k]
          if (c === sep || c === LF || c === CR) break
          k++
        }
        if (k > j) kind = FIELD_COMPLEX
        if (kind === FIELD_COMPLEX) {
          rec.starts[n] = open
          rec.ends[n] = k
        } else {
          rec.starts[n] = open + 1
          rec.ends[n] = close
        }
        rec.kinds[n] = kind
        n++
        i = k
      } else {
        const s = i
        while (i < end) {
          const c = b[i]
          if (c === sep || c === LF || c === CR) break
          i++
        }
        rec.starts[n] = s
        rec.ends[n] = i
        rec.kinds[n] = FIELD_PLAIN
        n++
      }
      if (i >= end) {
        if (!final) return -1
        recEnd = end
        next = end
        break
      }
      const c = b[i]
      if (c === sep) {
        i++
        continue
      }
      recEnd = i
      if (c === LF) {
        next = i + 1
      } else {
        if (i + 1 >= end) {
          if (!final) return -1 // CR at the end of the chunk: is it a CRLF?
          next = end
        } else {
          next = b[i + 1] === LF ? i + 2 : i + 1
        }
      }
      break
    }
    rec.buf = b
    rec.start = i0
    rec.end = recEnd
    rec.line = this.line
    rec.fieldCount = n
    rec.unterminated = unterminated
    rec.oversized = false
    this.onRecord(rec)
    this.line += 1 + breaks
    return next
  }

  // ---- oversized records -------------------------------------------------------------------

  private enterSkip(b: Buffer, at: number): void {
    this.skipping = true
    this.skipLine = this.line
    this.skipState = 0
    this.skipPrevCR = false
    const r = this.skipScan(b.subarray(at), false)
    if (r >= 0) {
      // Cannot happen (parse() stopped because the record was incomplete), but stay safe.
      const rest = b.subarray(at + r)
      if (rest.length > 0) this.consume(rest, false)
    }
  }

  /**
   * Feeds bytes of an oversized record to the quote tracker. Returns the offset just after the
   * record's terminator, or -1 when the whole buffer belongs to the record.
   */
  private skipScan(b: Buffer, final: boolean): number {
    const sep = this.sep
    let st = this.skipState
    let prevCR = this.skipPrevCR
    for (let k = 0; k < b.length; k++) {
      const c = b[k]
      if (st === 2) {
        if (c === QUOTE) st = 3
        else if (c === LF) {
          if (!prevCR) this.line++
        } else if (c === CR) this.line++
        prevCR = c === CR
        continue
      }
      if (st === 3) {
        if (c === QUOTE) {
          st = 2
          prevCR = false
          continue
        }
        st = 1 // closing quote; fall through to treat c normally
      }
      if (c === LF || c === CR) {
        this.skipState = st
        this.finishSkip(false)
        if (c === CR) {
          if (k + 1 < b.length) return b[k + 1] === LF ? k + 2 : k + 1
          this.skipLeadingLF = true
        }
        return k + 1
      }
      if (c === sep) st = 0
      else if (st === 0) st = c === QUOTE ? 2 : 1
      prevCR = false
    }
    this.skipState = st
    this.skipPrevCR = prevCR
    if (final) this.finishSkip(true)
    return -1
  }

  private finishSkip(atEof: boolean): void {
    const rec = this.rec
    rec.buf = Buffer.alloc(0)
    rec.start = 0
    rec.end = 0
    rec.line = this.skipLine
    rec.fieldCount = 0
    rec.unterminated = atEof && this.skipState === 2
    rec.oversized = true
    this.skipping = false
    this.onRecord(rec)
    this.line++
  }
}
