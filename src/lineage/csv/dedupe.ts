// Duplicate source→target→process detection with bounded, compact memory.
//
// A row key is never stored as strings: its fields are folded into two independent 32-bit hashes
// (a MurmurHash3-style and a multiply-xorshift hash, over 4-byte words) that together form a
// 64-bit fingerprint. DuplicateFinder keeps fingerprint + line per row (12 bytes, append-only, up
// to maxEntries rows: 24 MB at the default 2,000,000) and sorts the fingerprints at the end (8
// more bytes a row, briefly). Collision risk: two different rows share a fingerprint with
// probability about n² / 2^65, i.e. ~3e-8 for a million rows, and a collision only produces a
// spurious "duplicate" warning.
import { fieldString } from './fields.js'
import { FIELD_PLAIN, type RawRecord } from './tokenizer.js'

const LOWER = new Uint8Array(256)
for (let c = 0; c < 256; c++) LOWER[c] = c >= 65 && c <= 90 ? c + 32 : c

/** ASCII lower-case of four packed ASCII bytes (SWAR: 'A'..'Z' gain 0x20, nothing else changes). */
function lowerWord(w: number): number {
  const ge41 = w + 0x3f3f3f3f // byte >= 0x41 sets its top bit (no carries: bytes are < 0x80)
  const ge5b = w + 0x25252525 // byte >= 0x5b sets its top bit
  return w | ((ge41 & ~ge5b & 0x80808080) >>> 2)
}

/** A run of adjacent hashed columns sharing one lower-case flag, hashed as one byte range. */
export interface HashGroup {
  first: number
  last: number
  lower: boolean
}

/**
 * Builds the groups for the given columns (in order). Adjacent columns with the same flag are
 * merged: their raw bytes (values joined by the separator) are hashed in one go.
 */
export function hashGroups(
  cols: { index: number; lower: boolean }[],
  separator: number
): HashGroup[] {
  const groups: HashGroup[] = []
  const mergeable = !(separator >= 65 && separator <= 90) // lower-casing must not touch the separator
  for (const c of cols) {
    if (c.index < 0) continue
    const g = groups[groups.length - 1]
    if (mergeable && g && g.last + 1 === c.index && g.lower === c.lower) g.last = c.index
    else groups.push({ first: c.index, last: c.index, lower: c.lower })
  }
  return groups
}

/**
 * Two running 32-bit hashes over a canonical byte stream per group: the UTF-8 values joined by
 * the separator (lower-cased first when asked), four bytes at a time. Equal values hash equally
 * whatever their quoting. A group whose values contain the separator itself is hashed as
 * length-prefixed values behind a 0xFF byte (never present in UTF-8), so ("a,b","c") and
 * ("a","b,c") differ.
 */
export class RowHasher {
  h1 = 0
  h2 = 0
  private dvBuf: Uint8Array | null = null
  private dv: DataView = new DataView(new ArrayBuffer(0))

  constructor(private readonly separator: number) {}

  reset(): void {
    this.h1 = 0x811c9dc5 | 0
    this.h2 = 0x9747b28c | 0
  }

  /** Mixes b[s, e); lower-cases ASCII when `lower`. Returns false (nothing mixed) on a non-ASCII byte while lowering. */
  private mixBytes(b: Uint8Array, s: number, e: number, lower: boolean): boolean {
    if (b !== this.dvBuf) {
      this.dvBuf = b
      this.dv = new DataView(b.buffer, b.byteOffset, b.byteLength)
    }
    const dv = this.dv
    let h1 = this.h1
    let h2 = this.h2
    let j = s
    for (; j + 4 <= e; j += 4) {
      let w = dv.getInt32(j, true)
      if (lower) {
        if ((w & 0x80808080) !== 0) return false
        w = lowerWord(w)
      }
      let k = Math.imul(w, 0xcc9e2d51)
      k = (k << 15) | (k >>> 17)
      h1 ^= Math.imul(k, 0x1b873593)
      h1 = (h1 << 13) | (h1 >>> 19)
      h1 = (Math.imul(h1, 5) + 0xe6546b64) | 0
      h2 = Math.imul(h2 ^ w, 0x85ebca6b)
      h2 ^= h2 >>> 13
    }
    // Tail (0 to 3 bytes) packed with the length, which also terminates the value.
    let w = 0
    for (let t = 0; j < e; j++, t += 8) {
      const c = b[j]
      if (lower && c >= 128) return false
      w |= (lower ? LOWER[c] : c) << t
    }
    const len = e - s
    let k = Math.imul(w ^ Math.imul(len, 0x9e3779b1), 0xcc9e2d51)
    k = (k << 15) | (k >>> 17)
    h1 ^= Math.imul(k, 0x1b873593)
    h1 = (h1 << 13) | (h1 >>> 19)
    h1 = (Math.imul(h1, 5) + 0xe6546b64) | 0
    h2 = Math.imul(h2 ^ w ^ (len << 2), 0x85ebca6b)
    h2 ^= h2 >>> 13
    h2 = Math.imul(h2, 0xc2b2ae35)
    h2 ^= h2 >>> 16
    this.h1 = h1
    this.h2 = h2
    return true
  }

