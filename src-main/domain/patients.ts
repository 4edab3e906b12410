import { and, asc, desc, eq, isNull } from 'drizzle-orm'
import { clients, clinicalNotes, patientAlerts, patients, patientWeights, staff, visits } from '../db/schema'
import type { Client, ClinicalNote, Patient, PatientAlert, PatientDetail, SPECIES, Visit } from '../../src-preload/contract'
import { normalizeName } from '../core/normalize'
import { MicrochipError, parseMicrochip } from '../core/microchip'
import { ApiError, conflict, notFound } from '../api/errors'
import type { Actor } from './actor'
import type { Core } from './core'
import { ownerName, type ClientsService } from './clients'

type PatientRow = typeof patients.$inferSelect

export interface PatientInput {
  name: string
  species: string
  breed?: string | null
  sex: 'male' | 'female' | 'unknown'
  neuterStatus: 'intact' | 'neutered' | 'unknown'
  dateOfBirth?: string | null
  dobEstimated: boolean
  color?: string | null
  microchip?: string | null
}

export function toPatient(r: PatientRow): Patient {
  return {
    id: r.id,
    clientId: r.clientId,
    name: r.name,
    species: r.species,
    breed: r.breed,
    sex: r.sex,
    neuterStatus: r.neuterStatus,
    dateOfBirth: r.dateOfBirth,
    dobEstimated: r.dobEstimated,
    color: r.color,
    microchip: r.microchip,
    microchipNormalized: r.microchipNorm,
    microchipType: r.microchipType,
    deceasedAt: r.deceasedAt,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt
  }
}

/** A date of birth in the future or before 1950 is a typing mistake, not a patient. */
export function checkDateOfBirth(dob: string | null | undefined, today: string): void {
  if (!dob) return
  if (dob > today) throw new ApiError('invalid-input', 'Date of birth cannot be in the future', [{ path: 'dateOfBirth', message: 'cannot be in the future' }])
  if (dob < '1950-01-01') throw new ApiError('invalid-input', 'Date of birth is implausibly early', [{ path: 'dateOfBirth', message: 'is before 1950' }])
}

export class PatientsService {
  constructor(
    private readonly core: Core,
    private readonly clients: ClientsService
  ) {}

  create(actor: Actor, input: PatientInput & { clientId: string; weightKg?: number | null }): Patient {
    const { store, audit, events } = this.core
    return store.tx(() => {
      const owner = this.clients.getClient(input.clientId)
      const fields = this.fields(input, null)
      const row = store.insert(patients, { clientId: input.clientId, ...fields, deceasedAt: null })
      if (input.weightKg) this.insertWeight(actor, row.id, input.weightKg, store.nowIso(), null)
      audit.append({
        action: 'patient.created',
        direction: 'internal',
        actor,
        patientId: row.id,
        entityType: 'patient',
        entityId: row.id,
        summary: `Registered ${row.name} (${row.species}) for ${owner.firstName} ${owner.lastName}`
      })
      events.emit('changed', { entity: 'patient', id: row.id, patientId: row.id })
      return toPatient(row)
    })
  }

  update(actor: Actor, input: PatientInput & { id: string; deceasedAt?: string | null }): Patient {
    const { store, audit, events } = this.core
    return store.tx(() => {
      const current = this.row(input.id)
      const fields = this.fields(input, input.id)
      const patch = { ...fields, ...(input.deceasedAt !== undefined ? { deceasedAt: input.deceasedAt } : {}) }
      const changed = (Object.keys(patch) as (keyof typeof patch)[]).filter((k) => patch[k] !== current[k] && !k.endsWith('Norm'))
      store.update(patients, input.id, patch)
      audit.append({
        action: 'patient.updated',
        direction: 'internal',
        actor,
        patientId: input.id,
        entityType: 'patient',
        entityId: input.id,
        summary: `Updated ${fields.name}: ${changed.join(', ') || 'no changes'}`,
        details: Object.fromEntries(changed.map((k) => [k, { from: current[k], to: patch[k] }]))
      })
      events.emit('changed', { entity: 'patient', id: input.id, patientId: input.id })
      return toPatient(this.row(input.id))
    })
  }

