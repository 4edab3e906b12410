import { createServer, type Server, type Socket } from 'node:net'
import { closeSync, openSync, readFileSync, readSync, rmSync, statSync, writev as fsWritev, writeSync } from 'node:fs'
import { createHash, type Hash } from 'node:crypto'
import { Writable } from 'node:stream'
import dimse from 'dcmjs-dimse'
import { desc } from 'drizzle-orm'
import { dicomAssociations } from '../db/schema'
import type { DicomAssociation, DicomNode as DicomNodeInfo, Integration } from '../../src-preload/contract'
import { listen } from '../core/net'
import { newId } from '../core/ids'
import type { Core } from '../domain/core'
import { ConsentRefused, type ConsentGate, type Permit } from '../consent/gate'
import { SYSTEM_ACTOR } from '../domain/actor'
import type { DataCategory } from '../../src-preload/contract'
import type { IntegrationRegistry } from '../integrations/registry'
import type { InboundArchive } from '../integrations/inbound'
import type { CaptureLog } from '../integrations/capture'
import { DicomFileError, fileMeta, parseProblem, readHeader, type InstanceHeader } from './dicom-file'
import type { ImageStorage } from './storage'
import type { StudiesService } from './studies'
import { uuidUid, type ImagingRequests } from './requests'
import { findWorklist, narrowing, type WorklistItem, type WorklistNarrowing } from './worklist'
import { PduGuard, type Refusal } from './pdu-guard'

const { Scp, Dataset, Implementation, constants, responses } = dimse
const { Status, PresentationContextResult, RejectResult, RejectSource, RejectReason, AbortSource, SopClass, StorageClass, TransferSyntax } = constants
dimse.log.setLevel('silent')

type Association = dimse.association.Association
type PresentationContext = dimse.association.PresentationContext
type CStoreRequest = dimse.requests.CStoreRequest
type CFindRequest = dimse.requests.CFindRequest

/** The storage classes of DR/CR X-ray, ultrasound, intra-oral dental, secondary capture and clinic photos. */
export const STORAGE_CLASSES = new Set([
  StorageClass.ComputedRadiographyImageStorage,
  StorageClass.DigitalXRayImageStorageForPresentation,
  StorageClass.DigitalXRayImageStorageForProcessing,
  StorageClass.DigitalIntraOralXRayImageStorageForPresentation,
  StorageClass.DigitalIntraOralXRayImageStorageForProcessing,
  StorageClass.UltrasoundImageStorage,
  StorageClass.UltrasoundMultiframeImageStorage,
  StorageClass.SecondaryCaptureImageStorage,
  StorageClass.MultiframeGrayscaleByteSecondaryCaptureImageStorage,
  StorageClass.MultiframeGrayscaleWordSecondaryCaptureImageStorage,
  StorageClass.MultiframeTrueColorSecondaryCaptureImageStorage,
  StorageClass.VlPhotographicImageStorage
])

/** The transfer syntaxes stored as they come: uncompressed little endian, JPEG, JPEG-LS, JPEG 2000, RLE. */
export const ACCEPTED_SYNTAXES = new Set([
  TransferSyntax.ExplicitVRLittleEndian,
  TransferSyntax.ImplicitVRLittleEndian,
  TransferSyntax.JpegLsLossless,
  TransferSyntax.JpegLossless,
  '1.2.840.10008.1.2.4.57',
  TransferSyntax.RleLossless,
  TransferSyntax.Jpeg2000Lossless,
  TransferSyntax.JpegBaseline,
  TransferSyntax.JpegLsLossy,
  TransferSyntax.Jpeg2000Lossy
])

// C-STORE statuses the library's enum lacks (PS3.4 B.2.3).
const STORE_OUT_OF_RESOURCES = 0xa700
const STORE_CANNOT_UNDERSTAND = 0xc000
const FIND_UNABLE_TO_PROCESS = 0xc001

export interface DicomNodeOptions {
  host: string
  port: number
  aeTitle: string
  /** the demo clinic: any calling AE title from this machine */
  acceptLoopback: boolean
}

const LOOPBACK = new Set(['127.0.0.1', '::1'])
const LISTENER = 'The DICOM node'

/**
 * The most VetOS takes in one P-DATA-TF (the library's 256 KB), announced in every A-ASSOCIATE-AC.
 * A requestor announcing less than MIN_PDU is refused: the library splits what it sends into
 * fragments of its maximum less 6 bytes, and at 6 or less it never finishes.
 */
const MAX_PDU = Implementation.getMaxPduLength()
const MIN_PDU = 1024

