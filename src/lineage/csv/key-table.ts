// A map from 53-bit keys (row and edge hashes, row-key.ts) to 32-bit integers, on typed arrays.
//
// Why not a Map: a JavaScript Map keeps a key above 2^31 as a heap number, so an entry costs
// about 70 bytes, and a million of them (the duplicate index, the graph's edge hashes of the head
// and of the base version) would not fit the action's memory bound. No npm package fits: the
// typed-array ones found (mnemonist's SparseMap/SparseSet) need keys below a small bound, and
// ml-hash-table keeps plain arrays of numbers (heap numbers again) without types.
//
// Open addressing with linear probing in a power-of-two table: keys in a Float64Array (NaN marks
// a free slot: it equals no key), values in an Int32Array, 12 bytes a slot. The table doubles
// when it is 4/5 full, so an entry costs 15 to 30 bytes (and half as much again for an instant
// while it doubles).

const MIN_CAPACITY = 16

// Bound once: under Jest's vm context a call through `Math.imul` is not inlined (row-key.ts).
const imul = Math.imul

export class KeyTable {
  private keys: Float64Array
  private values: Int32Array
  private mask: number
  private count = 0

  constructor() {
    this.keys = new Float64Array(MIN_CAPACITY).fill(NaN)
    this.values = new Int32Array(MIN_CAPACITY)
    this.mask = MIN_CAPACITY - 1
  }

  get size(): number {
    return this.count
  }

  /** Bytes held by the two arrays. */
  get byteLength(): number {
    return this.keys.byteLength + this.values.byteLength
  }

  /**
   * The slot of `key`, or the free slot where it would go. Keys are mixed (both halves, times the
   * golden ratio) so that keys which are not hashes spread too.
   */
  private slot(key: number): number {
    const keys = this.keys
    const mask = this.mask
    let i = imul((key >>> 0) ^ ((key / 4294967296) >>> 0), 0x9e3779b1) & mask
    for (;;) {
      const k = keys[i]
      if (k === key || k !== k) return i // k !== k: NaN, a free slot
      i = (i + 1) & mask
    }
  }

  has(key: number): boolean {
    return this.keys[this.slot(key)] === key
  }

  get(key: number): number | undefined {
    const i = this.slot(key)
    return this.keys[i] === key ? this.values[i] : undefined
  }

  /**
   * Sets `key` (an integer in [0, 2^53)) to `value` (a 32-bit signed integer); true when the key
   * was new.
   */
  set(key: number, value: number): boolean {
    check(key, value)
    let i = this.slot(key)
    const added = this.keys[i] !== key
    if (added) i = this.insert(i, key) // may grow: index the arrays after it
    this.values[i] = value
    return added
  }

  /** The value of `key` if it has one; else sets it to `value` and returns undefined. */
  getOrSet(key: number, value: number): number | undefined {
    check(key, value)
    let i = this.slot(key)
    if (this.keys[i] === key) return this.values[i]
    i = this.insert(i, key)
    this.values[i] = value
    return undefined
  }

  /** Puts the new `key` at its free slot `i`, or after growing at its new one; returns that. */
  private insert(i: number, key: number): number {
    if ((this.count + 1) * 5 > this.keys.length * 4) {
      this.grow()
      i = this.slot(key)
    }
    this.keys[i] = key
    this.count++
    return i
  }

  forEach(fn: (value: number, key: number) => void): void {
    const { keys, values } = this
    for (let i = 0; i < keys.length; i++) if (keys[i] === keys[i]) fn(values[i], keys[i])
  }

  private grow(): void {
    const oldKeys = this.keys
    const oldValues = this.values
    const cap = oldKeys.length * 2
    this.keys = new Float64Array(cap).fill(NaN)
    this.values = new Int32Array(cap)
    this.mask = cap - 1
    for (let j = 0; j < oldKeys.length; j++) {
      const k = oldKeys[j]
      if (k !== k) continue
      const i = this.slot(k)
      this.keys[i] = k
      this.values[i] = oldValues[j]
    }
    release(oldKeys.buffer)
    release(oldValues.buffer)
  }
}

/**
 * Frees an array's memory now: detaching it (transfer to length 0) drops its backing store,
 * which otherwise waits, as garbage, for a full GC (CONTRIBUTING.md "Bounded memory"). Node 20
 * lacks transfer(): there the buffer is left to the GC.
 */
function release(buffer: ArrayBufferLike): void {
  ;(buffer as { transfer?: (length: number) => ArrayBuffer }).transfer?.(0)
}

/** A key is an integer in [0, 2^53), a value a 32-bit signed integer. */
function check(key: number, value: number): void {
  if (!Number.isSafeInteger(key) || key < 0) throw new RangeError(`KeyTable key ${key}`)
  if ((value | 0) !== value) throw new RangeError(`KeyTable value ${value}`)
}
