import { eq } from 'drizzle-orm'
import { imagingInstances, imagingStudies, imagingStudyLinks, patients } from '../db/schema'
import type { Calibration, ImagingReviewItem, ImagingStudy } from '../../src-preload/contract'
import { ApiError, conflict, notFound } from '../api/errors'
import type { Actor } from '../domain/actor'
import type { Core } from '../domain/core'
import type { NotificationsService } from '../domain/notifications'
import { identityReasons, scoreCandidate, type IdentityCodes, type OpenWorkWords, type PatientIdentifiers } from '../matching/rule'
import { patientFacts, shortlistPatients } from '../matching/candidates'
import type { InstanceHeader } from './dicom-file'
import type { ImagingRequests, RequestRow } from './requests'
import type { IntegrationRegistry } from '../integrations/registry'

export type StudyRow = typeof imagingStudies.$inferSelect
export type InstanceRow = typeof imagingInstances.$inferSelect

/** DICOM's sex codes, with Patient's Sex Neutered folded in by identifiersOf. */
const REQUEST_WORDS: OpenWorkWords = { matches: (n) => `accession ${n} is this patient’s request`, open: (n) => `has a scheduled request (${n})` }

const DICOM_CODES: IdentityCodes = { sexCodes: { 'male/neutered': 'MN', 'female/neutered': 'FS', 'male/intact': 'MI', 'female/intact': 'FI' }, speciesCodes: {} }

/**
 * A modality's sex and species codes: its own profile's (config.lab, built from a capture) over
 * DICOM's. The profile wins both ways: for our value it maps, and for a code it uses (a DICOM entry
 * read back to another value is dropped, since codes are read back by the first entry that has them).
 */
export function imagingCodes(profile?: Partial<IdentityCodes> | null): IdentityCodes {
  const merge = (base: Record<string, string>, own: Record<string, string> = {}) => {
    const used = new Set(Object.values(own).map((v) => v.toUpperCase()))
    return { ...own, ...Object.fromEntries(Object.entries(base).filter(([k, v]) => !(k in own) && !used.has(v.toUpperCase()))) }
  }
  return { sexCodes: merge(DICOM_CODES.sexCodes, profile?.sexCodes), speciesCodes: merge(DICOM_CODES.speciesCodes, profile?.speciesCodes) }
}

export interface Arrival {
  header: InstanceHeader
  file: string
  sha256: string
  bytes: number
  sourceAet: string | null
  integrationId: string | null
  associationId: string | null
}

export type IndexOutcome = { kind: 'stored'; instance: InstanceRow; study: StudyRow; newStudy: boolean } | { kind: 'duplicate'; instance: InstanceRow } | { kind: 'conflict'; instance: InstanceRow }

/**
 * Studies in: each instance is indexed as received; a new study is attached only if the matching
 * rule holds (our accession number or pre-assigned Study Instance UID for an open request, and
 * every patient identifier agrees), otherwise it waits in the imaging review queue.
 */
export class StudiesService {
  constructor(
    private readonly core: Core,
    private readonly requests: ImagingRequests,
    private readonly notifications: NotificationsService,
    private readonly registry: IntegrationRegistry
  ) {}

  /** The codes of the modality a study came from, read per study: a profile saved applies to the next one. */
  private codes(integrationId: string | null): IdentityCodes {
    if (!integrationId) return imagingCodes()
    try {
      return imagingCodes(this.registry.config(integrationId).lab)
    } catch (e) {
      // A modality since deleted: its studies are read with DICOM's codes.
      if (e instanceof ApiError) return imagingCodes()
      throw e
    }
  }