/** Refused associations get their own row in dicom_associations up to this many per address and minute; the rest add to a count. */
const REFUSED_ROWS_PER_MINUTE = 10

/** A worklist item names the patient and the requested imaging. */
const WORKLIST_CATEGORIES: DataCategory[] = ['patient_identity', 'imaging']
const plainIp = (ip: string | undefined) => (ip ?? '').replace(/^::ffff:/, '')

/** What one association did, kept in dicom_associations as it goes. */
class AssociationLog {
  readonly id = newId()
  stored = 0
  /** kept in capture mode, not filed, and their bytes */
  captured = 0
  capturedBytes = 0
  failed = 0
  queries = 0
  bytes = 0
  ended = false
  errors: string[] = []
  constructor(
    readonly callingAet: string,
    readonly calledAet: string,
    readonly peer: string,
    readonly integration: Integration | null
  ) {}
}

/**
 * The clinic's DICOM node (an SCP): C-ECHO, C-STORE for the imaging storage classes and
 * Modality Worklist C-FIND. Only configured peers may associate. Each instance is written to
 * disk, synced and indexed before success is returned; anything unreadable gets a failure status,
 * is kept aside for inspection, and the node goes on serving.
 */
export class DicomNode {
  private server: Server | null = null
  private sockets = new Set<Socket>()
  port: number | null = null
  readonly counters: Record<string, number> = { associations: 0, refused: 0, stored: 0, captured: 0, duplicates: 0, failed: 0, queries: 0 }

  constructor(
    private readonly core: Core,
    private readonly storage: ImageStorage,
    private readonly studies: StudiesService,
    private readonly requests: ImagingRequests,
    private readonly registry: IntegrationRegistry,
    private readonly gate: ConsentGate,
    private readonly archive: InboundArchive,
    private readonly captures: CaptureLog,
    readonly opts: DicomNodeOptions
  ) {}

  async start(): Promise<void> {
    const cleared = this.storage.clearIncoming()
    if (cleared) this.core.audit.append({ action: 'dicom.incoming.cleared', direction: 'internal', summary: `Removed ${cleared} incomplete transfer(s) left by the last stop; they were never acknowledged` })
    // A plain server on the chosen address: the library's own Server binds every interface.
    this.server = createServer((socket) => this.accept(socket))
    this.port = await listen(this.server, this.opts.port, this.opts.host)
    for (const i of this.peers()) this.registry.setStatus(i.id, 'listening', `DICOM node ${this.opts.aeTitle} on port ${this.port}`)
  }

  private open = new Set<VetosScp>()
  private stopped = false

