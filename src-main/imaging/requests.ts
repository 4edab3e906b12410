import { desc, eq } from 'drizzle-orm'
import { imagingRequests, patients, staff } from '../db/schema'
import type { ImagingRequest } from '../../src-preload/contract'
import { conflict, notFound } from '../api/errors'
import { newId } from '../core/ids'
import type { Actor } from '../domain/actor'
import type { ChargeCapture } from '../billing/charges'
import type { Core } from '../domain/core'
import type { WorklistNarrowing } from './worklist'

export type RequestRow = typeof imagingRequests.$inferSelect

/** A DICOM UID from a UUID (PS3.5 B.2): "2.25." and the UUID as one decimal number. */
export function uuidUid(uuid = newId()): string {
  return `2.25.${BigInt(`0x${uuid.replace(/-/g, '')}`).toString()}`
}

/** Our accession number: I + this workstation + a sequence; at most 16 characters (DICOM SH). */
function accessionNumber(deviceId: string, seq: number): string {
  return `I${deviceId.replace(/-/g, '').slice(-4).toUpperCase()}${String(seq).padStart(6, '0')}`
}

/**
 * Imaging requests: what the vet asks for ("Thorax, 2 views, DX"). While scheduled, a request is
 * a Modality Worklist item; the study that answers it names it by accession number and by the
 * Study Instance UID assigned here.
 */
export class ImagingRequests {
  constructor(
    private readonly core: Core,
    /** billing's charge capture: a request on a visit becomes a line on its invoice, priced by its modality code */
    private readonly charges: ChargeCapture | null = null
  ) {}

  create(actor: Actor, input: { patientId: string; visitId?: string | null; modality: string; description: string; scheduledAt?: string; scheduledStationAet?: string | null }): ImagingRequest {
    const { store, audit, events } = this.core
    const patient = store.byId(patients, input.patientId)
    if (!patient || patient.deletedAt) throw notFound('Patient')
    if (patient.deceasedAt) throw conflict(`${patient.name} is recorded as deceased`)
    const row = store.tx(() => {
      const seq = (store.sqlite.prepare('SELECT count(*) AS n FROM imaging_requests').get() as { n: number }).n + 1
      const r = store.insert(imagingRequests, {
        patientId: patient.id,
        visitId: input.visitId ?? null,
        accessionNumber: accessionNumber(store.deviceId, seq),
        studyInstanceUid: uuidUid(),
        modality: input.modality,
        description: input.description,
        scheduledAt: input.scheduledAt ? new Date(input.scheduledAt).toISOString() : store.nowIso(),
        scheduledStationAet: input.scheduledStationAet?.trim() || null,
        status: 'scheduled',
        requestedBy: actor.id,
        cancelReason: null
      })
      this.charges?.ordered(actor, { source: 'imaging_request', sourceId: r.id, patientId: patient.id, visitId: r.visitId, items: [{ code: input.modality, name: `${input.modality} ${input.description}` }] })
      audit.append({ action: 'imaging.requested', direction: 'internal', actor, patientId: patient.id, entityType: 'imaging_request', entityId: r.id, summary: `Requested ${input.modality} "${input.description}" for ${patient.name} (accession ${r.accessionNumber})` })
      events.emit('changed', { entity: 'imaging', id: r.id, patientId: patient.id })
      return r
    })
    return this.view(row.id)
  }

  cancel(actor: Actor, requestId: string, reason: string): ImagingRequest {
    const { store, audit, events } = this.core
    const r = this.row(requestId)
    if (r.status !== 'scheduled') throw conflict(`This request is ${r.status}`)
    store.tx(() => {
      store.update(imagingRequests, r.id, { status: 'cancelled', cancelReason: reason })
      this.charges?.cancelled(actor, r.id, reason)
      audit.append({ action: 'imaging.request.cancelled', direction: 'internal', actor, patientId: r.patientId, entityType: 'imaging_request', entityId: r.id, summary: `Cancelled ${r.modality} "${r.description}" (accession ${r.accessionNumber}): ${reason}` })
      events.emit('changed', { entity: 'imaging', id: r.id, patientId: r.patientId })
    })
    return this.view(r.id)
  }

  complete(requestId: string): void {
    const r = this.row(requestId)
    if (r.status === 'scheduled') this.core.store.update(imagingRequests, r.id, { status: 'completed' })
  }

