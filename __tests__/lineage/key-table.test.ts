// KeyTable (the typed-array map behind the duplicate index and the graph's edge hashes) against
// a JavaScript Map, and the field-by-field hash against hashing the joined string.
import { describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import { Hash30, Hash53, hash53, KeyIndex, KeyTable } from '../../src/lineage/csv/index.js'

const key = fc.oneof(
  fc.maxSafeNat(),
  fc.nat({ max: 64 }), // small keys collide in the low bits: long probe runs
  fc.integer({ min: 0, max: 2 ** 20 }).map(n => n * 2 ** 32) // equal low halves
)
const value = fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 })

function entries(t: KeyTable): Array<[number, number]> {
  const out: Array<[number, number]> = []
  t.forEach((v, k) => out.push([k, v]))
  return out.sort((a, b) => a[0] - b[0])
}

describe('KeyTable', () => {
  it('behaves like a Map for any sequence of set, getOrSet and lookups', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(key, value, fc.boolean()), { maxLength: 400, size: 'max' }),
        fc.array(key, { maxLength: 50 }),
        (sets, probes) => {
          const t = new KeyTable()
          const m = new Map<number, number>()
          const sizes: string[] = []
          for (const [k, v, overwrite] of sets) {
            const had = m.get(k)
            if (overwrite) {
              if (t.set(k, v) !== (had === undefined)) sizes.push(`set(${k}) said new wrongly`)
              m.set(k, v)
            } else {
              if (t.getOrSet(k, v) !== had) sizes.push(`getOrSet(${k}) gave the wrong value`)
              if (had === undefined) m.set(k, v)
            }
            if (t.size !== m.size) sizes.push(`size ${t.size} after setting ${k}, want ${m.size}`)
          }
          expect(sizes).toEqual([])
          const wrong = [...m.keys(), ...probes].filter(
            k => t.get(k) !== m.get(k) || t.has(k) !== m.has(k)
          )
          expect(wrong).toEqual([])
          expect(entries(t)).toEqual([...m].sort((a, b) => a[0] - b[0]))
        }
      ),
      { numRuns: 200 }
    )
  })

  it('grows by doubling, keeping every entry, and stays within 15 to 30 bytes an entry', () => {
    const t = new KeyTable()
    const n = 100_000
    for (let i = 0; i < n; i++) t.set(hash53(String(i)), i)
    expect(t.size).toBe(n)
    for (let i = 0; i < n; i += 997) expect(t.get(hash53(String(i)))).toBe(i)
    expect(t.byteLength / n).toBeLessThanOrEqual(30)
    expect(t.byteLength / n).toBeGreaterThanOrEqual(15)
  })

  it('key 0 is a key like any other; bad keys and values are refused', () => {
    const t = new KeyTable()
    expect(t.has(0)).toBe(false)
    expect(t.has(-1)).toBe(false)
    expect(t.get(NaN)).toBeUndefined()
    t.set(0, 7)
    expect(t.get(0)).toBe(7)
    expect(() => t.set(-1, 1)).toThrow(RangeError)
    expect(() => t.set(2 ** 53, 1)).toThrow(RangeError)
    expect(() => t.set(1.5, 1)).toThrow(RangeError)
    expect(() => t.set(1, 2 ** 31)).toThrow(RangeError)
    expect(() => t.set(0, 0.5)).toThrow(RangeError)
    expect(() => t.getOrSet(-2, 1)).toThrow(RangeError)
    expect(t.size).toBe(1)
  })
})

describe('KeyIndex', () => {
  it('returns the first line of a key, 0 for a new one, -1 once full', () => {
    const ix = new KeyIndex(2)
    expect(ix.seen(11, 2)).toBe(0)
    expect(ix.seen(11, 5)).toBe(2)
    expect(ix.seen(12, 6)).toBe(0)
    expect(ix.seen(13, 7)).toBe(-1)
    expect(ix.seen(12, 8)).toBe(6)
    expect(ix.size).toBe(2)
  })
})

// Any text, lone surrogates and letters whose lower case depends on context included.
const text = fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.constantFrom('ΣΑΣ', 'İx', 'ß'))

describe('Hash53', () => {
  it('hashing fields one by one equals hash53 of them joined by NUL', () => {
    fc.assert(
      fc.property(fc.array(text, { minLength: 1, maxLength: 8 }), fields => {
        const h = new Hash53().start()
        for (const f of fields) h.add(f)
        expect(h.digest()).toBe(hash53(fields.join('\u0000')))
      })
    )
  })

  it('gives different hashes to fields split differently, and is a 53-bit integer', () => {
    const ab = new Hash53().start().add('a,b').add('c').digest()
    const a = new Hash53().start().add('a').add('b,c').digest()
    expect(ab).not.toBe(a)
    expect(Number.isSafeInteger(ab) && ab >= 0).toBe(true)
  })
})

describe.each([
  ['Hash53', () => new Hash53(), 2 ** 53],
  ['Hash30', () => new Hash30(), 2 ** 30]
])('%s', (_name, make, bound) => {
  it('addLower(s) equals add(s.toLowerCase()), ASCII or not', () => {
    fc.assert(
      fc.property(text, text, (a, b) => {
        const lower = make().start().add(a).addLower(b).digest()
        expect(lower).toBe(make().start().add(a).add(b.toLowerCase()).digest())
      })
    )
  })

  it('a value changed in one character changes the hash; the hash is in range', () => {
    fc.assert(
      fc.property(
        fc.array(fc.string(), { minLength: 1, maxLength: 4 }),
        fc.nat(),
        fc.nat(),
        fc.integer({ min: 1, max: 0xffff }),
        (fields, f, at, delta) => {
          const i = f % fields.length
          const s = fields[i] + 'x'
          const j = at % s.length
          const changed =
            s.slice(0, j) +
            String.fromCharCode((s.charCodeAt(j) + delta) % 0x10000) +
            s.slice(j + 1)
          const hash = (vs: string[]) => vs.reduce((h, v) => h.add(v), make().start()).digest()
          const before = hash(fields.map((v, k) => (k === i ? s : v)))
          const after = hash(fields.map((v, k) => (k === i ? changed : v)))
          expect(after).not.toBe(before)
          expect(Number.isInteger(before) && before >= 0 && before < bound).toBe(true)
        }
      )
    )
  })
})
