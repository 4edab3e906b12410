import { eq } from 'drizzle-orm'
import { clinics } from '../db/schema'
import type { Clinic } from '../../src-preload/contract'
import type { Actor } from './actor'
import type { Core } from './core'
import { notFound } from '../api/errors'

type Row = typeof clinics.$inferSelect

const toClinic = (r: Row): Clinic => ({ id: r.id, name: r.name, phone: r.phone, email: r.email, address: r.address, timezone: r.timezone, currency: r.currency, weightUnit: r.weightUnit })

export class ClinicService {
  constructor(private readonly core: Core) {}

  get(): Clinic {
    const clinic = this.find()
    if (!clinic) throw notFound('Clinic')
    return clinic
  }

  /** The clinic, or null on a workstation that joined one and has not received it yet. */
  find(): Clinic | null {
    const { db, clinicId } = this.core.store
    const row = db.select().from(clinics).where(eq(clinics.id, clinicId)).get()
    return row ? toClinic(row) : null
  }

  update(actor: Actor, patch: Partial<Pick<Row, 'name' | 'phone' | 'email' | 'address' | 'timezone' | 'weightUnit'>>): Clinic {
    const { store, audit, events } = this.core
    return store.tx(() => {
      const clean = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined))
      store.update(clinics, store.clinicId, clean)
      audit.append({ action: 'clinic.updated', direction: 'internal', actor, entityType: 'clinic', entityId: store.clinicId, summary: `Changed clinic details: ${Object.keys(clean).join(', ')}` })
      events.emit('changed', { entity: 'clinic', id: store.clinicId })
      return this.get()
    })
  }
}
