/**
 * The one API contract between the renderer and the main process: this index and one module per
 * domain added since (billing.ts), built from common.ts.
 *
 * Each method is declared once: its input schema (validated at runtime on every call,
 * in Electron IPC and on the hub alike), its output schema (the type the renderer gets),
 * who may call it, and a one-line description (docs/API.md is generated from the contract).
 * Nothing in this file may import Node or Electron: the renderer imports its types.
 */
import { z } from 'zod'
import { ADMIN, CLINICAL, EVERY_ROLE, Empty, Id, IsoDate, IsoDateTime, NonEmpty, Optional, OptionalText, Pin, Role, method } from './common'
import { billingMethods } from './billing'
import { proveniqMethods } from './proveniq'
import { petlifelogMethods } from './petlifelog'
import { scannerMethods, type ChipScan } from './scanners'
import { AuditEntry, auditMethods, AuditSearchFields } from './audit'
import { todayMethods } from './today'
import { captureMethods } from './capture'
import { CatalogTest, LabProfile } from './lab-profile'
import { supportMethods } from './support'
import { Confirm, WeightText, type DuplicateRecord } from './forms'

export { ROLES, Role } from './common'
export * from './billing'
export * from './proveniq'
export * from './petlifelog'
export * from './scanners'
export * from './audit'
export * from './today'
export * from './capture'
export * from './lab-profile'
export * from './support'
export * from './forms'

// ---------- shared vocabulary ----------

export const SPECIES = ['canine', 'feline', 'equine', 'bovine', 'ovine', 'caprine', 'porcine', 'avian', 'rabbit', 'rodent', 'reptile', 'ferret', 'other'] as const
export const Species = z.enum(SPECIES)
export const Sex = z.enum(['male', 'female', 'unknown'])
export const NeuterStatus = z.enum(['intact', 'neutered', 'unknown'])
export const VisitStatus = z.enum(['booked', 'checked_in', 'in_progress', 'completed', 'cancelled'])
export type VisitStatus = z.infer<typeof VisitStatus>
export const AlertKind = z.enum(['allergy', 'behavior', 'medical', 'other'])
export const Severity = z.enum(['info', 'warning', 'critical'])
export const NoteKind = z.enum(['soap', 'progress', 'phone', 'other'])
export const Direction = z.enum(['inbound', 'outbound', 'internal'])

export const INTEGRATION_KINDS = ['reference_lab', 'analyzer', 'imaging', 'payments', 'petmayday', 'petlifelog', 'support'] as const
export const IntegrationKind = z.enum(INTEGRATION_KINDS)
export type IntegrationKind = z.infer<typeof IntegrationKind>

/** What an integration may be sent; approval names the categories explicitly. */
export const DATA_CATEGORIES = [
  'patient_identity',
  'owner_contact',
  'lab_orders',
  'clinical_notes',
  'imaging',
  'payments',
  'microchip',
  'lost_pet_reports',
  /** what a device sent, with patient identity removed, and what the clinic wrote about it (a request for a new integration) */
  'device_samples'
] as const
export const DataCategory = z.enum(DATA_CATEGORIES)
export type DataCategory = z.infer<typeof DataCategory>


// ---------- records as the renderer sees them ----------

export const StaffMember = z.object({
  id: Id,
  displayName: z.string(),
  username: z.string(),
  role: Role,
  active: z.boolean(),
  licenseNumber: z.string().nullable()
})
export type StaffMember = z.infer<typeof StaffMember>

export const Contact = z.object({
  id: Id,
  kind: z.enum(['phone', 'email']),
  label: z.string(),
  value: z.string(),
  isPrimary: z.boolean()
})
export type Contact = z.infer<typeof Contact>

export const Client = z.object({
  id: Id,
  firstName: z.string(),
  lastName: z.string(),
  address: z.string().nullable(),
  notes: z.string().nullable(),
  contacts: z.array(Contact),
  createdAt: z.string(),
  updatedAt: z.string()
})
export type Client = z.infer<typeof Client>

export const Patient = z.object({
  id: Id,
  clientId: Id,
  name: z.string(),
  species: z.string(),
  breed: z.string().nullable(),
  sex: Sex,
  neuterStatus: NeuterStatus,
  dateOfBirth: z.string().nullable(),
  dobEstimated: z.boolean(),
  color: z.string().nullable(),
  microchip: z.string().nullable(),
  microchipNormalized: z.string().nullable(),
  microchipType: z.string().nullable(),
  deceasedAt: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string()
})
export type Patient = z.infer<typeof Patient>

export const WeightEntry = z.object({
  id: Id,
  weightKg: z.number(),
  measuredAt: z.string(),
  recordedBy: z.string(),
  correctsId: z.string().nullable()
})
export const PatientAlert = z.object({
  id: Id,
  kind: AlertKind,
  severity: Severity,
  text: z.string(),
  createdAt: z.string(),
  recordedBy: z.string()
})
export type PatientAlert = z.infer<typeof PatientAlert>

export const Visit = z.object({
  id: Id,
  patientId: Id,
  veterinarianId: z.string().nullable(),
  veterinarianName: z.string().nullable(),
  reason: z.string(),
  status: VisitStatus,
  scheduledAt: z.string().nullable(),
  startedAt: z.string().nullable(),
  endedAt: z.string().nullable(),
  createdAt: z.string()
})
export type Visit = z.infer<typeof Visit>

export const ClinicalNote = z.object({
  id: Id,
  patientId: Id,
  visitId: z.string().nullable(),
  authorId: z.string(),
  authorName: z.string().nullable(),
  kind: NoteKind,
  subjective: z.string().nullable(),
  objective: z.string().nullable(),
  assessment: z.string().nullable(),
  plan: z.string().nullable(),
  body: z.string().nullable(),
  amendsId: z.string().nullable(),
  /** true when a later amendment replaced this version */
  superseded: z.boolean(),
  createdAt: z.string()
})
export type ClinicalNote = z.infer<typeof ClinicalNote>

export const PatientSummary = Patient.pick({ id: true, name: true, species: true, breed: true, sex: true, neuterStatus: true, dateOfBirth: true, microchip: true, deceasedAt: true, clientId: true }).extend({
  ownerName: z.string(),
  ownerPhone: z.string().nullable(),
  /** why this row matched: name, owner, phone, microchip */
  matchedOn: z.enum(['name', 'owner', 'phone', 'microchip']),
  /** how closely (search ranks in this order): as typed, starting with it, one edit away (a typo), a piece of the chip */
  match: z.enum(['exact', 'prefix', 'similar', 'fragment']).optional()
})
export type PatientSummary = z.infer<typeof PatientSummary>

