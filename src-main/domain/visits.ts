import { eq } from 'drizzle-orm'
import { staff, visits } from '../db/schema'
import type { Visit, VisitStatus } from '../../src-preload/contract'
import { ApiError, notFound } from '../api/errors'
import type { Actor } from './actor'
import type { Core } from './core'
import type { NotificationsService } from './notifications'
import { toVisit, type PatientsService } from './patients'

/** Allowed moves; cancelled and completed are final (the sync merge takes the furthest state). */
const NEXT: Record<VisitStatus, VisitStatus[]> = {
  booked: ['checked_in', 'cancelled'],
  checked_in: ['in_progress', 'completed', 'cancelled'],
  in_progress: ['completed', 'cancelled'],
  completed: [],
  cancelled: []
}

export function canMoveVisit(from: VisitStatus, to: VisitStatus): boolean {
  return NEXT[from].includes(to)
}

export class VisitsService {
  constructor(
    private readonly core: Core,
    private readonly patients: PatientsService,
    private readonly notifications: NotificationsService
  ) {}

  create(actor: Actor, input: { patientId: string; veterinarianId?: string | null; reason: string; status: 'booked' | 'checked_in'; scheduledAt?: string | null }): Visit {
    const { store, audit, events } = this.core
    return store.tx(() => {
      const patient = this.patients.row(input.patientId)
      const vet = input.veterinarianId ? this.vet(input.veterinarianId) : null
      const now = store.nowIso()
      const v = store.insert(visits, {
        patientId: patient.id,
        veterinarianId: vet?.id ?? null,
        reason: input.reason,
        status: input.status,
        scheduledAt: input.scheduledAt ?? null,
        startedAt: input.status === 'checked_in' ? now : null,
        endedAt: null
      })
      audit.append({ action: `visit.${input.status === 'booked' ? 'booked' : 'checked_in'}`, direction: 'internal', actor, patientId: patient.id, entityType: 'visit', entityId: v.id, summary: `${patient.name}: ${input.reason}${vet ? ` with ${vet.displayName}` : ''}` })
      if (vet && input.status === 'checked_in') this.notifyVet(vet.id, patient.name, input.reason, patient.id)
      events.emit('changed', { entity: 'visit', id: v.id, patientId: patient.id })
      return toVisit(v, vet?.displayName ?? null)
    })
  }

  setStatus(actor: Actor, id: string, status: VisitStatus): Visit {
    const { store, audit, events } = this.core
    return store.tx(() => {
      const v = store.db.select().from(visits).where(eq(visits.id, id)).get()
      if (!v) throw notFound('Visit')
      if (!canMoveVisit(v.status, status)) throw new ApiError('conflict', `A ${v.status.replace('_', ' ')} visit cannot become ${status.replace('_', ' ')}`)
      const now = store.nowIso()
      store.update(visits, id, {
        status,
        startedAt: v.startedAt ?? (status === 'checked_in' || status === 'in_progress' ? now : null),
        endedAt: status === 'completed' || status === 'cancelled' ? now : null
      })
      const patient = this.patients.row(v.patientId)
      audit.append({ action: `visit.${status}`, direction: 'internal', actor, patientId: v.patientId, entityType: 'visit', entityId: id, summary: `${patient.name}: visit "${v.reason}" ${status.replace('_', ' ')}` })
      if (status === 'checked_in' && v.veterinarianId) this.notifyVet(v.veterinarianId, patient.name, v.reason, patient.id)
      events.emit('changed', { entity: 'visit', id, patientId: v.patientId })
      const after = store.db.select({ v: visits, vetName: staff.displayName }).from(visits).leftJoin(staff, eq(staff.id, visits.veterinarianId)).where(eq(visits.id, id)).get()!
      return toVisit(after.v, after.vetName)
    })
  }

  private vet(id: string) {
    const row = this.core.store.db.select().from(staff).where(eq(staff.id, id)).get()
    if (!row || !row.active) throw notFound('Veterinarian')
    if (row.role !== 'veterinarian') throw new ApiError('invalid-input', `${row.displayName} is not a veterinarian`, [{ path: 'veterinarianId', message: 'must be a veterinarian' }])
    return row
  }

  private notifyVet(vetId: string, patientName: string, reason: string, patientId: string): void {
    this.notifications.notify({ recipientId: vetId, kind: 'visit.checked_in', severity: 'info', title: `${patientName} is checked in`, body: reason, patientId })
  }
}
