// JSON read and edited as text (jsonc-parser): where a value sits in a reply, and replacing only
// its bytes, so every other byte stays as the server sent it (docs/atlan-contract.md §10.3). A
// parse/serialize round trip would round integers above 2^53, turn `1.50` into `1.5`, collapse
// duplicate keys and drop a `__proto__` key.
import { createScanner, parseTree, visit, type JSONPath, type Node } from 'jsonc-parser'

export { applyEdits, modify, type Edit } from 'jsonc-parser'

// jsonc-parser's SyntaxKind is an ambient const enum, which isolatedModules cannot read.
const OPEN_BRACE = 1
const CLOSE_BRACE = 2
const OPEN_BRACKET = 3
const CLOSE_BRACKET = 4
const EOF = 17

/**
 * Deepest nesting this module walks. jsonc-parser's parser recurses once per level, so deeper
 * text is refused before it is parsed; a workflow template nests about a dozen levels.
 */
export const MAX_JSON_DEPTH = 128

/** Whether `text` nests objects and arrays deeper than `max` (one iterative scan, no parse). */
export function nestsDeeperThan(text: string, max: number): boolean {
  const scanner = createScanner(text, true)
  let depth = 0
  for (let token = scanner.scan(); token !== EOF; token = scanner.scan()) {
    if (token === OPEN_BRACE || token === OPEN_BRACKET) {
      if (++depth > max) return true
    } else if (token === CLOSE_BRACE || token === CLOSE_BRACKET) depth--
  }
  return false
}

export interface Span {
  offset: number
  length: number
}

const samePath = (a: JSONPath, b: JSONPath) =>
  a.length === b.length && a.every((s, i) => s === b[i])
const isPrefix = (p: JSONPath, of: JSONPath) =>
  p.length < of.length && p.every((s, i) => s === of[i])

/**
 * Where the object at `path` sits in `text`. Objects off the path are skipped unread; of duplicate
 * keys the last counts, as JSON.parse has it. Undefined when there is none, or the text is not
 * strict JSON. The caller bounds the nesting first (nestsDeeperThan).
 */
export function objectSpan(text: string, path: JSONPath): Span | undefined {
  let span: Span | undefined
  let start: number | undefined
  let broken = false
  visit(
    text,
    {
      onObjectBegin: (offset, _length, _line, _column, pathOf) => {
        const at = pathOf()
        if (samePath(at, path)) start = offset
        // false: no callbacks inside this object; its own end is still reported.
        return isPrefix(at, path)
      },
      onObjectEnd: (offset, length) => {
        if (start === undefined) return
        span = { offset: start, length: offset + length - start }
        start = undefined
      },
      onError: () => void (broken = true)
    },
    { disallowComments: true, allowTrailingComma: false }
  )
  return broken ? undefined : span
}

/** The syntax tree of strict JSON text, or undefined when it is not; bound the nesting first. */
export function jsonTree(text: string): Node | undefined {
  const errors: unknown[] = []
  const tree = parseTree(text, errors as never[], {
    disallowComments: true,
    allowTrailingComma: false
  })
  return errors.length || !tree ? undefined : tree
}

/** The properties named `key` of an object node, in text order. */
export function propertiesNamed(node: Node | undefined, key: string): Node[] {
  if (node?.type !== 'object') return []
  return (node.children ?? []).filter(p => p.children?.[0]?.value === key)
}

/** The value of `key` in an object node; of duplicate keys the last, as JSON.parse has it. */
export function member(node: Node | undefined, key: string): Node | undefined {
  return propertiesNamed(node, key).at(-1)?.children?.[1]
}

/** Element `i` of an array node. */
export function element(node: Node | undefined, i: number): Node | undefined {
  return node?.type === 'array' ? node.children?.[i] : undefined
}

/** The node at `path` (keys and indexes), with member() and element() at each step. */
export function nodeAt(node: Node | undefined, path: JSONPath): Node | undefined {
  let at = node
  for (const step of path) at = typeof step === 'number' ? element(at, step) : member(at, step)
  return at
}
