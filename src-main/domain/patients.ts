import { and, asc, desc, eq, isNull } from 'drizzle-orm'
import { clients, clinicalNotes, clinics, patientAlerts, patients, patientWeights, staff, visits } from '../db/schema'
import type { Client, ClinicalNote, Patient, PatientAlert, PatientDetail, SPECIES, Visit } from '../../src-preload/contract'
import { normalizeName } from '../core/normalize'
import { MicrochipError, parseMicrochip } from '../core/microchip'
import { ApiError, conflict, notFound } from '../api/errors'
import type { Actor } from './actor'
import type { Core } from './core'
import { ownerName, type ClientsService } from './clients'
import { fieldIssues, refuseOrAsk } from './field-checks'
import { likelyDuplicatePatients } from './duplicates'
import { localDay } from '../core/clinic-day'
import type { WeightText } from '../../src-preload/contract'

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

export class PatientsService {
  constructor(
    private readonly core: Core,
    private readonly clients: ClientsService
  ) {}

  /** askAboutDuplicates: as for clients, a person registering the pet (the API) hears of a likely second record. */
  create(actor: Actor, input: PatientInput & { clientId: string; weightKg?: number | null; weight?: WeightText; confirm?: boolean }, askAboutDuplicates = false): Patient {
    const { store, audit, events } = this.core
    return store.tx(() => {
      const owner = this.clients.getClient(input.clientId)
      // Every problem at once (plausibility, microchip), then a likely second record of the same pet.
      const { issues, kg } = fieldIssues(input, { today: this.today() })
      refuseOrAsk(issues, input.confirm === true, askAboutDuplicates && !input.confirm ? likelyDuplicatePatients(this.core, input) : [])
      const fields = this.fields(input, null)
      const row = store.insert(patients, { clientId: input.clientId, ...fields, deceasedAt: null })
      if (kg) this.insertWeight(actor, row.id, kg, store.nowIso(), null)
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

  update(actor: Actor, input: PatientInput & { id: string; deceasedAt?: string | null; confirm?: boolean }): Patient {
    const { store, audit, events } = this.core
    return store.tx(() => {
      const current = this.row(input.id)
      // A birth date already on record is not questioned again at every edit of the colour.
      const sameAge = (input.dateOfBirth ?? null) === current.dateOfBirth && input.species === current.species && (input.breed ?? null) === current.breed
      refuseOrAsk(fieldIssues({ ...input, dateOfBirth: sameAge ? undefined : input.dateOfBirth }, { today: this.today() }).issues, input.confirm === true)
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

  recordWeight(actor: Actor, input: { patientId: string; weightKg?: number; weight?: WeightText; measuredAt?: string; correctsId?: string; confirm?: boolean }) {
    const { store, audit, events } = this.core
    const { patientId, measuredAt, correctsId } = input
    return store.tx(() => {
      const p = this.row(patientId)
      if (correctsId) {
        const prior = store.db.select().from(patientWeights).where(eq(patientWeights.id, correctsId)).get()
        if (!prior || prior.patientId !== patientId) throw notFound('The weight being corrected')
      }
      // Against the species, and against the last weight that stands (not the one being corrected).
      const { issues, kg } = fieldIssues({ species: p.species, weight: input.weight, weightKg: input.weightKg }, { today: this.today(), last: this.lastWeight(patientId, correctsId ?? null), name: p.name })
      refuseOrAsk(issues, input.confirm === true)
      if (kg === null) throw new ApiError('invalid-input', 'Type the weight', [{ path: 'weight', message: 'Type the weight' }])
      const weightKg = Math.round(kg * 1000) / 1000
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

  /**
   * The same checks on input the contract's schema refused (an empty name beside a birth date in
   * the future), for the dispatcher: the form then hears of both at once. Never writes.
   */
  issuesFor(method: string, raw: unknown): { path: string; message: string }[] {
    if (!raw || typeof raw !== 'object') return []
    const input = raw as Record<string, unknown>
    const today = this.today()
    let found: ReturnType<typeof fieldIssues>['issues'] = []
    if (method === 'patients.create') found = fieldIssues(input, { today }).issues
    else if (method === 'patients.update') found = fieldIssues(input, { today }).issues.filter((i) => i.severity === 'refuse')
    else if (method === 'patients.recordWeight' && typeof input.patientId === 'string') {
      const p = this.core.store.db.select().from(patients).where(eq(patients.id, input.patientId)).get()
      if (p) found = fieldIssues({ ...input, species: p.species }, { today, last: this.lastWeight(p.id, null), name: p.name }).issues
    }
    return found.map(({ path, message }) => ({ path, message }))
  }

  /** The clinic's date today, in its own time zone (a puppy born this morning in Tokyo is not in the future). */
  today(): string {
    const { store } = this.core
    const tz = store.db.select({ tz: clinics.timezone }).from(clinics).where(eq(clinics.id, store.clinicId)).get()?.tz ?? 'UTC'
    try {
      return localDay(Date.parse(store.nowIso()), tz)
    } catch {
      return store.nowIso().slice(0, 10)
    }
  }

  /** The latest weight that stands (not corrected), leaving out one being corrected now. */
  lastWeight(patientId: string, except: string | null): { kg: number; at: string } | null {
    const { store } = this.core
    const corrected = new Set(store.statement('SELECT corrects_id FROM patient_weights WHERE patient_id = ? AND corrects_id IS NOT NULL').pluck().all(patientId) as string[])
    if (except) corrected.add(except)
    const rows = store.statement('SELECT id, weight_grams AS grams, measured_at AS at FROM patient_weights WHERE patient_id = ? ORDER BY measured_at DESC LIMIT ?').all(patientId, corrected.size + 1) as { id: string; grams: number; at: string }[]
    const last = rows.find((r) => !corrected.has(r.id))
    return last ? { kg: last.grams / 1000, at: last.at } : null
  }

  private insertWeight(actor: Actor, patientId: string, weightKg: number, measuredAt: string, correctsId: string | null) {
    return this.core.store.insert(patientWeights, { patientId, weightGrams: Math.round(weightKg * 1000), measuredAt, recordedBy: actor.name, correctsId })
  }

  /** Validates and normalizes the editable fields; a microchip already on another patient is refused. */
  private fields(input: PatientInput, selfId: string | null) {
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
