/**
 * Capture mode: a new lab, analyzer or modality that nobody has profiled yet is listened to (or
 * dialled) and what it sends is kept, never filed to a patient and never answered with patient
 * data. A captured message is shown field by field, and a profile is built from it.
 */
import { z } from 'zod'
import { ADMIN, Id, method } from './common'

/** One field of a captured message: where it is (PID-3, P-6, R-3.4, (0010,0010)) and what it holds. */
export const CapturedField = z.object({
  position: z.string(),
  /** the field's name in its standard, where it has one: a DICOM attribute's keyword (PatientName) */
  name: z.string().optional(),
  value: z.string(),
  /** what VetOS reads there by default, when it reads that place at all */
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

export const captureMethods = {
  'integrations.captures': method({
    input: z.object({ integrationId: Id, limit: z.number().int().min(1).max(200).default(50) }).strict(),
    output: z.array(CapturedMessage),
    access: ADMIN,
    description: 'What an integration in capture mode has recorded, newest first, each message field by field.'
  })
}