  row(id: string): RequestRow {
    const r = this.core.store.byId(imagingRequests, id)
    if (!r || r.deletedAt) throw notFound('Imaging request')
    return r
  }

  byAccession(accession: string): RequestRow | undefined {
    return this.core.store.db.select().from(imagingRequests).where(eq(imagingRequests.accessionNumber, accession)).get()
  }

  byStudyUid(uid: string): RequestRow | undefined {
    return this.core.store.db.select().from(imagingRequests).where(eq(imagingRequests.studyInstanceUid, uid)).get()
  }

  forPatient(patientId: string): ImagingRequest[] {
    const rows = this.core.store.db.select().from(imagingRequests).where(eq(imagingRequests.patientId, patientId)).orderBy(desc(imagingRequests.createdAt)).all()
    return rows.filter((r) => !r.deletedAt).map((r) => this.toView(r))
  }

  view(id: string): ImagingRequest {
    return this.toView(this.row(id))
  }

  private toView(r: RequestRow): ImagingRequest {
    const { sqlite } = this.core.store
    const by = this.core.store.byId(staff, r.requestedBy)
    const studyId = sqlite
      .prepare("SELECT s.id FROM imaging_studies s JOIN imaging_study_links l ON l.study_id = s.id WHERE l.patient_id = ? AND l.request_id = ? AND l.rowid = (SELECT max(rowid) FROM imaging_study_links WHERE study_id = s.id) AND l.action = 'attach' LIMIT 1")
      .pluck()
      .get(r.patientId, r.id) as string | undefined
    return {
      id: r.id,
      patientId: r.patientId,
      visitId: r.visitId,
      accessionNumber: r.accessionNumber,
      studyInstanceUid: r.studyInstanceUid,
      modality: r.modality as ImagingRequest['modality'],
      description: r.description,
      scheduledAt: r.scheduledAt,
      scheduledStationAet: r.scheduledStationAet,
      status: r.status,
      requestedByName: by?.displayName ?? null,
      createdAt: r.createdAt,
      studyId: studyId ?? null
    }
  }

  /** Scheduled items with what the worklist tells the modality about the animal and its owner (one prepared query: it runs for every C-FIND). */
  scheduled(narrow: WorklistNarrowing = {}): ScheduledItem[] {
    // Narrowing on indexed columns is only a shortcut: the DICOM matching still runs on every row returned.
    const where: string[] = []
    const args: string[] = []
    if (narrow.accessionNumber) where.push('r.accession_number = ?'), args.push(narrow.accessionNumber)
    if (narrow.patientId) where.push('r.patient_id = ?'), args.push(narrow.patientId)
    if (narrow.studyInstanceUids?.length) where.push(`r.study_instance_uid IN (${narrow.studyInstanceUids.map(() => '?').join(',')})`), args.push(...narrow.studyInstanceUids)
    if (narrow.from) where.push('r.scheduled_at >= ?'), args.push(narrow.from)
    if (narrow.before) where.push('r.scheduled_at < ?'), args.push(narrow.before)
    return this.core.store.sqlite
      .prepare(
        `SELECT r.accession_number AS accessionNumber, r.study_instance_uid AS studyInstanceUid, r.modality, r.description, r.scheduled_at AS scheduledAt, r.scheduled_station_aet AS stationAet,
                p.id AS patientId, p.name AS petName, p.date_of_birth AS dateOfBirth, p.sex, p.neuter_status AS neuterStatus, p.species, p.breed,
                c.last_name AS ownerLastName, c.first_name AS ownerFirstName, s.display_name AS vetName
         FROM imaging_requests r JOIN patients p ON p.id = r.patient_id JOIN clients c ON c.id = p.client_id LEFT JOIN staff s ON s.id = r.requested_by
         WHERE r.status = 'scheduled' AND r.deleted_at IS NULL${where.map((w) => ` AND ${w}`).join('')}`
      )
      .all(...args) as ScheduledItem[]
  }
}

export interface ScheduledItem {
  accessionNumber: string
  studyInstanceUid: string
  modality: string
  description: string
  scheduledAt: string
  stationAet: string | null
  patientId: string
  petName: string
  dateOfBirth: string | null
  sex: string
  neuterStatus: string
  species: string
  breed: string | null
  ownerLastName: string
  ownerFirstName: string
  vetName: string | null
}