  /**
   * A new owner: the pet was rehomed, adopted or sold, or was filed under the wrong member of a
   * family. Only the patient's client changes, through the store's normal update in one transaction
   * with its audit entry (both owners and the reason), and the patient's 'changed' event follows as
   * for any patient update: sync carries the change, and PetLifeLog, which reconciles on that event,
   * queues a transfer of a registration this workstation keeps (proveniq/petlifelog.ts).
   *
   * What was billed is not moved: invoices and estimates (an open one too, such as a visit's draft),
   * payments, credit and payment plans keep their client, the owner they were dealings with. Only
   * what is invoiced from now on is the new owner's.
   */
  changeOwner(actor: Actor, input: { id: string; clientId: string; reason: string }): Patient {
    const { store, audit, events } = this.core
    return store.tx(() => {
      const current = this.row(input.id)
      // A deceased patient is not rehomed, and its record belongs with the family it died with (the
      // last invoices, the bereavement letters); moving it would also transfer its chip's PetLifeLog
      // registration to someone else. A death recorded by mistake is cleared on the patient first (Edit).
      if (current.deceasedAt) {
        throw conflict(`${current.name} is recorded as deceased (${current.deceasedAt}): the owner of a deceased patient is not changed. If the death was recorded by mistake, clear it first (Edit).`)
      }
      const earlier = store.byId(clients, current.clientId)
      const earlierName = earlier ? ownerName(earlier) : 'a removed client'
      if (input.clientId === current.clientId) {
        throw new ApiError('conflict', `${current.name} already belongs to ${earlierName}`, [{ path: 'clientId', message: `${earlierName} is already ${current.name}’s owner: choose the new owner` }])
      }
      let next: Client
      try {
        next = this.clients.getClient(input.clientId)
      } catch (e) {
        if (e instanceof ApiError && e.code === 'not-found') {
          throw new ApiError('not-found', 'The new owner is not a client of this clinic (unknown or removed)', [{ path: 'clientId', message: 'This client is not in the clinic’s records (unknown or removed): choose another' }])
        }
        throw e
      }
      const nextName = ownerName(next)
      store.update(patients, input.id, { clientId: next.id })
      audit.append({
        action: 'patient.owner_changed',
        direction: 'internal',
        actor,
        patientId: input.id,
        entityType: 'patient',
        entityId: input.id,
        summary: `${current.name}'s owner changed from ${earlierName} to ${nextName}: ${input.reason}`,
        details: { from: { clientId: current.clientId, name: earlierName }, to: { clientId: next.id, name: nextName }, reason: input.reason }
      })
      events.emit('changed', { entity: 'patient', id: input.id, patientId: input.id })
      return toPatient(this.row(input.id))
    })
  }

  get(id: string): PatientDetail {
    const { db } = this.core.store
    const patient = toPatient(this.row(id))
    const owner = this.clients.getClient(patient.clientId)
    const weights = db.select().from(patientWeights).where(eq(patientWeights.patientId, id)).orderBy(desc(patientWeights.measuredAt)).limit(200).all()
    const corrected = new Set(weights.map((w) => w.correctsId).filter(Boolean))
    const visitRows = db
      .select({ v: visits, vetName: staff.displayName })
      .from(visits)
      .leftJoin(staff, eq(staff.id, visits.veterinarianId))
      .where(and(eq(visits.patientId, id), isNull(visits.deletedAt)))
      .orderBy(desc(visits.createdAt))
      .limit(100)
      .all()
    const noteRows = db
      .select({ n: clinicalNotes, authorName: staff.displayName })
      .from(clinicalNotes)
      .leftJoin(staff, eq(staff.id, clinicalNotes.authorId))
      .where(eq(clinicalNotes.patientId, id))
      .orderBy(desc(clinicalNotes.createdAt))
      .limit(200)
      .all()
    const amended = new Set(noteRows.map((r) => r.n.amendsId).filter(Boolean))
    return {
      patient,
      owner,
      weights: weights
        .filter((w) => !corrected.has(w.id))
        .map((w) => ({ id: w.id, weightKg: w.weightGrams / 1000, measuredAt: w.measuredAt, recordedBy: w.recordedBy, correctsId: w.correctsId })),
      alerts: this.activeAlerts(id),
      visits: visitRows.map((r) => toVisit(r.v, r.vetName)),
      notes: noteRows.map((r) => toNote(r.n, r.authorName, amended.has(r.n.id)))
    }
  }

  row(id: string): PatientRow {
    const r = this.core.store.db.select().from(patients).where(and(eq(patients.id, id), isNull(patients.deletedAt))).get()
    if (!r) throw notFound('Patient')
    return r
  }

  recordWeight(actor: Actor, patientId: string, weightKg: number, measuredAt: string | undefined, correctsId: string | undefined) {
    const { store, audit, events } = this.core
    return store.tx(() => {
      const p = this.row(patientId)
      if (correctsId) {
        const prior = store.db.select().from(patientWeights).where(eq(patientWeights.id, correctsId)).get()
        if (!prior || prior.patientId !== patientId) throw notFound('The weight being corrected')
      }
      const w = this.insertWeight(actor, patientId, weightKg, measuredAt ?? store.nowIso(), correctsId ?? null)
      audit.append({ action: correctsId ? 'weight.corrected' : 'weight.recorded', direction: 'internal', actor, patientId, entityType: 'weight', entityId: w.id, summary: `${p.name}: ${weightKg} kg` })
      events.emit('changed', { entity: 'patient', id: patientId, patientId })
      return { id: w.id, weightKg: w.weightGrams / 1000, measuredAt: w.measuredAt, recordedBy: w.recordedBy, correctsId: w.correctsId }
    })
  }

