import { randomBytes } from 'node:crypto'
import type { Role, Session } from '../../src-preload/contract'
import { ApiError } from '../api/errors'
import type { Actor } from './actor'
import type { Core } from './core'
import { pinMatches, toStaffMember, type StaffService } from './staff'

const SESSION_HOURS = 12
const MAX_FAILURES = 5
const LOCKOUT_MS = 5 * 60_000

interface Live {
  staffId: string
  expiresAt: number
}

/**
 * Staff sign-in with a PIN. Sessions live in memory: a restart signs everyone out, which is
 * what a shared workstation wants. Five wrong PINs lock that staff member out for five minutes.
 */
export class Sessions {
  private live = new Map<string, Live>()
  private failures = new Map<string, { count: number; lockedUntil: number }>()

  constructor(
    private readonly core: Core,
    private readonly staff: StaffService,
    private readonly now: () => number = Date.now
  ) {}

  login(staffId: string, pin: string): Session {
    const { audit } = this.core
    const row = this.staff.getRow(staffId)
    if (!row || !row.active) throw new ApiError('unauthenticated', 'Unknown or inactive staff member')
    const f = this.failures.get(staffId)
    if (f && f.lockedUntil > this.now()) {
      throw new ApiError('unauthenticated', `Too many wrong PINs; try again in ${Math.ceil((f.lockedUntil - this.now()) / 60000)} minutes`)
    }
    const actor = { id: row.id, name: row.displayName }
    if (!pinMatches(pin, row.pinHash)) {
      const count = (f?.count ?? 0) + 1
      this.failures.set(staffId, { count, lockedUntil: count >= MAX_FAILURES ? this.now() + LOCKOUT_MS : 0 })
      audit.append({ action: 'auth.failed', direction: 'internal', outcome: 'refused', actor, entityType: 'staff', entityId: row.id, summary: `Wrong PIN for ${row.displayName}` })
      throw new ApiError('unauthenticated', 'Wrong PIN')
    }
    this.failures.delete(staffId)
    const token = randomBytes(32).toString('base64url')
    const expiresAt = this.now() + SESSION_HOURS * 3600_000
    this.live.set(token, { staffId, expiresAt })
    audit.append({ action: 'auth.login', direction: 'internal', actor, entityType: 'staff', entityId: row.id, summary: `${row.displayName} signed in` })
    return { token, staff: toStaffMember(row), expiresAt: new Date(expiresAt).toISOString() }
  }

  logout(token: string, actor: Actor): void {
    this.live.delete(token)
    this.core.audit.append({ action: 'auth.logout', direction: 'internal', actor, entityType: 'staff', entityId: actor.id, summary: `${actor.name} signed out` })
  }

  /** The actor behind a session token, or null when it is unknown, expired or the person was deactivated. */
  resolve(token: string): Actor | null {
    const s = this.live.get(token)
    if (!s) return null
    if (s.expiresAt < this.now()) {
      this.live.delete(token)
      return null
    }
    const row = this.staff.getRow(s.staffId)
    if (!row || !row.active) {
      this.live.delete(token)
      return null
    }
    return { id: row.id, name: row.displayName, role: row.role as Role }
  }
}