  async stop(): Promise<void> {
    // Record the associations VetOS cut while the database is still open; their sockets close after.
    for (const scp of this.open) scp.stopping()
    this.stopped = true
    for (const s of this.sockets) s.destroy()
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()))
  }

  private accept(socket: Socket): void {
    // DIMSE is request/response in small PDUs: without this, Nagle and delayed ACKs add ~40 ms per exchange.
    socket.setNoDelay(true)
    this.sockets.add(socket)
    socket.on('close', () => this.sockets.delete(socket))
    socket.on('error', () => socket.destroy())
    const scp = new VetosScp(socket, this)
    this.open.add(scp)
    socket.on('close', () => this.open.delete(scp))
    // The library's Server sets connected; connections we accept ourselves must too. connectedTime
    // (never set for accepted sockets) starts its association timeout: a peer that never completes a
    // request is cut off instead of holding the connection.
    Object.assign(scp, { connected: true, connectedTime: Date.now() })
    scp.on('networkError', () => socket.destroy())
  }

  incomingPath(): string {
    return this.storage.incomingPath()
  }

  peers(): Integration[] {
    return this.registry.list().filter((i) => i.kind === 'imaging' && i.enabled && i.config.aeTitle)
  }

  /** Which configured modality this is, or why not. */
  admit(callingAet: string, calledAet: string, ip: string): { integration: Integration | null } | { refused: string; reason: number } {
    if (calledAet.trim() !== this.opts.aeTitle) return { refused: `called AE title "${calledAet.trim()}" is not this node's (${this.opts.aeTitle})`, reason: RejectReason.CalledAeNotRecognized }
    const calling = callingAet.trim()
    const peers = this.peers()
    // A modality's addresses: its host and any others listed; both an exact AE title and '*' need one of them.
    const from = (i: Integration) => [i.config.host, ...(i.config.allowedPeers ?? [])].includes(ip)
    const exact = peers.find((i) => i.config.aeTitle === calling && from(i))
    if (exact) return { integration: exact }
    if (peers.some((i) => i.config.aeTitle === calling)) return { refused: `AE title ${calling} is configured for another address than ${ip}`, reason: RejectReason.CallingAeNotRecognized }
    const anyFromHere = peers.find((i) => i.config.aeTitle === '*' && from(i))
    if (anyFromHere) return { integration: anyFromHere }
    if (this.opts.acceptLoopback && LOOPBACK.has(ip)) return { integration: null }
    return { refused: `calling AE title ${calling || '(empty)'} from ${ip} is not a configured modality`, reason: RejectReason.CallingAeNotRecognized }
  }

  opened(callingAet: string, calledAet: string, peer: string, integration: Integration | null): AssociationLog {
    const log = new AssociationLog(callingAet.trim(), calledAet.trim(), peer, integration)
    this.core.store.insertLocal(dicomAssociations, { id: log.id, callingAet: log.callingAet, calledAet: log.calledAet, peer, integrationId: integration?.id ?? null, startedAt: this.core.store.nowIso(), endedAt: null, outcome: 'open', stored: 0, failed: 0, queries: 0, bytes: 0, detail: null })
    this.counters.associations++
    if (integration) this.registry.count(integration.id, 'associations')
    this.core.events.emit('changed', { entity: 'integration', id: integration?.id ?? log.id })
    return log
  }

  /** Per peer address: the row refusals of this minute add to, and how many rows this minute has had. */
  private refusedRows = new Map<string, { id: string; aeTitles: string; rows: number; count: number; until: number }>()

  /**
   * A refused association: audited through the refusal log (a row per address and minute with a
   * count), and shown in dicom_associations, where a device retrying in a loop adds to one row's
   * count instead of pushing every other association off the list.
   */
  refusedAssociation(callingAet: string, calledAet: string, ip: string, peer: string, reason: string): void {
    const calling = callingAet.trim()
    const called = calledAet.trim()
    this.counters.refused++
    this.core.refusals.refused('dicom.association.refused', LISTENER, ip, `association from ${calling || '(no AE title)'}: ${reason}`)
    const { store } = this.core
    const now = Date.now()
    const aeTitles = `${calling}\u0000${called}`
    const w = this.refusedRows.get(ip)
    if (w && w.until > now && (w.aeTitles === aeTitles || w.rows >= REFUSED_ROWS_PER_MINUTE)) {
      w.count++
      store.updateLocal(dicomAssociations, w.id, { callingAet: calling, calledAet: called, endedAt: store.nowIso(), detail: `${reason} (refused ${w.count} times from ${ip} within a minute)` })
      return
    }
    for (const [k, old] of this.refusedRows) if (old.until <= now) this.refusedRows.delete(k)
    const id = newId()
    store.insertLocal(dicomAssociations, { id, callingAet: calling, calledAet: called, peer, integrationId: null, startedAt: store.nowIso(), endedAt: store.nowIso(), outcome: 'rejected', stored: 0, failed: 0, queries: 0, bytes: 0, detail: reason })
    this.refusedRows.set(ip, w && w.until > now ? { ...w, id, aeTitles, rows: w.rows + 1, count: 1 } : { id, aeTitles, rows: 1, count: 1, until: now + 60_000 })
    this.core.events.emit('changed', { entity: 'integration', id })
  }

  /** A connection cut before any association, for what it sent (PduGuard): audited through the refusal log. */
  refusedConnection(ip: string, why: string): void {
    this.counters.refused++
    this.core.refusals.refused('dicom.connection.refused', LISTENER, ip, why)
  }

  /** The end of an association, once: its row, an audit entry with what it did. */
  closed(log: AssociationLog, outcome: 'released' | 'aborted', detail?: string): void {
    if (log.ended || this.stopped) return
    log.ended = true
    const { store } = this.core
    const words = [`${log.stored} image(s) stored (${(log.bytes / 1e6).toFixed(1)} MB)`, ...(log.captured ? [`${log.captured} kept in capture mode, not filed (${(log.capturedBytes / 1e6).toFixed(1)} MB)`] : []), ...(log.failed ? [`${log.failed} refused`] : []), ...(log.queries ? [`${log.queries} worklist quer${log.queries === 1 ? 'y' : 'ies'}`] : [])]
    const d = [detail, ...log.errors.slice(0, 3)].filter(Boolean).join('; ') || null
    store.updateLocal(dicomAssociations, log.id, { endedAt: store.nowIso(), outcome, stored: log.stored, failed: log.failed, queries: log.queries, bytes: log.bytes, detail: d })
    const summary = `DICOM association from ${log.callingAet} (${log.peer}) ${outcome}: ${words.join(', ')}${d ? ` — ${d}` : ''}`
    if (log.integration) this.gate.recordExchange({ integrationId: log.integration.id, direction: 'inbound', action: 'dicom.association', outcome: log.failed || outcome === 'aborted' ? 'error' : 'ok', summary })
    else this.core.audit.append({ action: 'dicom.association', direction: 'inbound', outcome: log.failed || outcome === 'aborted' ? 'error' : 'ok', summary })
    this.core.events.emit('changed', { entity: 'integration', id: log.integration?.id ?? log.id })
  }

  /** Commit before success: the file synced into the tree, then the index; only then the response. */
  store(log: AssociationLog, request: CStoreRequest, received: Received): { status: number; comment?: string } {
    const fail = (status: number, comment: string) => this.failed(log, status, comment)
    if (this.captures.capturing(log.integration?.id ?? null)) return this.capture(log, request, received)
    if ('error' in received) {
      const kept = this.storage.reject(received.file, received.error)
      return fail(STORE_CANNOT_UNDERSTAND, `${received.error} (kept as ${kept.split(/[\\/]/).pop()})`)
    }
    const h = received.header
    if (h.sopInstanceUid !== request.getAffectedSopInstanceUid() || h.sopClassUid !== request.getAffectedSopClassUid()) {
      this.storage.reject(received.file, 'the dataset names another SOP instance or class than the request')
      return fail(dimse.constants.Status.DataSetSopClassMismatch, 'the dataset names another SOP instance or class than the request')
    }
    const existing = this.studies.instanceBySop(h.sopInstanceUid)
    if (existing) {
      this.storage.discard(received.file)
      if (existing.sha256 === received.sha256) {
        this.counters.duplicates++
        if (log.integration) this.registry.count(log.integration.id, 'duplicates')
        return { status: Status.Success }
      }
      return fail(STORE_CANNOT_UNDERSTAND, `SOP instance ${h.sopInstanceUid} is already stored with different content; the first copy is kept`)
    }
    const relative = this.storage.relativePathFor(h.sopInstanceUid)
    try {
      this.storage.commit(received.file, relative)
      this.studies.index({ header: h, file: relative, sha256: received.sha256, bytes: received.bytes, sourceAet: log.callingAet, integrationId: log.integration?.id ?? null, associationId: log.id })
    } catch (e) {
      // Not indexed, so not acknowledged: the modality keeps the image and sends it again.
      return fail(STORE_OUT_OF_RESOURCES, `could not be stored: ${(e as Error).message}`)
    }
    log.stored++
    log.bytes += received.bytes
    this.counters.stored++
    if (log.integration) this.registry.count(log.integration.id, 'received')
    return { status: Status.Success }
  }

  private failed(log: AssociationLog, status: number, comment: string): { status: number; comment: string } {
    log.failed++
    this.counters.failed++
    log.errors.push(comment)
    if (log.integration) this.registry.count(log.integration.id, 'failed')
    return { status, comment }
  }

  /**
   * Capture mode: the object is kept whole (our meta header, then the dataset as sent) in the
   * inbound archive as captured, and nothing else: no study, no image in the index, no review, no
   * notification, no request completed. A readable one is answered success, so the modality does
   * not send it again and again; one VetOS cannot read is answered as filing answers it (0xC000),
   * and kept all the same, its dissection saying why.
   */
  private capture(log: AssociationLog, request: CStoreRequest, received: Received): { status: number; comment?: string } {
    let raw: Buffer
    try {
      raw = readFileSync(received.file)
    } catch (e) {
      return this.failed(log, STORE_OUT_OF_RESOURCES, `could not be kept: ${(e as Error).message}`)
    } finally {
      this.storage.discard(received.file)
    }
    const sop = request.getAffectedSopInstanceUid()
    const readable = 'header' in received
    const kb = `${Math.max(1, Math.round(raw.length / 1024))} KB`
    const image = readable && received.header.modality ? `a ${received.header.modality} image` : 'an image'
    const what = readable ? `${image} (SOP Instance ${sop}, ${kb})` : `an object VetOS cannot read (SOP Instance ${sop}, ${kb}): ${received.error}`
    try {
      const { row, original } = this.archive.store({ integrationId: log.integration!.id, transport: 'dicom', peer: `${log.callingAet} at ${log.peer}`, raw, messageType: `C-STORE ${readable ? (received.header.modality ?? '(no modality)') : '(unreadable)'}`, dedupeKey: sop })
      // A resend of an object already captured is kept as a duplicate and answered as the first time;
      // a first copy never marked (a failure after it was stored) is captured now.
      const first = !original ? row : original.status === 'received' ? original : null
      if (first) {
        this.captures.capture(first, what)
        log.captured++
        this.counters.captured++
      } else {
        this.counters.duplicates++
        this.registry.count(log.integration!.id, 'duplicates')
      }
    } catch (e) {
      // Not kept, so not acknowledged: the modality sends it again.
      return this.failed(log, STORE_OUT_OF_RESOURCES, `could not be kept: ${(e as Error).message}`)
    }
    log.capturedBytes += raw.length
    if (!readable) return this.failed(log, STORE_CANNOT_UNDERSTAND, `${received.error} (kept in capture mode)`)
    return { status: Status.Success }
  }

  /**
   * A worklist query from a modality in capture mode: kept as captured (the query dataset behind a
   * meta header) and answered with no items; nothing of a patient leaves. The final status to send,
   * or null when not capturing.
   */
  captureQuery(log: AssociationLog, request: CFindRequest): { status: number; comment?: string } | null {
    if (!this.captures.capturing(log.integration?.id ?? null)) return null
    log.queries++
    this.counters.queries++
    const ds = request.getDataset()
    const syntax = ds?.getTransferSyntaxUid() ?? TransferSyntax.ImplicitVRLittleEndian
    let body: Buffer
    try {
      body = ds ? ds.getDenaturalizedDataset() : Buffer.alloc(0)
    } catch (e) {
      // Kept anyway: the dissection then shows what could not be read.
      body = Buffer.from(`the query could not be encoded again: ${(e as Error).message}`, 'latin1')
    }
    const raw = Buffer.concat([fileMeta(SopClass.ModalityWorklistInformationModelFind, uuidUid(), syntax, log.callingAet), body])
    try {
      // A modality polls its worklist every few seconds: the same query again is kept as a duplicate, not captured again (it would bury the images).
      const dedupeKey = `mwl:${createHash('sha256').update(body).digest('hex')}`
      const { row, original } = this.archive.store({ integrationId: log.integration!.id, transport: 'dicom', peer: `${log.callingAet} at ${log.peer}`, raw, messageType: 'MWL C-FIND', dedupeKey })
      if (!original) this.captures.capture(row, 'a worklist query (answered with no items: capture mode sends no patient data)')
    } catch (e) {
      return this.failed(log, FIND_UNABLE_TO_PROCESS, `the worklist query could not be kept: ${(e as Error).message}`)
    }
    return { status: Status.Success }
  }

  /**
   * Worklist items for a modality. They carry patient identity, so the answer is an outbound send:
   * only to a configured modality approved for patient identity and imaging, checked by the gate
   * at the moment of answering (a modality admitted only as "this machine" in the demo gets nothing).
   * The permit comes back to the association, which spends it as it answers.
   */
  worklist(log: AssociationLog, query: Record<string, unknown>): { results: Record<string, unknown>[]; permit: Permit } | { refused: string } {
    log.queries++
    this.counters.queries++
    if (!log.integration) {
      const refused = `calling AE title ${log.callingAet || '(empty)'} is not a configured modality, so it is not sent the worklist`
      this.core.audit.append({ action: 'outbound.refused', direction: 'outbound', outcome: 'refused', summary: `Worklist query from ${log.callingAet} at ${log.peer} refused: ${refused}`, details: { reason: 'not-configured', categories: WORKLIST_CATEGORIES } })
      return { refused }
    }
    const results = findWorklist(query, this.worklistItems(narrowing(query)))
    try {
      const permit = this.gate.authorize({ integrationId: log.integration.id, categories: WORKLIST_CATEGORIES, actor: SYSTEM_ACTOR, summary: `Worklist answer to ${log.callingAet} (${log.peer}): ${results.length} item(s)` })
      return { results, permit }
    } catch (e) {
      if (e instanceof ConsentRefused) return { refused: e.message }
      throw e
    }
  }

  /** The answer left: recorded as an exchange with the modality. */
  worklistSent(log: AssociationLog, count: number): void {
    if (log.integration) this.gate.recordExchange({ integrationId: log.integration.id, direction: 'outbound', action: 'dicom.worklist', summary: `Worklist query from ${log.callingAet}: ${count} item(s) sent` })
  }

  private worklistItems(narrow: WorklistNarrowing = {}): WorklistItem[] {
    const sexCode = (s: string) => (s === 'male' ? 'M' : s === 'female' ? 'F' : 'O')
    const neutered = (n: string) => (n === 'neutered' ? 'ALTERED' : n === 'intact' ? 'UNALTERED' : '')
    const pn = (family: string, given: string) => `${family}^${given}`
    const species = (s: string) => s.charAt(0).toUpperCase() + s.slice(1)
    return this.requests.scheduled(narrow).map((r) => {
      const at = new Date(r.scheduledAt).toISOString()
      return {
        top: {
          PatientName: pn(r.ownerLastName, r.petName),
          PatientID: r.patientId,
          PatientBirthDate: (r.dateOfBirth ?? '').replace(/-/g, ''),
          PatientSex: sexCode(r.sex),
          PatientSexNeutered: neutered(r.neuterStatus),
          PatientSpeciesDescription: species(r.species),
          PatientBreedDescription: r.breed ?? '',
          ResponsiblePerson: pn(r.ownerLastName, r.ownerFirstName),
          ResponsiblePersonRole: 'OWNER',
          AccessionNumber: r.accessionNumber,
          StudyInstanceUID: r.studyInstanceUid,
          RequestedProcedureID: r.accessionNumber,
          RequestedProcedureDescription: r.description,
          ReferringPhysicianName: r.vetName ? r.vetName.replace(/^Dr\.?\s+/, '').split(' ').reverse().join('^') : ''
        },
        step: {
          Modality: r.modality,
          ScheduledStationAETitle: r.stationAet ?? '',
          ScheduledProcedureStepStartDate: at.slice(0, 10).replace(/-/g, ''),
          ScheduledProcedureStepStartTime: at.slice(11, 19).replace(/:/g, ''),
          ScheduledProcedureStepDescription: r.description,
          ScheduledProcedureStepID: r.accessionNumber,
          ScheduledPerformingPhysicianName: ''
        }
      }
    })
  }

  info(): DicomNodeInfo {
    const rows = this.core.store.db.select().from(dicomAssociations).orderBy(desc(dicomAssociations.seq)).limit(50).all()
    const names = new Map(this.registry.list().map((i) => [i.id, i.name]))
    return {
      aeTitle: this.opts.aeTitle,
      port: this.port,
      listening: this.server?.listening ?? false,
      acceptsLoopback: this.opts.acceptLoopback,
      peers: this.peers().map((i) => ({ integrationId: i.id, name: i.name, aeTitle: i.config.aeTitle!, host: i.config.host ?? null, approved: !!i.approval })),
      counters: { ...this.counters },
      associations: rows.map((r): DicomAssociation => ({ id: r.id, callingAet: r.callingAet, calledAet: r.calledAet, peer: r.peer, integrationName: r.integrationId ? (names.get(r.integrationId) ?? null) : null, startedAt: r.startedAt, endedAt: r.endedAt, outcome: r.outcome, stored: r.stored, failed: r.failed, queries: r.queries, bytes: r.bytes, detail: r.detail }))
    }
  }
}