export const PatientDetail = z.object({
  patient: Patient,
  owner: Client,
  weights: z.array(WeightEntry),
  alerts: z.array(PatientAlert),
  visits: z.array(Visit),
  notes: z.array(ClinicalNote)
})
export type PatientDetail = z.infer<typeof PatientDetail>

export const ClientDetail = z.object({ client: Client, patients: z.array(Patient) })
export type ClientDetail = z.infer<typeof ClientDetail>


export const AuditVerifyResult = z.object({
  ok: z.boolean(),
  checked: z.number().int(),
  firstBroken: z
    .object({ seq: z.number().int(), id: z.string().nullable(), reason: z.string() })
    .nullable()
})
export type AuditVerifyResult = z.infer<typeof AuditVerifyResult>

export const IntegrationStatus = z.object({
  state: z.enum(['not_running', 'disabled', 'listening', 'connected', 'connecting', 'error']),
  detail: z.string().nullable(),
  since: z.string().nullable(),
  counters: z.record(z.string(), z.number())
})
export type IntegrationStatus = z.infer<typeof IntegrationStatus>

/** Transport settings; fields not used by a kind are ignored by its connector. */
export const IntegrationConfig = z
  .object({
    host: z.string().trim().max(255).optional(),
    port: z.number().int().min(1).max(65535).optional(),
    listenPort: z.number().int().min(1).max(65535).optional(),
    serialPath: z.string().trim().max(255).optional(),
    baudRate: z.number().int().min(300).max(921600).optional(),
    aeTitle: z.string().trim().max(16).optional(),
    allowedPeers: z.array(z.string().trim().max(255)).max(64).optional(),
    baseUrl: z.url().optional(),
    /** secret: stored in the main process, shown only as its last four characters */
    apiKey: z.string().max(500).optional(),
    accountId: z.string().max(100).optional(),
    /** labs and analyzers */
    lab: LabProfile.optional(),
    /** seconds; retry backoff starts here and doubles up to 5 minutes */
    retrySeconds: z.number().int().min(1).max(300).optional(),
    ackTimeoutSeconds: z.number().int().min(1).max(120).optional(),
    /**
     * In a clinic with several workstations: the one that runs this connection (its device id) and
     * its name. Orders placed elsewhere sync to it, and it sends them. None: this workstation runs it.
     */
    workstationId: z.string().max(100).optional(),
    workstationName: z.string().trim().max(120).optional(),
    /** the catalog entry it was started from (the Integrations screen names it) */
    catalogEntry: z.string().max(64).optional(),
    /**
     * Capture mode, for a device nobody has profiled yet: what it sends is recorded and shown field
     * by field, never filed to a patient, and nothing is answered with patient data.
     */
    capture: z.boolean().optional()
  })
  .strict()
export type IntegrationConfig = z.infer<typeof IntegrationConfig>

/**
 * One kind of system VetOS connects to, as support describes it: how it connects, what it
 * exchanges, what it will ask to be approved for, and what it was tested against. Entries are
 * data (resources/catalog/*.json, and a clinic's own in its data folder's catalog/), never code.
 */
export const CatalogEntry = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]{1,63}$/, 'must be lower-case letters, digits and dashes'),
    kind: IntegrationKind,
    name: NonEmpty(120),
    vendor: NonEmpty(200),
    connects: NonEmpty(300),
    exchanges: z.array(NonEmpty(300)).min(1),
    categories: z.array(DataCategory),
    tested: NonEmpty(500),
    setup: z.array(NonEmpty(400)).default([]),
    /** what a new integration from this entry starts with; never a secret */
    config: IntegrationConfig.refine((c) => c.apiKey === undefined, 'must not hold an API key').default({})
  })
  .strict()
export type CatalogEntry = z.infer<typeof CatalogEntry>

export const IntegrationCatalog = z.object({
  entries: z.array(CatalogEntry.extend({ source: z.enum(['shipped', 'clinic']) })),
  /** entry files that could not be read, for support to fix */
  problems: z.array(z.object({ file: z.string(), message: z.string() }))
})
export type IntegrationCatalog = z.infer<typeof IntegrationCatalog>

export const Integration = z.object({
  id: Id,
  kind: IntegrationKind,
  name: z.string(),
  enabled: z.boolean(),
  config: IntegrationConfig,
  approval: z
    .object({ approvedBy: z.string(), approvedByName: z.string().nullable(), approvedAt: z.string(), categories: z.array(DataCategory) })
    .nullable(),
  status: IntegrationStatus,
  updatedAt: z.string()
})
export type Integration = z.infer<typeof Integration>

/** Whether an integration works, said for the front desk (integrations.health). */
export const IntegrationHealth = z.object({
  integrationId: Id,
  level: z.enum(['ok', 'attention', 'failing', 'off']),
  headline: z.string(),
  /** what to do about it, when anything */
  advice: z.string().nullable(),
  lastReceivedAt: z.string().nullable(),
  lastSentAt: z.string().nullable(),
  errorsLastDay: z.number().int(),
  /** outbound messages waiting after a failed attempt */
  waiting: z.number().int()
})
export type IntegrationHealth = z.infer<typeof IntegrationHealth>

export const Notification = z.object({
  id: Id,
  kind: z.string(),
  severity: Severity,
  title: z.string(),
  body: z.string().nullable(),
  patientId: z.string().nullable(),
  createdAt: z.string(),
  readAt: z.string().nullable(),
  /** the app route it opens (a patient's tab at one order or study, a review item); null: the patient's page */
  link: z.string().nullable()
})
export type Notification = z.infer<typeof Notification>

export const Clinic = z.object({
  id: Id,
  name: z.string(),
  phone: z.string().nullable(),
  email: z.string().nullable(),
  address: z.string().nullable(),
  timezone: z.string(),
  currency: z.string(),
  /** how weights are typed and shown in this clinic; stored weights are always kilograms */
  weightUnit: z.enum(['kg', 'lb'])
})
export type Clinic = z.infer<typeof Clinic>

export const Session = z.object({ token: z.string(), staff: StaffMember, expiresAt: z.string() })
export type Session = z.infer<typeof Session>

export const LabOrder = z.object({
  id: Id,
  orderNumber: z.string(),
  patientId: Id,
  visitId: z.string().nullable(),
  integrationId: Id,
  integrationName: z.string(),
  tests: z.array(z.object({ code: z.string(), name: z.string() })),
  specimen: z.string().nullable(),
  priority: z.enum(['routine', 'stat']),
  note: z.string().nullable(),
  orderedBy: z.string(),
  orderedByName: z.string().nullable(),
  status: z.string(),
  statusDetail: z.string().nullable(),
  fillerNumber: z.string().nullable(),
  createdAt: z.string(),
  timeline: z.array(z.object({ status: z.string(), detail: z.string().nullable(), actorName: z.string().nullable(), occurredAt: z.string() }))
})
export type LabOrder = z.infer<typeof LabOrder>

