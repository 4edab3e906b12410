import { randomBytes, scryptSync, timingSafeEqual } from 'node:crypto'
import { and, eq, asc } from 'drizzle-orm'
import { staff } from '../db/schema'
import type { Role, StaffMember } from '../../src-preload/contract'
import { ApiError, conflict, notFound } from '../api/errors'
import type { Actor } from './actor'
import type { Core } from './core'

type StaffRow = typeof staff.$inferSelect

export function hashPin(pin: string): string {
  const salt = randomBytes(16)
  return `scrypt:${salt.toString('hex')}:${scryptSync(pin, salt, 32).toString('hex')}`
}

export function pinMatches(pin: string, stored: string): boolean {
  const [scheme, salt, hash] = stored.split(':')
  if (scheme !== 'scrypt' || !salt || !hash) return false
  const expected = Buffer.from(hash, 'hex')
  return timingSafeEqual(scryptSync(pin, Buffer.from(salt, 'hex'), expected.length), expected)
}

export function toStaffMember(r: StaffRow): StaffMember {
  return { id: r.id, displayName: r.displayName, username: r.username, role: r.role, active: r.active, licenseNumber: r.licenseNumber }
}

export class StaffService {
  constructor(private readonly core: Core) {}

  list(): StaffMember[] {
    const { db } = this.core.store
    return db.select().from(staff).orderBy(asc(staff.displayName)).all().map(toStaffMember)
  }

  getRow(id: string): StaffRow | undefined {
    return this.core.store.db.select().from(staff).where(eq(staff.id, id)).get()
  }

  create(actor: Actor, input: { displayName: string; username: string; role: Role; pin: string; licenseNumber?: string | null }): StaffMember {
    const { store, audit, events } = this.core
    return store.tx(() => {
      const taken = store.db.select({ id: staff.id }).from(staff).where(and(eq(staff.clinicId, store.clinicId), eq(staff.username, input.username))).get()
      if (taken) throw conflict(`The username "${input.username}" is already taken`)
      const row = store.insert(staff, {
        displayName: input.displayName,
        username: input.username,
        role: input.role,
        pinHash: hashPin(input.pin),
        active: true,
        licenseNumber: input.licenseNumber ?? null
      })
      audit.append({ action: 'staff.created', direction: 'internal', actor, entityType: 'staff', entityId: row.id, summary: `Added ${row.displayName} as ${row.role.replace('_', ' ')}` })
      events.emit('changed', { entity: 'staff', id: row.id })
      return toStaffMember(row)
    })
  }

  update(actor: Actor, input: { id: string; displayName?: string; role?: Role; active?: boolean; pin?: string; licenseNumber?: string | null }): StaffMember {
    const { store, audit, events } = this.core
    return store.tx(() => {
      const current = this.getRow(input.id)
      if (!current) throw notFound('Staff member')
      if (input.id === actor.id && (input.active === false || (input.role && input.role !== 'admin'))) {
        throw new ApiError('conflict', 'You cannot deactivate yourself or remove your own admin role; ask another admin')
      }
      const patch: Partial<StaffRow> = {}
      if (input.displayName !== undefined) patch.displayName = input.displayName
      if (input.role !== undefined) patch.role = input.role
      if (input.active !== undefined) patch.active = input.active
      if (input.licenseNumber !== undefined) patch.licenseNumber = input.licenseNumber
      if (input.pin !== undefined) patch.pinHash = hashPin(input.pin)
      store.update(staff, input.id, patch)
      const changed = Object.keys(patch).map((k) => (k === 'pinHash' ? 'PIN' : k))
      audit.append({ action: 'staff.updated', direction: 'internal', actor, entityType: 'staff', entityId: input.id, summary: `Changed ${current.displayName}: ${changed.join(', ') || 'nothing'}` })
      events.emit('changed', { entity: 'staff', id: input.id })
      return toStaffMember(this.getRow(input.id)!)
    })
  }
}