  /** One transaction: the instance row, its study (new or known), and for a new study, where it goes. */
  index(a: Arrival): IndexOutcome {
    const { store } = this.core
    return store.tx(() => {
      const existing = this.instanceBySop(a.header.sopInstanceUid)
      if (existing) return { kind: existing.sha256 === a.sha256 ? 'duplicate' : 'conflict', instance: existing }
      let study = store.db.select().from(imagingStudies).where(eq(imagingStudies.studyInstanceUid, a.header.studyInstanceUid)).get()
      const newStudy = !study
      if (!study) {
        const h = a.header
        study = store.insert(imagingStudies, { studyInstanceUid: h.studyInstanceUid, accessionNumber: h.accessionNumber, identifiers: JSON.stringify(h.identifiers), patientName: h.patientName, dicomPatientId: h.patientId, studyDate: h.studyDate, description: h.studyDescription, sourceAet: a.sourceAet, integrationId: a.integrationId })
      }
      const h = a.header
      const instance = store.insert(imagingInstances, {
        studyId: study.id,
        seriesInstanceUid: h.seriesInstanceUid,
        seriesNumber: h.seriesNumber,
        seriesDescription: h.seriesDescription,
        modality: h.modality,
        sopClassUid: h.sopClassUid,
        sopInstanceUid: h.sopInstanceUid,
        instanceNumber: h.instanceNumber,
        transferSyntaxUid: h.transferSyntaxUid,
        file: a.file,
        sha256: a.sha256,
        bytes: a.bytes,
        rows: h.rows,
        columns: h.columns,
        frames: h.frames,
        pixelSpacing: h.pixelSpacing,
        imagerPixelSpacing: h.imagerPixelSpacing,
        ultrasoundRegions: h.ultrasoundRegions,
        associationId: a.associationId
      })
      if (newStudy) this.route(study)
      else {
        const link = this.currentLink(study.id)
        if (link?.action === 'attach' && link.patient_id) this.core.events.emit('changed', { entity: 'imaging', id: study.id, patientId: link.patient_id })
      }
      return { kind: 'stored', instance, study, newStudy }
    })
  }

  /** A new study: attached by the rule, or to review with a notification. */
  private route(study: StudyRow): void {
    const verdict = this.verdict(study)
    if (verdict.reasons.length === 0 && verdict.request) {
      this.link(study, { action: 'attach', patientId: verdict.request.patientId, visitId: verdict.request.visitId, requestId: verdict.request.id, automatic: true, reason: 'Accession number and every patient identifier agree' }, null)
      return
    }
    const ids = JSON.parse(study.identifiers) as PatientIdentifiers
    this.core.audit.append({ action: 'imaging.study.review', direction: 'inbound', integrationId: study.integrationId, entityType: 'imaging_study', entityId: study.id, summary: `Study "${study.description ?? study.studyInstanceUid}" from ${study.sourceAet ?? 'a modality'} needs review: ${verdict.reasons.join('; ')}` })
    this.notifications.notify({ recipientId: null, kind: 'imaging.review', severity: 'warning', title: `Needs review: ${ids.petName ?? 'unknown patient'} (${ids.ownerLastName ?? 'no owner'}) — ${study.description ?? 'imaging study'}`, body: verdict.reasons[0], link: `/imaging-review?study=${study.id}`, dedupeKey: `imaging:review:${study.id}` })
    this.core.events.emit('changed', { entity: 'imaging', id: study.id })
  }

  /** Decides, without side effects, whether the study may attach by itself. */
  verdict(study: StudyRow): { request: RequestRow | null; reasons: string[] } {
    return this.verdictFor({ ...study, identifiers: JSON.parse(study.identifiers) as PatientIdentifiers }, this.codes(study.integrationId))
  }

  /** The rule for what a study carries, read with these codes (the capture preview passes a draft profile's). */
  verdictFor(study: { identifiers: PatientIdentifiers; accessionNumber: string | null; studyInstanceUid: string }, codes: IdentityCodes): { request: RequestRow | null; reasons: string[] } {
    const ids = study.identifiers
    const byAccession = study.accessionNumber ? this.requests.byAccession(study.accessionNumber) : undefined
    const byUid = this.requests.byStudyUid(study.studyInstanceUid)
    if (byAccession && byUid && byAccession.id !== byUid.id) return { request: null, reasons: [`accession ${study.accessionNumber} and the Study Instance UID name different requests`] }
    if (study.accessionNumber && !byAccession && byUid) return { request: null, reasons: [`the Study Instance UID is request ${byUid.accessionNumber}'s, but the accession number is ${study.accessionNumber}`] }
    const request = byAccession ?? byUid ?? null
    if (!request) return { request: null, reasons: [study.accessionNumber ? `accession number ${study.accessionNumber} is not one of ours` : 'the study carries no accession number of ours'] }
    if (request.status === 'cancelled') return { request, reasons: [`request ${request.accessionNumber} was cancelled`] }
    const facts = patientFacts(this.core.store, request.patientId)
    return { request, reasons: facts ? identityReasons(ids, facts, codes) : ['the requested patient no longer exists'] }
  }