type Received = { file: string; sha256: string; bytes: number; header: InstanceHeader } | { file: string; error: string }

/** Writes a C-STORE's dataset to a file as it arrives, behind the meta header, hashing as it goes. */
class FileSink extends Writable {
  private fd: number
  private hash: Hash = createHash('sha256')
  bytes = 0
  constructor(
    readonly file: string,
    head: Buffer
  ) {
    super()
    this.fd = openSync(file, 'w')
    this.hash.update(head)
    this.bytes += head.length
    let off = 0
    while (off < head.length) off += writeSync(this.fd, head, off, head.length - off)
  }
  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (e?: Error | null) => void): void {
    this._writev([{ chunk }], cb)
  }
  // PDUs arrive 16 KB at a time; while one write is in flight the rest queue up and go out in one
  // writev (one write per PDU made the final flush wait behind hundreds of small writes).
  override _writev(chunks: { chunk: Buffer }[], cb: (e?: Error | null) => void): void {
    const buffers = chunks.map((c) => c.chunk)
    for (const b of buffers) {
      this.hash.update(b)
      this.bytes += b.length
    }
    fsWritev(this.fd, buffers, (e) => cb(e))
  }
  // No fsync here: ImageStorage.commit syncs the file once, before it moves into the tree (and never a rejected one).
  override _final(cb: (e?: Error | null) => void): void {
    try {
      closeSync(this.fd)
      cb()
    } catch (e) {
      cb(e as Error)
    }
  }
  override _destroy(e: Error | null, cb: (e?: Error | null) => void): void {
    try {
      closeSync(this.fd)
    } catch {
      /* already closed */
    }
    cb(e)
  }
  digest(): string {
    return this.hash.digest('hex')
  }
}

