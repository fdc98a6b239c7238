// Fixed-width keys for rows, so that "seen before?" sets stay small whatever the values hold.
//
// A key is a 53-bit hash (cyrb53, public domain, by bryc) of the key fields, each followed by a
// NUL: a JavaScript number, stored without the strings it came from. node:crypto is not used
// here because one call costs more than hashing a short string in JavaScript, and there is one
// call a row. Two different keys share a hash with probability about n² / 2^54 (6e-5 for a
// million rows); a collision can only report a spurious duplicate or hide one edge change in a
// diff.
import { KeyTable } from './key-table.js'

// Bound once: under Jest's vm context a call through `Math.imul` is not inlined and runs about
// 50 times slower; a module-level binding is inlined in both places.
const imul = Math.imul

/**
 * cyrb53 fed field by field: `start()`, then `add()` each value (it is followed by a NUL, so
 * that ("a,b","c") ≠ ("a","b,c")), then `digest()`. Hashing the fields in place saves building
 * the joined string (and its lower-case copy) for every row.
 */
export class Hash53 {
  private h1 = 0
  private h2 = 0

  start(seed = 0): this {
    this.h1 = 0xdeadbeef ^ seed
    this.h2 = 0x41c6ce57 ^ seed
    return this
  }

  add(s: string): this {
    let h1 = this.h1
    let h2 = this.h2
    for (let i = 0; i < s.length; i++) {
      const ch = s.charCodeAt(i)
      h1 = imul(h1 ^ ch, 2654435761)
      h2 = imul(h2 ^ ch, 1597334677)
    }
    this.h1 = imul(h1, 2654435761) // the NUL after the value
    this.h2 = imul(h2, 1597334677)
    return this
  }

  /** As add(s.toLowerCase()), without the copy when `s` is ASCII. */
  addLower(s: string): this {
    let h1 = this.h1
    let h2 = this.h2
    for (let i = 0; i < s.length; i++) {
      let ch = s.charCodeAt(i)
      if (ch >= 128) return this.add(s.toLowerCase()) // Unicode case rules depend on context
      if (ch >= 65 && ch <= 90) ch += 32
      h1 = imul(h1 ^ ch, 2654435761)
      h2 = imul(h2 ^ ch, 1597334677)
    }
    this.h1 = imul(h1, 2654435761)
    this.h2 = imul(h2, 1597334677)
    return this
  }

  /** The 53-bit hash, a non-negative integer number. */
  digest(): number {
    let h1 = this.h1
    let h2 = this.h2
    h1 = imul(h1 ^ (h1 >>> 16), 2246822507)
    h1 ^= imul(h2 ^ (h2 >>> 13), 3266489909)
    h2 = imul(h2 ^ (h2 >>> 16), 2246822507)
    h2 ^= imul(h1 ^ (h1 >>> 13), 3266489909)
    return 4294967296 * (2097151 & h2) + (h1 >>> 0)
  }
}

/**
 * A 30-bit hash fed like Hash53, on one 32-bit lane (FNV-1a, then murmur3's finaliser): half the
 * work a character, for a hash that only tells whether an edge changed (graph.ts). Each step is a
 * bijection of the state, so values that differ in one character never share a state; a change
 * goes unnoticed when two 30-bit digests agree, with probability about 2^-30.
 */
export class Hash30 {
  private h = 0

  start(): this {
    this.h = 0x811c9dc5
    return this
  }

  add(s: string): this {
    let h = this.h
    for (let i = 0; i < s.length; i++) h = imul(h ^ s.charCodeAt(i), 0x01000193)
    this.h = imul(h, 0x01000193) // the NUL after the value
    return this
  }

  /** As add(s.toLowerCase()), without the copy when `s` is ASCII. */
  addLower(s: string): this {
    let h = this.h
    for (let i = 0; i < s.length; i++) {
      let ch = s.charCodeAt(i)
      if (ch >= 128) return this.add(s.toLowerCase())
      if (ch >= 65 && ch <= 90) ch += 32
      h = imul(h ^ ch, 0x01000193)
    }
    this.h = imul(h, 0x01000193)
    return this
  }

  digest(): number {
    let h = this.h
    h = imul(h ^ (h >>> 16), 0x85ebca6b)
    h = imul(h ^ (h >>> 13), 0xc2b2ae35)
    return (h ^ (h >>> 16)) & 0x3fffffff
  }
}

const shared = new Hash53()

/** 53-bit hash of a string, as a non-negative integer number. */
export function hash53(s: string, seed = 0): number {
  return shared.start(seed).add(s).digest()
}

/**
 * First line of each distinct key, up to `max` keys (a KeyTable: its cost per key is in
 * CONTRIBUTING.md "Bounded memory"). Past the cap, new keys are not remembered.
 */
export class KeyIndex {
  private readonly first = new KeyTable()
  constructor(readonly max: number) {}

  get size(): number {
    return this.first.size
  }

  /**
   * The first line of `key` if seen before; else remembers it and returns 0, or returns -1 when
   * the index is full (or the line is past 2^31) and it cannot be remembered.
   */
  seen(key: number, line: number): number {
    if (this.first.size >= this.max || line > 0x7fffffff) return this.first.get(key) ?? -1
    return this.first.getOrSet(key, line) ?? 0
  }
}