  /** Folds a group of adjacent fields of rec into the hash. */
  addGroup(rec: RawRecord, g: HashGroup): void {
    let plain = true
    for (let k = g.first; k <= g.last; k++) {
      if (rec.kinds[k] !== FIELD_PLAIN) {
        plain = false
        break
      }
    }
    if (plain && this.mixBytes(rec.buf, rec.starts[g.first], rec.ends[g.last], g.lower)) return
    // Quoted values, or non-ASCII to lower-case: build the canonical stream from decoded values.
    const sep = String.fromCharCode(this.separator)
    const parts: string[] = []
    let marked = false
    for (let k = g.first; k <= g.last; k++) {
      const v = fieldString(rec, k)
      if (v.includes(sep)) marked = true
      parts.push(g.lower ? v.toLowerCase() : v)
    }
    let bytes: Buffer
    if (!marked) {
      bytes = Buffer.from(parts.join(sep), 'utf8')
    } else {
      // Length-prefixed values behind a 0xFF byte: unambiguous, and unlike any plain stream.
      const chunks: Buffer[] = [Buffer.from([0xff])]
      for (const p of parts) {
        const v = Buffer.from(p, 'utf8')
        const len = Buffer.alloc(4)
        len.writeUInt32LE(v.length)
        chunks.push(len, v)
      }
      bytes = Buffer.concat(chunks)
    }
    this.mixBytes(bytes, 0, bytes.length, false)
  }
}

const BLOCK = 1 << 16

/**
 * Remembers a 64-bit fingerprint and the line of every row, append-only (sequential memory,
 * 12 bytes a row), and finds the repeats at the end with one native sort: much cheaper than
 * probing a hash table per row, whose random accesses miss the cache and the TLB.
 */
export class DuplicateFinder {
  private readonly blocks: Uint32Array[] = []
  private cur = new Uint32Array(0)
  private pos = 0
  size = 0
  /** True once maxEntries rows were remembered; later rows are not checked. */
  full = false

  constructor(private readonly maxEntries = 2_000_000) {}

  /** Remembers a row; false when the limit was reached (the row is not remembered). */
  add(h1: number, h2: number, line: number): boolean {
    if (this.size >= this.maxEntries) {
      this.full = true
      return false
    }
    if (this.pos === this.cur.length) {
      this.cur = new Uint32Array(Math.min(BLOCK, this.maxEntries - this.size) * 3)
      this.blocks.push(this.cur)
      this.pos = 0
    }
    const c = this.cur
    const p = this.pos
    c[p] = h1
    c[p + 1] = h2
    c[p + 2] = line
    this.pos = p + 3
    this.size++
    return true
  }

  /**
   * Calls onRepeat(line, firstLine) for every row whose fingerprint an earlier row had, in
   * file order, then releases the memory.
   */
  finish(onRepeat: (line: number, firstLine: number) => void): void {
    const n = this.size
    if (n < 2) return
    // Sort the fingerprints as 64-bit integers (native) and collect the repeated ones.
    const sorted = new BigUint64Array(n)
    const su = new Uint32Array(sorted.buffer)
    let k = 0
    for (const b of this.blocks) {
      const len = b === this.cur ? this.pos : b.length
      for (let p = 0; p < len; p += 3) {
        su[k++] = b[p]
        su[k++] = b[p + 1]
      }
    }
    sorted.sort()
    const repeated = new Map<number, number[]>() // h1 -> [h2, ...]
    for (let j = 2; j < 2 * n; j += 2) {
      if (su[j] === su[j - 2] && su[j + 1] === su[j - 1]) {
        const list = repeated.get(su[j])
        if (list === undefined) repeated.set(su[j], [su[j + 1]])
        else if (!list.includes(su[j + 1])) list.push(su[j + 1])
      }
    }
    if (repeated.size === 0) return
    // Walk the rows in file order: the first holder of a repeated fingerprint names the line.
    const first = new Map<string, number>()
    for (const b of this.blocks) {
      const len = b === this.cur ? this.pos : b.length
      for (let p = 0; p < len; p += 3) {
        const list = repeated.get(b[p])
        if (list === undefined || !list.includes(b[p + 1])) continue
        const key = `${b[p]}:${b[p + 1]}`
        const f = first.get(key)
        if (f === undefined) first.set(key, b[p + 2])
        else onRepeat(b[p + 2], f)
      }
    }
    this.blocks.length = 0
  }
}