  /** The one place that writes study links, completes the request and tells people. actor null: the rule did it. */
  private link(study: StudyRow, l: { action: 'attach' | 'detach' | 'reject'; patientId: string | null; visitId: string | null; requestId: string | null; automatic: boolean; reason: string }, actor: Actor | null): void {
    const { store, audit, events } = this.core
    store.insert(imagingStudyLinks, { studyId: study.id, action: l.action, patientId: l.patientId, visitId: l.visitId, requestId: l.requestId, automatic: l.automatic, reason: l.reason, actorId: actor?.id ?? null, actorName: actor?.name ?? null })
    const what = study.description ?? 'Study'
    if (l.action === 'attach' && l.patientId) {
      if (l.requestId) this.requests.complete(l.requestId)
      const patient = store.byId(patients, l.patientId)!
      const request = l.requestId ? this.requests.row(l.requestId) : null
      this.notifications.notify({ recipientId: request?.requestedBy ?? null, kind: 'imaging.study', severity: 'info', title: `Images for ${patient.name}: ${what}`, body: `${this.instanceCount(study.id)} image(s) from ${study.sourceAet ?? 'a modality'}`, patientId: patient.id, link: `/patients/${patient.id}?tab=imaging&study=${study.id}` })
      audit.append({ action: l.automatic ? 'imaging.study.attached' : 'imaging.study.attached_manually', direction: l.automatic ? 'inbound' : 'internal', actor, patientId: patient.id, integrationId: study.integrationId, entityType: 'imaging_study', entityId: study.id, summary: `${what} attached to ${patient.name}${request ? ` (accession ${request.accessionNumber})` : ''}: ${l.reason}` })
    } else {
      audit.append({ action: l.action === 'detach' ? 'imaging.study.detached' : 'imaging.study.rejected', direction: 'internal', actor, patientId: l.patientId, integrationId: study.integrationId, entityType: 'imaging_study', entityId: study.id, summary: `${what} ${l.action === 'detach' ? 'detached and returned to review' : 'rejected'}: ${l.reason}` })
    }
    events.emit('changed', { entity: 'imaging', id: study.id, patientId: l.patientId })
  }

  currentLink(studyId: string) {
    return this.core.store.sqlite.prepare('SELECT * FROM imaging_study_links WHERE study_id = ? ORDER BY rowid DESC LIMIT 1').get(studyId) as { action: string; patient_id: string | null; visit_id: string | null; request_id: string | null; automatic: number; actor_name: string | null } | undefined
  }

  study(id: string): StudyRow {
    const s = this.core.store.byId(imagingStudies, id)
    if (!s) throw notFound('Imaging study')
    return s
  }

  instanceBySop(sopInstanceUid: string): InstanceRow | undefined {
    return this.core.store.db.select().from(imagingInstances).where(eq(imagingInstances.sopInstanceUid, sopInstanceUid)).get()
  }

  instance(id: string): InstanceRow | undefined {
    return this.core.store.byId(imagingInstances, id)
  }

  private instanceCount(studyId: string): number {
    return this.core.store.sqlite.prepare('SELECT count(*) FROM imaging_instances WHERE study_id = ?').pluck().get(studyId) as number
  }

  attach(actor: Actor, studyId: string, patientId: string, requestId: string | null, reason: string): void {
    const study = this.pending(studyId)
    const patient = this.core.store.byId(patients, patientId)
    if (!patient || patient.deletedAt) throw notFound('Patient')
    let visitId: string | null = null
    if (requestId) {
      const request = this.requests.row(requestId)
      if (request.patientId !== patientId) throw new ApiError('invalid-input', `Request ${request.accessionNumber} belongs to another patient`, [{ path: 'requestId', message: 'belongs to another patient' }])
      if (request.status === 'cancelled') throw conflict(`Request ${request.accessionNumber} was cancelled`)
      visitId = request.visitId
    }
    this.core.store.tx(() => this.link(study, { action: 'attach', patientId, visitId, requestId, automatic: false, reason }, actor))
  }

