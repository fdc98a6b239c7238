// Fixed-width keys for rows, so that "seen before?" sets stay small whatever the values hold.
//
// A key is a 53-bit hash (cyrb53, public domain, by bryc) of the key fields joined by NUL: a
// JavaScript number, stored without the strings it came from. node:crypto is not used here
// because one call costs more than hashing a short string in JavaScript, and there is one call a
// row. Two different keys share a hash with probability about n² / 2^54 (6e-5 for a million
// rows); a collision can only report a spurious duplicate or hide one edge change in a diff.

// Bound once: under Jest's vm context a call through `Math.imul` is not inlined and runs about
// 50 times slower; a module-level binding is inlined in both places.
const imul = Math.imul

/** 53-bit hash of a string, as a non-negative integer number. */
export function hash53(s: string, seed = 0): number {
  let h1 = 0xdeadbeef ^ seed
  let h2 = 0x41c6ce57 ^ seed
  for (let i = 0; i < s.length; i++) {
    const ch = s.charCodeAt(i)
    h1 = imul(h1 ^ ch, 2654435761)
    h2 = imul(h2 ^ ch, 1597334677)
  }
  h1 = imul(h1 ^ (h1 >>> 16), 2246822507)
  h1 ^= imul(h2 ^ (h2 >>> 13), 3266489909)
  h2 = imul(h2 ^ (h2 >>> 16), 2246822507)
  h2 ^= imul(h1 ^ (h1 >>> 13), 3266489909)
  return 4294967296 * (2097151 & h2) + (h1 >>> 0)
}

/** The key of several values: their hash, joined by NUL so that ("a,b","c") ≠ ("a","b,c"). */
export function rowKey(values: readonly string[]): number {
  return hash53(values.join('\u0000'))
}

/**
 * First line of each distinct key, up to `max` keys (a Map of numbers: about 40 bytes a key,
 * so 40 MB at the default million). Past the cap, new keys are no longer remembered.
 */
export class KeyIndex {
  private readonly first = new Map<number, number>()
  constructor(readonly max: number) {}

  get size(): number {
    return this.first.size
  }

  /**
   * The first line of `key` if seen before; else remembers it and returns 0, or returns -1 when
   * the index is full and it cannot be remembered.
   */
  seen(key: number, line: number): number {
    const prev = this.first.get(key)
    if (prev !== undefined) return prev
    if (this.first.size >= this.max) return -1
    this.first.set(key, line)
    return 0
  }
}
