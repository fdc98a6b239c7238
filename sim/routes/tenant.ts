// whoami (decides the endpoint family, docs/atlan-contract.md §3.1) and the newer /v1/app listing (docs/atlan-contract.md §3.14).
import { ok, type Reply } from '../http.js'
import type { Ctx } from '../router.js'

const roles = {
  token: { id: 'role-api-token', name: '$api-token-default-access' },
  admin: { id: 'role-admin', name: '$admin' },
  user: { id: 'role-member', name: '$member' }
}
const users = {
  token: 'service-account-apikey-sim',
  admin: 'sim-admin',
  user: 'sim-user'
}

export function whoami(ctx: Ctx): Reply {
  const role = ctx.state.scenario.role
  return ok({
    id: `${users[role]}-id`,
    username: users[role],
    email: `${users[role]}@sim.atlan.invalid`,
    enabled: true,
    roles: [roles[role]]
  })
}

export function listApps(): Reply {
  return ok({ workflows: [], has_more: false })
}