export const LabObservation = z.object({
  id: Id,
  code: z.string(),
  name: z.string(),
  valueNum: z.number().nullable(),
  valueText: z.string().nullable(),
  units: z.string().nullable(),
  refRange: z.string().nullable(),
  refLow: z.number().nullable(),
  refHigh: z.number().nullable(),
  /** the lab's flag, or one derived from the range when the lab sent none */
  flag: z.string().nullable(),
  status: z.string(),
  observedAt: z.string().nullable(),
  instrument: z.string().nullable(),
  /** replaced by a correction; kept as history */
  superseded: z.boolean(),
  supersedesId: z.string().nullable(),
  documentId: z.string().nullable()
})
export type LabObservation = z.infer<typeof LabObservation>

export const LabReport = z.object({
  id: Id,
  title: z.string().nullable(),
  status: z.string(),
  orderId: z.string().nullable(),
  orderNumber: z.string().nullable(),
  fillerNumber: z.string().nullable(),
  observedAt: z.string().nullable(),
  receivedAt: z.string(),
  integrationName: z.string().nullable(),
  attachedAutomatically: z.boolean(),
  attachedBy: z.string().nullable(),
  observations: z.array(LabObservation),
  /** documents the lab sent with the report (an embedded PDF): never values */
  documents: z.array(z.object({ id: Id, title: z.string(), mime: z.string() }))
})
export type LabReport = z.infer<typeof LabReport>

export const DocumentInfo = z.object({ id: Id, title: z.string(), mime: z.string(), bytes: z.number().int(), source: z.string(), createdAt: z.string(), reportId: z.string().nullable(), visitId: z.string().nullable() })
export type DocumentInfo = z.infer<typeof DocumentInfo>

export const ReportIdentifiers = z.object({
  patientId: z.string().optional(),
  petName: z.string().optional(),
  ownerLastName: z.string().optional(),
  ownerFirstName: z.string().optional(),
  dateOfBirth: z.string().optional(),
  sex: z.string().optional(),
  species: z.string().optional(),
  breed: z.string().optional(),
  conflicts: z.array(z.string()).optional()
})

/** This workstation's sync with the clinic's central server (the header's indicator). */
export const SyncStatus = z.object({
  state: z.enum(['connecting', 'online', 'offline']),
  pending: z.number().int(),
  rejected: z.array(z.object({ mutationId: z.string(), reason: z.string() })),
  tablesReady: z.number().int(),
  tables: z.number().int(),
  lastSyncAt: z.string().nullable(),
  detail: z.string().nullable()
})
export type SyncStatus = z.infer<typeof SyncStatus>

/** One workstation of the clinic as the clinic server lists it (Settings → Workstations). */
export const SyncDevice = z.object({
  deviceId: z.string(),
  name: z.string(),
  enrolledAt: z.string(),
  /** the server's last request from it, to the minute */
  lastSeenAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
  /** the administrator who revoked it; null when it was revoked on the server itself */
  revokedBy: z.string().nullable(),
  /** the workstation it was revoked from */
  revokedFrom: z.string().nullable(),
  revokeReason: z.string().nullable(),
  /** this workstation */
  current: z.boolean()
})
export type SyncDevice = z.infer<typeof SyncDevice>

/** A revocation asked on this workstation: the server answers in the background (pending until then). */
export const SyncRevocation = z.object({
  requestId: z.string(),
  deviceId: z.string(),
  state: z.enum(['pending', 'revoked', 'refused']),
  /** why it was refused (a wrong PIN, the server unreachable) */
  message: z.string().nullable(),
  askedAt: z.string()
})
export type SyncRevocation = z.infer<typeof SyncRevocation>

export const SyncDevices = z.object({
  devices: z.array(SyncDevice),
  /** when the list was read from the clinic server; null while the first read is on its way */
  readAt: z.string().nullable(),
  /** why the latest read failed (the list is then as of readAt) */
  problem: z.string().nullable(),
  revocations: z.array(SyncRevocation)
})
export type SyncDevices = z.infer<typeof SyncDevices>

/** A patient a message in review could belong to, with its score and the reasons for it (labs and imaging). */
export const ReviewCandidate = z.object({
  patientId: Id,
  patientName: z.string(),
  ownerName: z.string(),
  species: z.string(),
  dateOfBirth: z.string().nullable(),
  score: z.number(),
  reasons: z.array(z.string())
})

export const ReviewItem = z.object({
  reportId: Id,
  title: z.string().nullable(),
  receivedAt: z.string(),
  integrationName: z.string().nullable(),
  orderNumber: z.string().nullable(),
  identifiers: ReportIdentifiers,
  reasons: z.array(z.string()),
  observations: z.array(LabObservation),
  candidates: z.array(ReviewCandidate.extend({ orderId: z.string().nullable(), orderNumber: z.string().nullable() }))
})
export type ReviewItem = z.infer<typeof ReviewItem>

/** Imaging: modalities a clinic requests (DICOM Modality codes). */
export const IMAGING_MODALITIES = ['DX', 'CR', 'US', 'IO', 'XC'] as const
export const ImagingModality = z.enum(IMAGING_MODALITIES)

export const ImagingRequest = z.object({
  id: Id,
  patientId: Id,
  visitId: z.string().nullable(),
  /** our accession number (DICOM SH, at most 16 characters), what the modality sends back */
  accessionNumber: z.string(),
  /** pre-assigned, so the study that arrives names the request it answers */
  studyInstanceUid: z.string(),
  modality: ImagingModality,
  description: z.string(),
  scheduledAt: z.string(),
  scheduledStationAet: z.string().nullable(),
  status: z.enum(['scheduled', 'completed', 'cancelled']),
  requestedByName: z.string().nullable(),
  createdAt: z.string(),
  studyId: z.string().nullable()
})
export type ImagingRequest = z.infer<typeof ImagingRequest>

/**
 * How a measurement on this image is scaled, said honestly: a calibrated PixelSpacing, the
 * detector's ImagerPixelSpacing (not corrected for magnification), an ultrasound region, or none (pixels only).
 */
export const Calibration = z.object({
  kind: z.enum(['pixel_spacing', 'imager_pixel_spacing', 'ultrasound_region', 'none']),
  rowSpacingMm: z.number().nullable(),
  columnSpacingMm: z.number().nullable(),
  note: z.string()
})
export type Calibration = z.infer<typeof Calibration>