/** Reads the attributes in front of the pixel data: the first 256 KB hold them in all but odd files. */
function headerOf(file: string): InstanceHeader {
  const size = statSync(file).size
  const readAt = (n: number) => {
    const fd = openSync(file, 'r')
    try {
      const b = Buffer.alloc(n)
      readSync(fd, b, 0, n, 0)
      return b
    } finally {
      closeSync(fd)
    }
  }
  try {
    return readHeader(readAt(Math.min(size, 256 * 1024)))
  } catch (e) {
    if (size <= 256 * 1024 || !(e instanceof DicomFileError)) throw e
    return readHeader(readAt(size))
  }
}

class VetosScp extends Scp {
  private log: AssociationLog | null = null
  private sink: FileSink | null = null
  private readonly peer: string
  private readonly ip: string
  private readonly guard: PduGuard

  constructor(
    private readonly conn: Socket,
    private readonly node: DicomNode
  ) {
    super(conn, { associationTimeout: 60_000, pduTimeout: 60_000 })
    // The library defaults this to {}, and then copies its whole 5,000-name dictionary for every
    // dataset it writes (4 ms each): a worklist answer of 200 items took a second. None means none.
    ;(this as unknown as { datasetNameMap: unknown }).datasetNameMap = undefined
    this.ip = plainIp(conn.remoteAddress)
    this.peer = `${this.ip}:${conn.remotePort}`
    // The library's reader (its one 'data' listener) keeps every byte until a PDU's declared length
    // has arrived, even 4 GB, copying it all again for each chunk. It gets whole PDUs from the guard
    // instead, each checked at its header against what the association allows.
    const [read] = conn.listeners('data') as ((pdu: Buffer) => void)[]
    conn.removeListener('data', read)
    this.guard = new PduGuard(read, (r) => this.refuse(r))
    conn.on('data', (chunk: Buffer) => this.guard.write(chunk))
    this.on('close', () => this.finish('aborted', 'the connection closed without a release'))
  }