  addAlert(actor: Actor, input: { patientId: string; kind: PatientAlert['kind']; severity: PatientAlert['severity']; text: string }): PatientAlert {
    const { store, audit, events } = this.core
    return store.tx(() => {
      const p = this.row(input.patientId)
      const a = store.insert(patientAlerts, { ...input, resolvesId: null, recordedBy: actor.name })
      audit.append({ action: 'alert.added', direction: 'internal', actor, patientId: p.id, entityType: 'alert', entityId: a.id, summary: `${p.name}: ${input.severity} ${input.kind} alert "${input.text}"` })
      events.emit('changed', { entity: 'patient', id: p.id, patientId: p.id })
      return { id: a.id, kind: a.kind, severity: a.severity, text: a.text, createdAt: a.createdAt, recordedBy: a.recordedBy }
    })
  }

  resolveAlert(actor: Actor, alertId: string, reason: string): void {
    const { store, audit, events } = this.core
    store.tx(() => {
      const alert = store.db.select().from(patientAlerts).where(eq(patientAlerts.id, alertId)).get()
      if (!alert || alert.resolvesId) throw notFound('Alert')
      if (!this.activeAlerts(alert.patientId).some((a) => a.id === alertId)) throw conflict('This alert is already resolved')
      store.insert(patientAlerts, { patientId: alert.patientId, kind: alert.kind, severity: alert.severity, text: reason, resolvesId: alertId, recordedBy: actor.name })
      audit.append({ action: 'alert.resolved', direction: 'internal', actor, patientId: alert.patientId, entityType: 'alert', entityId: alertId, summary: `Resolved alert "${alert.text}": ${reason}` })
      events.emit('changed', { entity: 'patient', id: alert.patientId, patientId: alert.patientId })
    })
  }

  activeAlerts(patientId: string): PatientAlert[] {
    const rows = this.core.store.db.select().from(patientAlerts).where(eq(patientAlerts.patientId, patientId)).orderBy(asc(patientAlerts.createdAt)).all()
    const resolved = new Set(rows.map((r) => r.resolvesId).filter(Boolean))
    return rows
      .filter((r) => !r.resolvesId && !resolved.has(r.id))
      .map((r) => ({ id: r.id, kind: r.kind, severity: r.severity, text: r.text, createdAt: r.createdAt, recordedBy: r.recordedBy }))
  }

  private insertWeight(actor: Actor, patientId: string, weightKg: number, measuredAt: string, correctsId: string | null) {
    return this.core.store.insert(patientWeights, { patientId, weightGrams: Math.round(weightKg * 1000), measuredAt, recordedBy: actor.name, correctsId })
  }

  /** Validates and normalizes the editable fields; a microchip already on another patient is refused. */
  private fields(input: PatientInput, selfId: string | null) {
    checkDateOfBirth(input.dateOfBirth, this.core.store.nowIso().slice(0, 10))
    let chip: { raw: string; normalized: string; type: string } | null = null
    if (input.microchip) {
      try {
        chip = parseMicrochip(input.microchip)
      } catch (e) {
        if (e instanceof MicrochipError) throw new ApiError('invalid-input', e.message, [{ path: 'microchip', message: e.message }])
        throw e
      }
      const other = this.core.store.db
        .select({ id: patients.id, name: patients.name })
        .from(patients)
        .where(and(eq(patients.microchipNorm, chip.normalized), isNull(patients.deletedAt)))
        .get()
      if (other && other.id !== selfId) throw conflict(`Microchip ${chip.normalized} is already recorded for ${other.name}`)
    }
    return {
      name: input.name,
      nameNorm: normalizeName(input.name),
      // The contract admits only SPECIES; the schema names them so sync refuses anything else.
      species: input.species as (typeof SPECIES)[number],
      breed: input.breed ?? null,
      sex: input.sex,
      neuterStatus: input.neuterStatus,
      dateOfBirth: input.dateOfBirth ?? null,
      dobEstimated: input.dobEstimated,
      color: input.color ?? null,
      microchip: chip?.raw ?? null,
      microchipNorm: chip?.normalized ?? null,
      microchipType: chip?.type ?? null
    }
  }
}

export function toVisit(v: typeof visits.$inferSelect, vetName: string | null): Visit {
  return {
    id: v.id,
    patientId: v.patientId,
    veterinarianId: v.veterinarianId,
    veterinarianName: vetName,
    reason: v.reason,
    status: v.status,
    scheduledAt: v.scheduledAt,
    startedAt: v.startedAt,
    endedAt: v.endedAt,
    createdAt: v.createdAt
  }
}

export function toNote(n: typeof clinicalNotes.$inferSelect, authorName: string | null, superseded: boolean): ClinicalNote {
  return {
    id: n.id,
    patientId: n.patientId,
    visitId: n.visitId,
    authorId: n.authorId,
    authorName,
    kind: n.kind,
    subjective: n.subjective,
    objective: n.objective,
    assessment: n.assessment,
    plan: n.plan,
    body: n.body,
    amendsId: n.amendsId,
    superseded,
    createdAt: n.createdAt
  }
}