export const ImagingInstance = z.object({
  id: Id,
  sopInstanceUid: z.string(),
  sopClassUid: z.string(),
  seriesInstanceUid: z.string(),
  seriesNumber: z.number().nullable(),
  seriesDescription: z.string().nullable(),
  instanceNumber: z.number().nullable(),
  modality: z.string().nullable(),
  rows: z.number().nullable(),
  columns: z.number().nullable(),
  frames: z.number().int(),
  transferSyntaxUid: z.string(),
  bytes: z.number().int(),
  calibration: Calibration,
  /** the file, in the app's own origin: /media/dicom/<id> (add the session with the client's mediaUrl) */
  path: z.string()
})
export type ImagingInstance = z.infer<typeof ImagingInstance>

export const ImagingStudy = z.object({
  id: Id,
  studyInstanceUid: z.string(),
  accessionNumber: z.string().nullable(),
  studyDate: z.string().nullable(),
  description: z.string().nullable(),
  modalities: z.array(z.string()),
  patientId: z.string().nullable(),
  visitId: z.string().nullable(),
  requestId: z.string().nullable(),
  receivedAt: z.string(),
  sourceAet: z.string().nullable(),
  attachedAutomatically: z.boolean(),
  attachedBy: z.string().nullable(),
  instances: z.array(ImagingInstance)
})
export type ImagingStudy = z.infer<typeof ImagingStudy>

/**
 * Why a JSON value nests deeper or holds more values than allowed, or null. Iterative, so any
 * depth is safe to check (storing and sending it back recurse, and overflowed the stack).
 */
function jsonBoundsProblem(value: unknown, maxDepth: number, maxValues: number): string | null {
  const stack: [unknown, number][] = [[value, 0]]
  let values = 1
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!
    if (v === null || typeof v !== 'object') continue
    if (depth === maxDepth) return `must not nest more than ${maxDepth} levels deep`
    const children = Object.values(v)
    values += children.length
    if (values > maxValues) return `must hold at most ${maxValues} values in all`
    for (const c of children) stack.push([c, depth + 1])
  }
  return null
}

/** cornerstone3d annotation objects, kept as given: they nest about six levels, a few hundred values each */
const Annotations = z
  .array(z.record(z.string(), z.unknown()))
  .max(500)
  .superRefine((list, ctx) => {
    const problem = jsonBoundsProblem(list, 32, 200_000)
    if (problem) ctx.addIssue({ code: 'custom', message: problem })
  })

/** One saved version of an image's annotations (cornerstone3d annotation objects, kept as given). */
export const AnnotationSet = z.object({
  instanceId: Id,
  version: z.number().int().min(1),
  annotations: Annotations,
  savedBy: z.string().nullable(),
  savedAt: z.string()
})
export type AnnotationSet = z.infer<typeof AnnotationSet>

export const ImagingReviewItem = z.object({
  studyId: Id,
  description: z.string().nullable(),
  receivedAt: z.string(),
  sourceAet: z.string().nullable(),
  accessionNumber: z.string().nullable(),
  instanceCount: z.number().int(),
  /** its images, so a person sees them before deciding (the same media route as a patient's studies) */
  instances: z.array(ImagingInstance),
  identifiers: ReportIdentifiers,
  reasons: z.array(z.string()),
  candidates: z.array(ReviewCandidate.extend({ requestId: z.string().nullable(), accessionNumber: z.string().nullable() }))
})
export type ImagingReviewItem = z.infer<typeof ImagingReviewItem>

export const DicomAssociation = z.object({
  id: Id,
  callingAet: z.string(),
  calledAet: z.string(),
  peer: z.string(),
  integrationName: z.string().nullable(),
  startedAt: z.string(),
  endedAt: z.string().nullable(),
  outcome: z.enum(['open', 'released', 'aborted', 'rejected']),
  stored: z.number().int(),
  failed: z.number().int(),
  queries: z.number().int(),
  bytes: z.number().int(),
  detail: z.string().nullable()
})
export type DicomAssociation = z.infer<typeof DicomAssociation>

export const DicomNode = z.object({
  aeTitle: z.string(),
  port: z.number().int().nullable(),
  listening: z.boolean(),
  /** in the demo clinic: any calling AE title from this machine */
  acceptsLoopback: z.boolean(),
  peers: z.array(z.object({ integrationId: Id, name: z.string(), aeTitle: z.string(), host: z.string().nullable(), approved: z.boolean() })),
  counters: z.record(z.string(), z.number()),
  associations: z.array(DicomAssociation)
})
export type DicomNode = z.infer<typeof DicomNode>

export const TrendPoint = z.object({
  observedAt: z.string(),
  value: z.number(),
  units: z.string().nullable(),
  refLow: z.number().nullable(),
  refHigh: z.number().nullable(),
  flag: z.string().nullable(),
  status: z.string(),
  reportId: Id
})
export type TrendPoint = z.infer<typeof TrendPoint>

export const MessageLogEntry = z.object({
  id: Id,
  seq: z.number().int(),
  direction: z.enum(['inbound', 'outbound']),
  integrationId: z.string().nullable(),
  at: z.string(),
  transport: z.string(),
  peer: z.string().nullable(),
  type: z.string().nullable(),
  controlId: z.string().nullable(),
  status: z.string(),
  summary: z.string().nullable(),
  error: z.string().nullable(),
  attempts: z.number().int().nullable(),
  /** the payload as text (control characters shown as <VT>, <CR> …) */
  raw: z.string(),
  response: z.string().nullable()
})
export type MessageLogEntry = z.infer<typeof MessageLogEntry>

// ---------- inputs reused by several methods ----------

const PhoneInput = z.object({
  label: z.enum(['mobile', 'home', 'work', 'other']).default('mobile'),
  number: z
    .string()
    .trim()
    .refine((s) => s.replace(/\D/g, '').length >= 7, 'must have at least 7 digits')
    .refine((s) => /^[\d\s()+\-.x]+$/i.test(s), 'may contain only digits, spaces and + ( ) - .')
})

const ClientFields = {
  firstName: NonEmpty(80),
  lastName: NonEmpty(80),
  email: z.email({ message: 'must be an email address' }).nullable().optional().or(z.literal('').transform(() => null)),
  phones: z.array(PhoneInput).max(5).default([]),
  address: Optional(300),
  notes: OptionalText(2000)
}