  reject(actor: Actor, studyId: string, reason: string): void {
    const study = this.pending(studyId)
    this.core.store.tx(() => this.link(study, { action: 'reject', patientId: null, visitId: null, requestId: null, automatic: false, reason }, actor))
  }

  /** Undo: a wrong attachment goes back to review; the images leave the patient's record. */
  detach(actor: Actor, studyId: string, reason: string): void {
    const study = this.study(studyId)
    const link = this.currentLink(studyId)
    if (link?.action !== 'attach') throw conflict('This study is not attached to a patient')
    this.core.store.tx(() => this.link(study, { action: 'detach', patientId: link.patient_id, visitId: link.visit_id, requestId: link.request_id, automatic: false, reason }, actor))
  }

  private pending(studyId: string): StudyRow {
    const study = this.study(studyId)
    const link = this.currentLink(studyId)
    if (link && link.action !== 'detach') throw conflict(`This study was already ${link.action === 'attach' ? 'attached' : 'rejected'}`)
    return study
  }

  /** Studies attached to a patient, newest first, each with its images in series order. */
  forPatient(patientId: string): ImagingStudy[] {
    const rows = this.core.store.sqlite
      .prepare(
        `SELECT s.*, l.visit_id AS link_visit, l.request_id AS link_request, l.automatic AS link_auto, l.actor_name AS link_actor
         FROM imaging_study_links l JOIN imaging_studies s ON s.id = l.study_id
         WHERE l.patient_id = ? AND l.action = 'attach' AND l.rowid = (SELECT max(rowid) FROM imaging_study_links WHERE study_id = l.study_id)
         ORDER BY coalesce(s.study_date, s.created_at) DESC, s.rowid DESC`
      )
      .all(patientId) as Record<string, unknown>[]
    return rows.map((r) => {
      const instances = this.instancesOf(r.id as string)
      return {
        id: r.id as string,
        studyInstanceUid: r.study_instance_uid as string,
        accessionNumber: (r.accession_number as string | null) ?? null,
        studyDate: (r.study_date as string | null) ?? null,
        description: (r.description as string | null) ?? null,
        modalities: [...new Set(instances.map((i) => i.modality).filter((m): m is string => !!m))],
        patientId,
        visitId: (r.link_visit as string | null) ?? null,
        requestId: (r.link_request as string | null) ?? null,
        receivedAt: r.created_at as string,
        sourceAet: (r.source_aet as string | null) ?? null,
        attachedAutomatically: r.link_auto === 1,
        attachedBy: (r.link_actor as string | null) ?? null,
        instances
      }
    })
  }

  private instancesOf(studyId: string): ImagingStudy['instances'] {
    const rows = this.core.store.db.select().from(imagingInstances).where(eq(imagingInstances.studyId, studyId)).all()
    rows.sort((a, b) => (a.seriesNumber ?? 0) - (b.seriesNumber ?? 0) || a.seriesInstanceUid.localeCompare(b.seriesInstanceUid) || (a.instanceNumber ?? 0) - (b.instanceNumber ?? 0))
    return rows.map((i) => ({
      id: i.id,
      sopInstanceUid: i.sopInstanceUid,
      sopClassUid: i.sopClassUid,
      seriesInstanceUid: i.seriesInstanceUid,
      seriesNumber: i.seriesNumber,
      seriesDescription: i.seriesDescription,
      instanceNumber: i.instanceNumber,
      modality: i.modality,
      rows: i.rows,
      columns: i.columns,
      frames: i.frames,
      transferSyntaxUid: i.transferSyntaxUid,
      bytes: i.bytes,
      calibration: calibrationOf(i),
      path: `/media/dicom/${i.id}`
    }))
  }

