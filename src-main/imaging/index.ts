import { createHash } from 'node:crypto'
import type { ChargeCapture } from '../billing/charges'
import { existsSync } from 'node:fs'
import { documents, patients } from '../db/schema'
import type { DocumentInfo } from '../../src-preload/contract'
import { ApiError, notFound } from '../api/errors'
import type { Actor } from '../domain/actor'
import type { Core } from '../domain/core'
import type { NotificationsService } from '../domain/notifications'
import type { ConsentGate } from '../consent/gate'
import type { IntegrationRegistry } from '../integrations/registry'
import { InboundArchive } from '../integrations/inbound'
import type { CaptureLog } from '../integrations/capture'
import type { MediaRoutes } from '../media/routes'
import { ImageStorage } from './storage'
import { ImagingRequests } from './requests'
import { StudiesService } from './studies'
import { AnnotationsService } from './annotations'
import { DicomNode } from './node'
import { dissectDicom } from './dissect'
import { dicomPreviewer } from './capture-preview'
import { joinedServer } from '../sync/audit'
import { BlobFetcher } from '../sync/blobs'

export interface ImagingConfig {
  /** the DICOM node; none when absent (unit tests) */
  dicom?: { host: string; port: number; aeTitle: string; acceptLoopback?: boolean }
}

export type Imaging = ReturnType<typeof createImaging>

const MAGIC: Record<string, (b: Buffer) => boolean> = {
  'image/jpeg': (b) => b[0] === 0xff && b[1] === 0xd8,
  'image/png': (b) => b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])),
  'application/pdf': (b) => b.subarray(0, 5).toString('latin1') === '%PDF-'
}

/** Wires imaging: the DICOM node → storage → index → match → review (or, in capture mode, the capture log); requests → worklist; the viewer's media. */
export function createImaging(core: Core, dataDir: string, registry: IntegrationRegistry, gate: ConsentGate, notifications: NotificationsService, captures: CaptureLog, media: MediaRoutes, demo: boolean, config: ImagingConfig, charges: ChargeCapture | null = null) {
  const storage = new ImageStorage(dataDir)
  const requests = new ImagingRequests(core, charges)
  const studies = new StudiesService(core, requests, notifications, registry)
  const annotations = new AnnotationsService(core, studies)
  // Capture mode: what a modality in it sent is read back attribute by attribute.
  captures.addDissector('dicom', dissectDicom)
  captures.addPreviewer('dicom', dicomPreviewer(core, studies))
  const node = config.dicom ? new DicomNode(core, storage, studies, requests, registry, gate, new InboundArchive(core), captures, { ...config.dicom, acceptLoopback: config.dicom.acceptLoopback ?? demo }) : null

  // On a workstation joined to a clinic server, a study that arrived by sync has its rows but not its files.
  const server = joinedServer(core.store.sqlite, fetch)
  const remote = server ? new BlobFetcher(server, storage) : null

  media.register('dicom', async (id) => {
    const i = studies.instance(id)
    if (!i) return null
    const file = storage.absolute(i.file)
    // A study that came by sync: its file is fetched from the clinic server on first view (a failure answers missing).
    if (remote && !existsSync(file)) await remote.fetch(i.sha256, i.file).catch(() => undefined)
    return { mime: 'application/dicom', body: { file }, filename: `${i.sopInstanceUid}.dcm` }
  })

  /** A photo from a dental camera or a PDF, filed to the patient (and visit). */
  const importDocument = (actor: Actor, input: { patientId: string; visitId?: string | null; title: string; mime: keyof typeof MAGIC; base64: string }): DocumentInfo => {
    const { store, audit, events } = core
    const patient = store.byId(patients, input.patientId)
    if (!patient || patient.deletedAt) throw notFound('Patient')
    const content = Buffer.from(input.base64, 'base64')
    if (!MAGIC[input.mime](content)) throw new ApiError('invalid-input', `The file is not a ${input.mime.split('/')[1].toUpperCase()}`, [{ path: 'base64', message: 'does not match its type' }])
    const row = store.tx(() => {
      const d = store.insert(documents, { patientId: patient.id, visitId: input.visitId ?? null, source: `imported by ${actor.name}`, title: input.title, mime: input.mime, sha256: createHash('sha256').update(content).digest('hex'), content, bytes: content.length })
      audit.append({ action: 'document.imported', direction: 'internal', actor, patientId: patient.id, entityType: 'document', entityId: d.id, summary: `Imported "${input.title}" (${input.mime}, ${Math.max(1, Math.round(content.length / 1024))} KB) into ${patient.name}'s record` })
      events.emit('changed', { entity: 'patient', id: patient.id, patientId: patient.id })
      return d
    })
    return { id: row.id, title: row.title, mime: row.mime, bytes: content.length, source: row.source, createdAt: row.createdAt, reportId: null, visitId: row.visitId }
  }

  return {
    storage,
    /** the clinic server's files (null when not joined); documents use it too */
    remote,
    requests,
    studies,
    annotations,
    node,
    importDocument,
    async start() {
      if (node) await node.start()
    },
    async stop() {
      await node?.stop()
    }
  }
}