const PatientFields = {
  name: NonEmpty(80),
  species: Species,
  breed: Optional(80),
  sex: Sex.default('unknown'),
  neuterStatus: NeuterStatus.default('unknown'),
  dateOfBirth: IsoDate.nullable().optional(),
  dobEstimated: z.boolean().default(false),
  color: Optional(80),
  microchip: Optional(40)
}

export const SetupState = z.object({ step: z.enum(['choose', 'joining', 'ready']), error: z.string().nullable() })
export type SetupState = z.infer<typeof SetupState>

// ---------- the methods ----------

/** A review queue's oldest items: ranking candidates costs about half a millisecond an item. */
const ReviewPage = z.object({ limit: z.number().int().min(1).max(500).default(50) }).strict()
const Ok = z.object({ ok: z.literal(true) })

/**
 * Who records a change of owner: the front desk (it registers owners), a veterinarian (a surrender
 * or an adoption settled in the exam room) and an administrator. Not technicians: a new owner
 * changes who answers for the animal and who is billed from then on, a front-desk matter.
 */
export const OWNER_CHANGE_ROLES = ['front_desk', 'veterinarian', 'admin'] as const

export const contract = {
  'app.info': method({
    input: Empty,
    output: z.object({ clinicName: z.string(), version: z.string(), deviceId: z.string(), demo: z.boolean(), host: z.enum(['electron', 'hub']), firstSync: z.object({ tablesReady: z.number().int(), tables: z.number().int() }).nullable() }),
    access: 'public',
    description: 'Clinic name, app version and host; shown on the sign-in screen. firstSync: a workstation that joined a clinic and is still receiving it.'
  }),
  'setup.state': method({
    input: Empty,
    output: SetupState,
    access: 'public',
    description: 'Whether this workstation has its clinic yet. A new data folder in the desktop app (or a hub started with --setup) asks first: join the clinic through its server, or start a new clinic here.'
  }),
  'setup.join': method({
    input: z
      .object({
        serverUrl: z.string().trim().max(300).regex(/^https?:\/\/[^\s/?#]+(:\d{1,5})?\/?$/, 'is the clinic server’s address, such as https://vetos-server:8788'),
        code: NonEmpty(40),
        workstationName: NonEmpty(60)
      })
      .strict(),
    output: SetupState,
    access: 'public',
    description: 'Joins this new workstation to its clinic with an enrollment code; setup.state says when it has joined (or why the server refused).'
  }),
  'setup.startNew': method({
    input: Empty,
    output: z.object({ adminPin: z.string() }),
    access: 'public',
    description: 'Starts a new clinic on this workstation alone; answers the administrator’s one-time PIN.'
  }),
  'sync.status': method({
    input: Empty,
    output: SyncStatus.nullable(),
    access: EVERY_ROLE,
    description: 'Sync with the clinic server: online or offline, changes waiting, changes the server refused and why, the last sync; null when this workstation has not joined a server.'
  }),
  'sync.devices': method({
    input: Empty,
    output: SyncDevices,
    access: ADMIN,
    description:
      "The clinic's workstations as the clinic server lists them (enrolled, last contact, revoked by whom and why, this one marked), as last read: asking re-reads it in the background when older than 10 s and a sync change event follows. Also the outcome of revocations asked here. Fails when this workstation has not joined a clinic server, or when the server cannot be reached and no list was read yet."
  }),
  'sync.revokeDevice': method({
    input: z.object({ deviceId: z.string().min(1).max(100), pin: Pin, reason: NonEmpty(300) }).strict(),
    output: SyncRevocation,
    access: ADMIN,
    description:
      "Asks the clinic server to shut another workstation out at once. The server checks the signed-in administrator again with their own PIN, re-typed (five wrong PINs in ten minutes lock them out of this for ten minutes). Answers pending at once; the outcome (revoked, or refused and why) comes in sync.devices' revocations, with a sync change event."
  }),
  'auth.staffList': method({
    input: Empty,
    output: z.array(StaffMember.pick({ id: true, displayName: true, role: true })),
    access: 'public',
    description: 'Active staff for the sign-in picker.'
  }),
  'auth.login': method({
    input: z.object({ staffId: Id, pin: Pin }).strict(),
    output: Session,
    access: 'public',
    description: 'Signs a staff member in with their PIN; returns the session token for later calls.'
  }),
  'auth.logout': method({ input: Empty, output: Ok, access: EVERY_ROLE, description: 'Ends the current session (switch user).' }),
  'auth.me': method({ input: Empty, output: StaffMember, access: EVERY_ROLE, description: 'The signed-in staff member.' }),

  'clinic.get': method({ input: Empty, output: Clinic, access: EVERY_ROLE, description: 'The clinic this workstation belongs to.' }),
  'clinic.update': method({
    input: z
      .object({ name: NonEmpty(120).optional(), phone: Optional(40), email: Optional(120), address: Optional(300), timezone: NonEmpty(60).optional(), weightUnit: z.enum(['kg', 'lb']).optional() })
      .strict(),
    output: Clinic,
    access: ADMIN,
    description: 'Edits the clinic details; weightUnit is how every workstation of the clinic types and shows weights (kg or lb; stored in kg).'
  }),

  'staff.list': method({ input: Empty, output: z.array(StaffMember), access: EVERY_ROLE, description: 'All staff, active and inactive.' }),
  'staff.create': method({
    input: z.object({ displayName: NonEmpty(80), username: z.string().trim().regex(/^[a-z0-9._-]{2,40}$/, 'must be 2-40 lower-case letters, digits, . _ -'), role: Role, pin: Pin, licenseNumber: Optional(40) }).strict(),
    output: StaffMember,
    access: ADMIN,
    description: 'Adds a staff member with a role and a PIN.'
  }),
  'staff.update': method({
    input: z.object({ id: Id, displayName: NonEmpty(80).optional(), role: Role.optional(), active: z.boolean().optional(), pin: Pin.optional(), licenseNumber: Optional(40) }).strict(),
    output: StaffMember,
    access: ADMIN,
    description: 'Changes a staff member: name, role, PIN, or deactivates them.'
  }),

  'clients.create': method({
    input: z.object({ ...ClientFields, confirm: Confirm }).strict(),
    output: Client,
    access: EVERY_ROLE,
    description:
      'Registers a client (owner) with contacts. A likely duplicate (the same name, after case, accents and spacing, and a shared phone number or e-mail) is refused with needs-confirmation and the existing clients in `duplicates`, unless confirm is true.'
  }),
  'clients.update': method({
    input: z.object({ id: Id, ...ClientFields }).strict(),
    output: Client,
    access: EVERY_ROLE,
    description: 'Replaces a client’s details and contacts.'
  }),
  'clients.get': method({ input: z.object({ id: Id }).strict(), output: ClientDetail, access: EVERY_ROLE, description: 'A client with contacts and patients.' }),
  'clients.search': method({
    input: z.object({ query: z.string().trim().min(1, 'is required').max(80) , limit: z.number().int().min(1).max(100).default(20) }).strict(),
    output: z.array(Client),
    access: EVERY_ROLE,
    description: 'Clients by name or phone, those with no patient yet too; a pet’s name finds its owner (adding a patient, a payment without a visit, a pet’s new owner).'
  }),

  'patients.search': method({
    input: z
      .object({
        query: z.string().trim().min(1, 'is required').max(80),
        kind: z.enum(['auto', 'name', 'owner', 'phone', 'microchip']).default('auto'),
        limit: z.number().int().min(1).max(100).default(25),
        includeDeceased: z.boolean().default(true)
      })
      .strict(),
    output: z.array(PatientSummary),
    access: EVERY_ROLE,
    description:
      'Finds patients by patient name, owner name, owner phone (any trailing digits) or microchip. Forgiving: a name one edit away (4 letters or more) and 6 to 14 digits anywhere in a chip match too, ranked after exact and starting-with matches.'
  }),
  'patients.create': method({
    input: z.object({ clientId: Id, ...PatientFields, weightKg: z.number().positive('must be more than zero').max(2000, 'is more than any animal weighs').nullable().optional(), weight: WeightText.optional(), confirm: Confirm }).strict(),
    output: Patient,
    access: EVERY_ROLE,
    description:
      'Registers a patient for a client; an optional first weight (weightKg, or weight as typed with its unit). Refused: an impossible weight or age for the species, a birth date in the future. Needs confirm (needs-confirmation otherwise): a weight or age outside the plausible range, a patient of the same name and species under the same owner (in `duplicates`).'
  }),
  'patients.update': method({
    input: z.object({ id: Id, ...PatientFields, deceasedAt: IsoDate.nullable().optional(), confirm: Confirm }).strict(),
    output: Patient,
    access: EVERY_ROLE,
    description: 'Edits a patient’s details. A birth date in the future or an age beyond any of the species is refused; an age beyond the usual span needs confirm.'
  }),
  'patients.changeOwner': method({
    input: z.object({ id: Id, clientId: Id, reason: NonEmpty(300) }).strict(),
    output: Patient,
    access: OWNER_CHANGE_ROLES,
    description:
      'Gives the patient a new owner, an existing client (rehomed, adopted, sold, or filed under the wrong family member), with the reason; audited with both owners. Invoices, estimates, payments and credit stay with the earlier owner. A PetLifeLog registration this clinic keeps is transferred by itself. Refused: an unknown or removed client, the same owner, a deceased patient.'
  }),
  'patients.get': method({ input: z.object({ id: Id }).strict(), output: PatientDetail, access: EVERY_ROLE, description: 'Everything the patient page shows.' }),
  'patients.recordWeight': method({
    input: z
      .object({ patientId: Id, weightKg: z.number().positive('must be more than zero').max(2000, 'is more than any animal weighs').optional(), weight: WeightText.optional(), measuredAt: IsoDateTime.optional(), correctsId: Id.optional(), confirm: Confirm })
      .strict()
      .refine((i) => (i.weightKg === undefined) !== (i.weight === undefined), { message: 'is required', path: ['weight'] }),
    output: WeightEntry,
    access: EVERY_ROLE,
    description:
      'Appends a weight (weightKg, or weight as typed with its unit); a correction names the entry it replaces. Refused: impossible for the species. Needs confirm (needs-confirmation otherwise): outside the plausible range for the species, or a change of more than half from the last weight.'
  }),
  'patients.addAlert': method({
    input: z.object({ patientId: Id, kind: AlertKind, severity: Severity, text: NonEmpty(300) }).strict(),
    output: PatientAlert,
    access: CLINICAL,
    description: 'Adds an alert (allergy, behavior, medical) shown on every screen of the patient.'
  }),
  'patients.resolveAlert': method({
    input: z.object({ alertId: Id, reason: NonEmpty(300) }).strict(),
    output: Ok,
    access: CLINICAL,
    description: 'Resolves an alert; the alert and its resolution stay in the record.'
  }),

  'visits.create': method({
    input: z.object({ patientId: Id, veterinarianId: Id.nullable().optional(), reason: NonEmpty(200), status: z.enum(['booked', 'checked_in']).default('checked_in'), scheduledAt: IsoDateTime.nullable().optional() }).strict(),
    output: Visit,
    access: EVERY_ROLE,
    description: 'Books or checks in a visit; the assigned veterinarian is notified on check-in.'
  }),
  'visits.setStatus': method({
    input: z.object({ id: Id, status: VisitStatus }).strict(),
    output: Visit,
    access: EVERY_ROLE,
    description: 'Moves a visit along booked → checked in → in progress → completed, or cancels it.'
  }),

  'notes.add': method({
    input: z
      .object({ patientId: Id, visitId: Id.nullable().optional(), kind: NoteKind.default('soap'), subjective: OptionalText(20000), objective: OptionalText(20000), assessment: OptionalText(20000), plan: OptionalText(20000), body: OptionalText(20000) })
      .strict(),
    output: ClinicalNote,
    access: CLINICAL,
    description: 'Adds a clinical note (SOAP or free text) to the patient, optionally on a visit.'
  }),
  'notes.amend': method({
    input: z.object({ noteId: Id, subjective: OptionalText(20000), objective: OptionalText(20000), assessment: OptionalText(20000), plan: OptionalText(20000), body: OptionalText(20000) }).strict(),
    output: ClinicalNote,
    access: CLINICAL,
    description: 'Amends a note: a new version; the earlier one stays in the record.'
  }),

  'audit.list': method({
    input: z
      .object({
        patientId: Id.optional(),
        integrationId: Id.optional(),
        actorId: Id.optional(),
        direction: Direction.optional(),
        from: IsoDateTime.optional(),
        to: IsoDateTime.optional(),
        beforeSeq: z.number().int().positive().optional(),
        limit: z.number().int().min(1).max(500).default(100),
        ...AuditSearchFields
      })
      .strict(),
    output: z.array(AuditEntry),
    access: EVERY_ROLE,
    description: 'Audit entries, newest first, filtered by patient, integration, user, direction, time, action and words to search.'
  }),
  'audit.verify': method({ input: Empty, output: AuditVerifyResult, access: EVERY_ROLE, description: 'Checks the hash chain; names the first broken link.' }),

  'integrations.list': method({ input: Empty, output: z.array(Integration), access: EVERY_ROLE, description: 'Every configured integration with approval and live status.' }),
  'integrations.health': method({ input: Empty, output: z.array(IntegrationHealth), access: EVERY_ROLE, description: 'Whether each integration works: last message received and sent, errors in the last day, what to do.' }),
  'integrations.catalog': method({ input: Empty, output: IntegrationCatalog, access: EVERY_ROLE, description: 'What can connect to VetOS: the shipped catalog and the clinic’s own entries, read as they are now.' }),
  'integrations.create': method({
    input: z.object({ kind: IntegrationKind, name: NonEmpty(80), enabled: z.boolean().default(true), config: IntegrationConfig }).strict(),
    output: Integration,
    access: ADMIN,
    description: 'Configures an integration; it sends nothing until approved.'
  }),
  'integrations.update': method({
    input: z.object({ id: Id, name: NonEmpty(80).optional(), enabled: z.boolean().optional(), config: IntegrationConfig.optional() }).strict(),
    output: Integration,
    access: ADMIN,
    description: 'Changes an integration; a change of transport settings withdraws its approval.'
  }),
  'integrations.approve': method({
    input: z.object({ id: Id, categories: z.array(DataCategory).min(1, 'name at least one data category') }).strict(),
    output: Integration,
    access: ADMIN,
    description: 'Approves an integration to receive the named data categories.'
  }),
  'integrations.revoke': method({
    input: z.object({ id: Id, reason: NonEmpty(300) }).strict(),
    output: Integration,
    access: ADMIN,
    description: 'Withdraws approval; outbound data to it is refused from then on.'
  }),

  'labs.catalog': method({
    input: Empty,
    output: z.array(z.object({ integrationId: Id, integrationName: z.string(), kind: IntegrationKind, approved: z.boolean(), tests: z.array(CatalogTest) })),
    access: EVERY_ROLE,
    description: 'What can be ordered, per enabled lab and analyzer, and whether each is approved to receive orders.'
  }),
  'labs.placeOrder': method({
    input: z
      .object({
        patientId: Id,
        visitId: Id.nullable().optional(),
        integrationId: Id,
        tests: z.array(z.string().min(1).max(40)).min(1, 'choose at least one test').max(50),
        specimen: Optional(60),
        priority: z.enum(['routine', 'stat']).default('routine'),
        note: OptionalText(500)
      })
      .strict(),
    output: LabOrder,
    access: CLINICAL,
    description: 'Orders tests from a lab or analyzer; it goes out through the consent gate and the durable queue.'
  }),
  'labs.cancelOrder': method({ input: z.object({ orderId: Id, reason: NonEmpty(300) }).strict(), output: LabOrder, access: CLINICAL, description: 'Cancels an order; one already sent is cancelled at the lab too.' }),
  'labs.resubmitOrder': method({ input: z.object({ orderId: Id }).strict(), output: LabOrder, access: CLINICAL, description: 'Sends a failed or rejected order again.' }),
  'labs.markReviewed': method({ input: z.object({ orderId: Id }).strict(), output: LabOrder, access: ['veterinarian', 'admin'], description: 'The veterinarian has read the final results.' }),
  'labs.orders': method({ input: z.object({ patientId: Id }).strict(), output: z.array(LabOrder), access: EVERY_ROLE, description: 'A patient’s lab orders, newest first, each with its timeline.' }),
  'labs.results': method({ input: z.object({ patientId: Id }).strict(), output: z.array(LabReport), access: EVERY_ROLE, description: 'Result reports attached to a patient, newest first, corrections with their history.' }),
  'labs.trend': method({
    input: z.object({ patientId: Id, code: z.string().min(1).max(40) }).strict(),
    output: z.array(TrendPoint),
    access: EVERY_ROLE,
    description: 'One analyte over time for a patient, with reference ranges, oldest first.'
  }),
  'labs.report': method({
    input: z.object({ reportId: Id }).strict(),
    output: z.object({ report: LabReport, patient: Patient, owner: Client, clinic: Clinic }),
    access: EVERY_ROLE,
    description: 'One attached result report with its patient, owner and clinic, for printing.'
  }),
  'documents.list': method({ input: z.object({ patientId: Id }).strict(), output: z.array(DocumentInfo), access: EVERY_ROLE, description: 'Documents on the patient record: lab PDF reports and imported files.' }),
  'documents.get': method({
    input: z.object({ id: Id }).strict(),
    output: z.object({ id: Id, title: z.string(), mime: z.string(), base64: z.string() }),
    access: EVERY_ROLE,
    description: 'One document’s content (Base64), to open or print.'
  }),
  'labs.reviewQueue': method({ input: ReviewPage, output: z.array(ReviewItem), access: EVERY_ROLE, description: 'Results that did not attach by themselves, oldest first (at most `limit`, 50 unless given), with ranked candidates and reasons.' }),
  'labs.reviewCount': method({ input: Empty, output: z.object({ count: z.number().int() }), access: EVERY_ROLE, description: 'How many results wait in the review queue (the sidebar badge): a count, without ranking each.' }),
  'labs.attach': method({
    input: z.object({ reportId: Id, patientId: Id, orderId: Id.nullable().optional(), reason: NonEmpty(300) }).strict(),
    output: Ok,
    access: CLINICAL,
    description: 'A person attaches a result in review to a patient (and order).'
  }),
  'labs.detach': method({ input: z.object({ reportId: Id, reason: NonEmpty(300) }).strict(), output: Ok, access: CLINICAL, description: 'Undoes a wrong attachment: the result returns to review.' }),
  'labs.reject': method({ input: z.object({ reportId: Id, reason: NonEmpty(300) }).strict(), output: Ok, access: CLINICAL, description: 'Rejects a result in review (not ours, a test message).' }),

  'imaging.requestCreate': method({
    input: z
      .object({
        patientId: Id,
        visitId: Id.nullable().optional(),
        modality: ImagingModality,
        description: NonEmpty(64),
        scheduledAt: z.iso.datetime({ offset: true }).optional(),
        scheduledStationAet: z.string().trim().max(16).nullable().optional()
      })
      .strict(),
    output: ImagingRequest,
    access: CLINICAL,
    description: 'Requests imaging for a patient; the request waits on the Modality Worklist with its accession number and Study Instance UID.'
  }),
  'imaging.requestCancel': method({ input: z.object({ requestId: Id, reason: NonEmpty(300) }).strict(), output: ImagingRequest, access: CLINICAL, description: 'Takes a scheduled request off the worklist.' }),
  'imaging.requests': method({ input: z.object({ patientId: Id }).strict(), output: z.array(ImagingRequest), access: EVERY_ROLE, description: 'A patient’s imaging requests, newest first.' }),
  'imaging.studies': method({ input: z.object({ patientId: Id }).strict(), output: z.array(ImagingStudy), access: EVERY_ROLE, description: 'Studies attached to a patient, newest first, with their images.' }),
  'imaging.annotations': method({ input: z.object({ instanceId: Id }).strict(), output: AnnotationSet.nullable(), access: EVERY_ROLE, description: 'The latest saved annotations of an image, or null.' }),
  'imaging.annotationHistory': method({ input: z.object({ instanceId: Id }).strict(), output: z.array(AnnotationSet), access: EVERY_ROLE, description: 'Every saved version of an image’s annotations, newest first.' }),
  'imaging.saveAnnotations': method({
    input: z.object({ instanceId: Id, baseVersion: z.number().int().min(0), annotations: Annotations }).strict(),
    output: AnnotationSet,
    access: CLINICAL,
    description: 'Saves the annotations of an image as a new version (never overwriting); baseVersion is the version they were drawn on, and a stale one is a conflict.'
  }),
  'imaging.reviewQueue': method({ input: ReviewPage, output: z.array(ImagingReviewItem), access: EVERY_ROLE, description: 'Studies that did not attach by themselves, oldest first (at most `limit`, 50 unless given), with ranked candidates and reasons.' }),
  'imaging.reviewCount': method({ input: Empty, output: z.object({ count: z.number().int() }), access: EVERY_ROLE, description: 'How many studies wait in the review queue (the sidebar badge): a count, without ranking each.' }),
  'imaging.attach': method({
    input: z.object({ studyId: Id, patientId: Id, requestId: Id.nullable().optional(), reason: NonEmpty(300) }).strict(),
    output: Ok,
    access: CLINICAL,
    description: 'A person attaches a study in review to a patient (and request).'
  }),
  'imaging.detach': method({ input: z.object({ studyId: Id, reason: NonEmpty(300) }).strict(), output: Ok, access: CLINICAL, description: 'Undoes a wrong attachment: the study returns to review.' }),
  'imaging.reject': method({ input: z.object({ studyId: Id, reason: NonEmpty(300) }).strict(), output: Ok, access: CLINICAL, description: 'Rejects a study in review (a test image, another clinic’s).' }),
  'imaging.node': method({ input: Empty, output: DicomNode, access: EVERY_ROLE, description: 'The DICOM node: AE title, port, peers, counters and recent associations.' }),
  'documents.import': method({
    input: z
      .object({
        patientId: Id,
        visitId: Id.nullable().optional(),
        title: NonEmpty(200),
        mime: z.enum(['image/jpeg', 'image/png', 'application/pdf']),
        /** the file, Base64; at most about 30 MB */
        base64: z.string().min(4).max(40_000_000)
      })
      .strict(),
    output: DocumentInfo,
    access: CLINICAL,
    description: 'Imports a photo (JPEG, PNG, from a dental camera say) or a PDF into the patient record, linked to a visit.'
  }),

  'integrations.messages': method({
    input: z.object({ integrationId: Id.optional(), direction: z.enum(['inbound', 'outbound']), limit: z.number().int().min(1).max(200).default(50), beforeSeq: z.number().int().positive().optional() }).strict(),
    output: z.array(MessageLogEntry),
    access: EVERY_ROLE,
    description: 'The message log: every message received or queued, with its raw payload, newest first.'
  }),
  'integrations.reprocess': method({ input: z.object({ messageId: Id }).strict(), output: MessageLogEntry, access: ADMIN, description: 'Runs a received message that failed through the pipeline again.' }),
  'integrations.resubmit': method({ input: z.object({ messageId: Id }).strict(), output: MessageLogEntry, access: ADMIN, description: 'Puts a failed outbound message back at the head of its queue.' }),

  'notifications.list': method({
    input: z.object({ unreadOnly: z.boolean().default(false), limit: z.number().int().min(1).max(200).default(50) }).strict(),
    output: z.array(Notification),
    access: EVERY_ROLE,
    description: 'Notifications for the signed-in user, newest first.'
  }),
  'notifications.markRead': method({
    input: z.object({ ids: z.array(Id).max(500) }).strict(),
    output: Ok,
    access: EVERY_ROLE,
    description: 'Marks notifications as read.'
  }),
  ...billingMethods,
  ...proveniqMethods,
  ...petlifelogMethods,
  ...scannerMethods,
  ...auditMethods,
  ...todayMethods,
  ...captureMethods,
  ...supportMethods
} as const

export type Contract = typeof contract
export type MethodName = keyof Contract
export type MethodInput<M extends MethodName> = z.input<Contract[M]['input']>
export type MethodOutput<M extends MethodName> = z.infer<Contract[M]['output']>
export const METHOD_NAMES = Object.keys(contract) as MethodName[]

export function isMethodName(name: unknown): name is MethodName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(contract, name)
}

// ---------- errors and events that cross the boundary ----------

/** Stable error codes; the renderer switches on these, never on message text. */
export const ERROR_CODES = ['invalid-input', 'unknown-method', 'unauthenticated', 'forbidden', 'not-found', 'conflict', 'consent-refused', 'offline', 'internal-error', 'needs-confirmation'] as const
export type ErrorCode = (typeof ERROR_CODES)[number]

export interface ApiErrorBody {
  code: ErrorCode
  message: string
  /** invalid-input: one entry per offending field */
  issues?: { path: string; message: string }[]
  /** needs-confirmation for a likely duplicate: the existing records, to open instead */
  duplicates?: DuplicateRecord[]
}

export type ApiResponse<T> = { ok: true; result: T } | { ok: false; error: ApiErrorBody }

/** Live events pushed to the renderer (WebSocket on the hub, IPC in Electron). */
export interface ServerEvents {
  notification: Notification
  /** a read from this workstation's serial microchip scanner */
  chipScan: ChipScan
  changed: { entity: 'client' | 'patient' | 'visit' | 'note' | 'integration' | 'staff' | 'clinic' | 'audit' | 'imaging' | 'sync' | 'invoice' | 'payment' | 'refund' | 'plan' | 'card' | 'missing' | 'petlifelog' | 'lab' | 'capture'; id: string; patientId?: string | null }
}
export type ServerEvent = { [K in keyof ServerEvents]: { type: K; payload: ServerEvents[K] } }[keyof ServerEvents]

/** What the preload bridge exposes as window.vetos in Electron. */
export interface VetosBridge {
  invoke(method: string, input: unknown, token: string | null): Promise<ApiResponse<unknown>>
  onEvent(listener: (event: ServerEvent) => void): () => void
}