  /** A PDU the guard refused: A-ABORT (PS3.8 9.3.8, from the service provider) and the connection closed at once. */
  private refuse({ why, reason }: Refusal): void {
    this.conn.write(Buffer.from([0x07, 0, 0, 0, 0, 4, 0, 0, AbortSource.ServiceProvider, reason]))
    this.conn.destroy()
    if (this.log) this.finish('aborted', `VetOS aborted the association: ${why}`)
    else this.node.refusedConnection(this.ip, why)
  }

  associationRequested(a: Association): void {
    const calling = a.getCallingAeTitle()
    const called = a.getCalledAeTitle()
    const verdict = this.node.admit(calling, called, this.ip)
    if ('refused' in verdict) return this.reject(calling, called, verdict)
    const announced = a.getMaxPduLength()
    if (announced > 0 && announced < MIN_PDU) return this.reject(calling, called, { refused: `its maximum PDU length of ${announced} bytes is under ${MIN_PDU}`, reason: RejectReason.NoReasonGiven })
    this.log = this.node.opened(calling, called, this.peer, verdict.integration)
    for (const { context } of a.getPresentationContexts()) {
      const abstract = context.getAbstractSyntaxUid()
      const known = abstract === SopClass.Verification || abstract === SopClass.ModalityWorklistInformationModelFind || STORAGE_CLASSES.has(abstract)
      if (!known) {
        context.setResult(PresentationContextResult.RejectAbstractSyntaxNotSupported)
        continue
      }
      // The modality's own order: its first syntax that we store is how the file arrives, as it has it
      // (choosing ours first made DCMTK try to decompress a JPEG it could not).
      const ts = context.getTransferSyntaxUids().find((t) => ACCEPTED_SYNTAXES.has(t))
      if (ts) context.setResult(PresentationContextResult.Accept, ts)
      else context.setResult(PresentationContextResult.RejectTransferSyntaxesNotSupported)
    }
    // The AC announces the smaller of the requestor's maximum and ours; a requestor's 0 ("no
    // maximum", PS3.8 D.1) would make it announce no limit for what VetOS takes in.
    if (announced === 0) a.setMaxPduLength(MAX_PDU)
    this.sendAssociationAccept()
    this.guard.accepted(a.getMaxPduLength())
  }

