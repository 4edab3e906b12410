/**
 * Capture mode: a new lab, analyzer or modality that nobody has profiled yet is listened to (or
 * dialled) and what it sends is kept, never filed to a patient and never answered with patient
 * data. A captured message is shown field by field, and a profile is built from it.
 */
import { z } from 'zod'
import { ADMIN, Id, method } from './common'
import { LabProfile } from './lab-profile'

/** One field of a captured message: where it is (PID-3, P-6, R-3.4, (0010,0010)) and what it holds. */
export const CapturedField = z.object({
  position: z.string(),
  /** the field's name in its standard, where it has one: a DICOM attribute's keyword (PatientName) */
  name: z.string().optional(),
  value: z.string(),
  /** what VetOS reads there with the device's profile, when it reads that place at all */
  label: z.string().nullable()
})
export type CapturedField = z.infer<typeof CapturedField>

/** A segment (HL7), a record (ASTM) or a module of attributes (DICOM), with its fields that hold something. */
export const CapturedPart = z.object({ name: z.string(), fields: z.array(CapturedField) })
export type CapturedPart = z.infer<typeof CapturedPart>

export const CapturedMessage = z.object({
  id: Id,
  integrationId: Id,
  receivedAt: z.string(),
  peer: z.string(),
  /** mllp (HL7), astm, dicom */
  transport: z.string(),
  messageType: z.string().nullable(),
  /** the message as text (segments or records one per line); a DICOM object's attributes */
  text: z.string(),
  parts: z.array(CapturedPart),
  /** why it could not be read field by field, when it could not */
  problem: z.string().nullable()
})
export type CapturedMessage = z.infer<typeof CapturedMessage>

/** One identifier as the message sent it and as VetOS reads it with the profile. */
export const PreviewIdentifier = z.object({
  /** Patient id, Pet name, Owner family name, Owner given name, Date of birth, Sex, Species, Breed */
  what: z.string(),
  sent: z.string(),
  /** what it means here (canine, female/neutered); null when the profile does not understand it */
  reads: z.string().nullable()
})

export const PreviewResult = z.object({
  /** the code as the device sent it */
  sent: z.string(),
  /** the code and name it is filed under with this profile */
  code: z.string(),
  name: z.string(),
  /** the profile's code map names it */
  mapped: z.boolean(),
  value: z.string(),
  units: z.string().nullable(),
  flag: z.string().nullable()
})

/** One report (an OBR, an ASTM order block, a DICOM study) as it would now be read and matched. */
export const PreviewReport = z.object({
  orderNumber: z.string().nullable(),
  title: z.string().nullable(),
  identifiers: z.array(PreviewIdentifier),
  results: z.array(PreviewResult),
  /** attach: the matching rule would file it to that patient by itself; review: a person decides, for these reasons */
  match: z.object({ outcome: z.enum(['attach', 'review']), patientId: Id.nullable(), patientName: z.string().nullable(), reasons: z.array(z.string()) })
})
export type PreviewReport = z.infer<typeof PreviewReport>

export const CapturePreview = z.object({
  messageId: Id,
  receivedAt: z.string(),
  messageType: z.string().nullable(),
  /** why the message cannot be read with this profile */
  problem: z.string().nullable(),
  /** what else to know (a host query, a message type VetOS does not file) */
  note: z.string().nullable(),
  reports: z.array(PreviewReport)
})
export type CapturePreview = z.infer<typeof CapturePreview>

export const captureMethods = {
  'integrations.capturePreview': method({
    input: z.object({ integrationId: Id, profile: LabProfile, limit: z.number().int().min(1).max(100).default(20) }).strict(),
    output: z.array(CapturePreview),
    access: ADMIN,
    description: 'How each captured message would be read and matched with this profile (not saved): nothing is stored or filed.'
  }),
  'integrations.captures': method({
    input: z.object({ integrationId: Id, limit: z.number().int().min(1).max(200).default(50), profile: LabProfile.optional() }).strict(),
    output: z.array(CapturedMessage),
    access: ADMIN,
    description: 'What an integration in capture mode has recorded, newest first, each message field by field; each place labelled with what the profile reads there (`profile`, a draft not saved, else the saved one).'
  })
}