  reviewQueue(limit = 50): ImagingReviewItem[] {
    const ids = this.core.store.statement('SELECT study_id FROM imaging_review_pending ORDER BY study_seq LIMIT ?').pluck().all(limit) as string[]
    return ids.map((id) => this.reviewItem(this.study(id)))
  }

  /** How many studies wait for a person (the sidebar's badge on every screen). */
  reviewCount(): number {
    return this.core.store.statement('SELECT count(*) FROM imaging_review_pending').pluck().get() as number
  }

  private reviewItem(study: StudyRow): ImagingReviewItem {
    const ids = JSON.parse(study.identifiers) as PatientIdentifiers
    const verdict = this.verdict(study)
    const wasDetached = this.currentLink(study.id)?.action === 'detach'
    const codes = this.codes(study.integrationId)
    const shortlist = shortlistPatients(this.core.store.sqlite, ids, verdict.request ? [verdict.request.patientId] : [], codes)
    const candidates = shortlist
      .map((s) => {
        const own = this.openRequestsOf(s.facts.id).sort((a, b) => (a.accessionNumber === study.accessionNumber ? -1 : b.accessionNumber === study.accessionNumber ? 1 : b.createdAt.localeCompare(a.createdAt)))[0]
        const scored = scoreCandidate(ids, s.facts, own ? { id: own.id, orderNumber: own.accessionNumber, matchesNumber: own.accessionNumber === study.accessionNumber } : null, REQUEST_WORDS, codes)
        return { patientId: s.facts.id, patientName: s.facts.name, ownerName: s.ownerName, species: s.facts.species, dateOfBirth: s.facts.dateOfBirth, score: scored.score, reasons: scored.reasons, requestId: own?.id ?? null, accessionNumber: own?.accessionNumber ?? null }
      })
      .filter((c) => c.score > 0)
      .sort((a, b) => b.score - a.score)
      .slice(0, 5)
    return {
      studyId: study.id,
      description: study.description,
      receivedAt: study.createdAt,
      sourceAet: study.sourceAet,
      accessionNumber: study.accessionNumber,
      instanceCount: this.instanceCount(study.id),
      instances: this.instancesOf(study.id),
      identifiers: ids,
      reasons: wasDetached ? ['it was detached from the patient it was attached to'] : verdict.reasons.length ? verdict.reasons : ['no open request matches'],
      candidates
    }
  }

  private openRequestsOf(patientId: string): RequestRow[] {
    return this.core.store.sqlite.prepare("SELECT id, accession_number AS accessionNumber, created_at AS createdAt, status FROM imaging_requests WHERE patient_id = ? AND status = 'scheduled'").all(patientId) as RequestRow[]
  }
}

/** How lengths on this image are scaled, said plainly (the viewer shows the note). */
export function calibrationOf(i: Pick<InstanceRow, 'pixelSpacing' | 'imagerPixelSpacing' | 'ultrasoundRegions'>): Calibration {
  const pair = (v: string | null) => {
    const [r, c] = (v ?? '').split('\\').map(Number)
    return Number.isFinite(r) && r > 0 ? { row: r, col: Number.isFinite(c) && c > 0 ? c : r } : null
  }
  const ps = pair(i.pixelSpacing)
  if (ps) return { kind: 'pixel_spacing', rowSpacingMm: ps.row, columnSpacingMm: ps.col, note: 'Calibrated pixel spacing from the image: lengths in mm at the patient.' }
  const ips = pair(i.imagerPixelSpacing)
  if (ips) return { kind: 'imager_pixel_spacing', rowSpacingMm: ips.row, columnSpacingMm: ips.col, note: 'Detector pixel spacing only: lengths are measured at the detector, not corrected for magnification (often 10–20% larger than the anatomy). Use a calibration marker for surgical planning.' }
  if (i.ultrasoundRegions) return { kind: 'ultrasound_region', rowSpacingMm: null, columnSpacingMm: null, note: 'Ultrasound regions: lengths use the calibration the scanner recorded for each region.' }
  return { kind: 'none', rowSpacingMm: null, columnSpacingMm: null, note: 'No calibration in this image: lengths are in pixels.' }
}