  private reject(calling: string, called: string, { refused, reason }: { refused: string; reason: number }): void {
    this.node.refusedAssociation(calling, called, this.ip, this.peer, refused)
    this.sendAssociationReject(RejectResult.Permanent, RejectSource.ServiceUser, reason)
    // Nothing may follow but the requestor's close (PS3.8 9.2, Sta13), which is not waited for.
    this.guard.close()
    this.conn.destroySoon()
  }

  associationReleaseRequested(): void {
    this.sendAssociationReleaseResponse()
    this.finish('released')
  }

  stopping(): void {
    this.finish('aborted', 'VetOS stopped during the association')
  }

  abort(): void {
    this.finish('aborted', 'the modality aborted the association')
    // After an A-ABORT the transport closes (PS3.8 9.1.4); DCMTK waits for us to do it.
    this.conn.destroy()
  }

  private finish(outcome: 'released' | 'aborted', detail?: string): void {
    if (this.sink) {
      // A transfer cut off mid-way: never acknowledged, never indexed.
      const file = this.sink.file
      this.sink.destroy()
      this.sink = null
      rmSync(file, { force: true })
      if (this.log) this.log.errors.push('an image was cut off mid-transfer and discarded')
    }
    if (this.log) this.node.closed(this.log, outcome, detail)
  }

