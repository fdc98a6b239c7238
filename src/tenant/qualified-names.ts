// How the Lineage Builder names what it creates (docs/atlan-contract.md §6.2, §10.6): connection
// references `{{connector/name}}` (connector lowercased), assets `<connectionQN>/<Identity>`, and
// processes `<connectionQN>/<Transformation Identity>`, or, without an identity, the MD5 of the
// name and the unresolved references, as java LineageProcess.generateQualifiedName builds it.
import { createHash } from 'node:crypto'

export interface ConnectionPair {
  /** As written in the CSV; compared lowercased, as the package lowercases it. */
  connector: string
  name: string
}

/** The package's placeholder for a connection, resolved at import to its qualifiedName. */
export function connectionRef(p: ConnectionPair): string {
  return `{{${p.connector.toLowerCase()}/${p.name}}}`
}

/** An asset's qualifiedName under a connection qualifiedName (or an unresolved reference). */
export function assetQualifiedName(connection: string, identity: string): string {
  return `${connection}/${identity}`
}

export interface ProcessParts {
  name: string
  identity: string
  connection: ConnectionPair
  source: ConnectionPair & { identity: string }
  target: ConnectionPair & { identity: string }
}

/**
 * The part after `<connectionQN>/`: the Transformation Identity, or the lowercase hex MD5 of
 * name + `{{tc/tn}}` + `{{sc/sn}}/<Source Identity>` + `{{gc/gn}}/<Target Identity>` (UTF-8,
 * no separators). Computable from the CSV alone.
 */
export function processSuffix(p: ProcessParts): string {
  if (p.identity !== '') return p.identity
  const text =
    p.name +
    connectionRef(p.connection) +
    assetQualifiedName(connectionRef(p.source), p.source.identity) +
    assetQualifiedName(connectionRef(p.target), p.target.identity)
  return createHash('md5').update(text, 'utf8').digest('hex')
}

/** The process qualifiedName once the transformation connection resolves to `connectionQN`. */
export function processQualifiedName(connectionQN: string, p: ProcessParts): string {
  return `${connectionQN}/${processSuffix(p)}`
}
