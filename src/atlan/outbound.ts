// Where the action may send a file: a presigned URL comes from the server, so a hostile or
// confused server must not be able to aim the upload at the runner's own network (cloud metadata
// endpoints, link-local or private addresses). Checked before any socket is opened.
import { BlockList, isIP, type LookupFunction } from 'node:net'
import { LOOPBACK_HOST } from '../config/fields.js'

const BLOCKED = new BlockList()
for (const [net, bits] of [
  ['0.0.0.0', 8], // "this network"
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // carrier-grade NAT
  ['169.254.0.0', 16], // link-local, cloud metadata (169.254.169.254)
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 3] // multicast and reserved
] as const)
  BLOCKED.addSubnet(net, bits, 'ipv4')
for (const [net, bits] of [
  ['::', 128],
  ['fc00::', 7], // unique local
  ['fe80::', 10], // link-local
  ['ff00::', 8], // multicast
  ['fd00:ec2::', 32] // AWS metadata over IPv6
] as const)
  BLOCKED.addSubnet(net, bits, 'ipv6')

/** Host names of cloud metadata services (GCP, Azure, AWS, Alibaba, Oracle). */
const METADATA_HOSTS =
  /^(metadata|metadata\.google\.internal|metadata\.azure\.internal|instance-data(\.ec2\.internal)?|metadata\.tencentyun\.com|100\.100\.100\.200)\.?$/i

/** True for an IP address no upload may go to (private, link-local, metadata, multicast). */
export function isBlockedAddress(address: string): boolean {
  const ip = address.replace(/^\[|\]$/g, '')
  const kind = isIP(ip)
  if (kind === 4) return BLOCKED.check(ip, 'ipv4')
  if (kind !== 6) return false
  // IPv4-mapped (::ffff:a.b.c.d, which URL writes as ::ffff:xxxx:yyyy): judge the IPv4 address.
  const mapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(ip)
  if (mapped) {
    const [hi, lo] = [parseInt(mapped[1], 16), parseInt(mapped[2], 16)]
    return isBlockedAddress(`${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`)
  }
  return BLOCKED.check(ip, 'ipv6')
}

/**
 * Why `url` must not receive an upload, or undefined when it may. `https` only, plain `http`
 * only for a loopback host (as for atlan_base_url); never a metadata, link-local or private host.
 */
export function uploadUrlRefusal(url: URL): string | undefined {
  const host = url.hostname.replace(/^\[|\]$/g, '')
  const loopback = LOOPBACK_HOST.test(url.hostname)
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback))
    return `it uses ${url.protocol.replace(/:$/, '')}, and uploads go over https only (plain http only to localhost)`
  if (url.username || url.password) return 'it carries a user name or password'
  if (METADATA_HOSTS.test(host)) return `${host} is a cloud metadata service`
  if (isBlockedAddress(host)) return `${host} is a private, link-local or reserved address`
  return undefined
}

/** A presigned URL's host resolved to an address no upload may go to. */
export class BlockedAddressError extends Error {
  override readonly name = 'BlockedAddressError'
  readonly code = 'ERR_BLOCKED_ADDRESS'
}

/** A socket's DNS lookup that refuses to connect to blocked addresses (a name may resolve to one). */
export function guardedLookup(lookup: LookupFunction): LookupFunction {
  return (hostname, options, callback) =>
    lookup(hostname, options, (err, address, family) => {
      if (err) return callback(err, address, family)
      const list = typeof address === 'string' ? [address] : address.map(a => a.address)
      const bad = list.find(a => isBlockedAddress(a))
      if (bad)
        return callback(
          new BlockedAddressError(
            `${hostname} resolves to ${bad}, a private, link-local or reserved address; refusing to connect`
          ),
          []
        )
      callback(null, address, family)
    })
}