  cEchoRequest(request: dimse.requests.CEchoRequest, callback: (r: dimse.responses.CEchoResponse) => void): void {
    const response = responses.CEchoResponse.fromRequest(request)
    response.setStatus(Status.Success)
    callback(response)
  }

  createStoreWritableStream(pc: PresentationContext, request: CStoreRequest): Writable {
    const head = fileMeta(request.getAffectedSopClassUid(), request.getAffectedSopInstanceUid(), pc.getAcceptedTransferSyntaxUid() ?? TransferSyntax.ImplicitVRLittleEndian, this.log?.callingAet)
    this.sink = new FileSink(this.node.incomingPath(), head)
    return this.sink
  }

  createDatasetFromStoreWritableStream(writable: Writable, pc: PresentationContext, callback: (dataset: dimse.Dataset) => void): void {
    const sink = writable as FileSink
    const done = () => {
      this.sink = null
      let received: Received
      try {
        received = { file: sink.file, sha256: sink.digest(), bytes: sink.bytes, header: headerOf(sink.file) }
      } catch (e) {
        received = { file: sink.file, error: e instanceof DicomFileError ? e.message : `not readable: ${parseProblem(e)}` }
      }
      const ds = new Dataset({}, pc.getAcceptedTransferSyntaxUid())
      ;(ds as unknown as { vetos: Received }).vetos = received
      callback(ds)
    }
    if (sink.writableFinished) done()
    else {
      sink.once('finish', done)
      sink.once('error', (e) => {
        this.sink = null
        const ds = new Dataset({}, pc.getAcceptedTransferSyntaxUid())
        ;(ds as unknown as { vetos: Received }).vetos = { file: sink.file, error: `could not be written: ${e.message}` }
        callback(ds)
      })
    }
  }

  cStoreRequest(request: CStoreRequest, callback: (r: dimse.responses.CStoreResponse) => void): void {
    const response = responses.CStoreResponse.fromRequest(request)
    const received = (request.getDataset() as unknown as { vetos?: Received } | undefined)?.vetos
    if (!this.log || !received) {
      response.setStatus(STORE_CANNOT_UNDERSTAND)
      callback(response)
      return
    }
    const result = this.node.store(this.log, request, received)
    response.setStatus(result.status)
    if (result.comment) response.setErrorComment(result.comment.slice(0, 64))
    callback(response)
  }

  cFindRequest(request: CFindRequest, callback: (r: dimse.responses.CFindResponse[]) => void): void {
    const done = responses.CFindResponse.fromRequest(request)
    if (!this.log || request.getAffectedSopClassUid() !== SopClass.ModalityWorklistInformationModelFind) {
      done.setStatus(FIND_UNABLE_TO_PROCESS)
      callback([done])
      return
    }
    const captured = this.node.captureQuery(this.log, request)
    if (captured) {
      done.setStatus(captured.status)
      if (captured.comment) done.setErrorComment(captured.comment.slice(0, 64))
      callback([done])
      return
    }
    const answer = this.node.worklist(this.log, (request.getDataset()?.getElements() ?? {}) as Record<string, unknown>)
    const refuse = (why: string) => {
      done.setStatus(FIND_UNABLE_TO_PROCESS)
      done.setErrorComment(why.slice(0, 64))
      callback([done])
    }
    if ('refused' in answer) return refuse(answer.refused)
    try {
      answer.permit.spend(this.log.integration!.id)
    } catch (e) {
      if (e instanceof ConsentRefused) return refuse(e.message)
      throw e
    }
    const pending = answer.results.map((r) => {
      const p = responses.CFindResponse.fromRequest(request)
      p.setDataset(new Dataset(r))
      p.setStatus(Status.Pending)
      return p
    })
    done.setStatus(Status.Success)
    callback([...pending, done])
    this.node.worklistSent(this.log, pending.length)
  }
}
