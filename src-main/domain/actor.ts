import type { Role } from '../../src-preload/contract'

/** Who is doing something; every write and every audit entry names one. */
export interface Actor {
  id: string
  name: string
  role: Role
}

/** The app itself acting (demo generator, connectors), for audit entries with no person behind them. */
export const SYSTEM_ACTOR: Actor = { id: '00000000-0000-7000-8000-000000000000', name: 'VetOS', role: 'admin' }
