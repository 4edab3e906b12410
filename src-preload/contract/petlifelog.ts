/**
 * PetLifeLog's part of the API contract: the PROVENIQ microchip registry. A lookup asks the
 * service who a chip belongs to (the owner's contact only where the owner allowed sharing);
 * a patient's chip is registered to its owner, kept up to date and transferred from an outbox
 * on this workstation, only for the categories the clinic approved and never for a patient the
 * clinic opted out.
 */
import { z } from 'zod'
import { EVERY_ROLE, Id, NonEmpty, method } from './common'
import { PetMaydayReport } from './proveniq'

/** An active PetMayday report on the looked-up chip, as the service returns it (public fields only). */
export const ChipMissingReport = PetMaydayReport.extend({ createdAt: z.string() })
export type ChipMissingReport = z.infer<typeof ChipMissingReport>

const LookupBase = {
  /** normalised as VetOS does (ISO: 15 digits; other formats as read, upper-cased) */
  chip: z.string(),
  /** as typed or scanned */
  chipRaw: z.string(),
  chipType: z.string(),
  missingReports: z.array(ChipMissingReport)
}

/** One of three answers: not registered; registered with the owner's contact (the owner allowed it); registered, the owner notified instead. */
export const ChipLookup = z.discriminatedUnion('outcome', [
  z.object({ outcome: z.literal('not-registered'), ...LookupBase }),
  z.object({
    outcome: z.literal('owner-contact'),
    ...LookupBase,
    species: z.string().nullable(),
    petName: z.string().nullable(),
    owner: z.object({ name: z.string(), phone: z.string().nullable(), email: z.string().nullable() })
  }),
  z.object({
    outcome: z.literal('owner-notified'),
    ...LookupBase,
    species: z.string().nullable(),
    petName: z.string().nullable(),
    /** "the owner has been notified through PetLifeLog": the owner chose not to share contact */
    message: z.string(),
    relayId: z.string()
  })
])
export type ChipLookup = z.infer<typeof ChipLookup>

export const OUTBOX_ACTIONS = ['register', 'update', 'transfer'] as const
export const PetLifeLogOutboxItem = z.object({
  id: Id,
  action: z.enum(OUTBOX_ACTIONS),
  chip: z.string(),
  /** what it carries, in words ("register to Jane Smith, contact shared with finders") */
  summary: z.string(),
  state: z.enum(['pending', 'failed']),
  attempts: z.number().int(),
  /** why the last attempt did not go (offline, the service's refusal, the consent gate's) */
  lastError: z.string().nullable(),
  queuedAt: z.string(),
  /** pending: when the next attempt is due */
  nextAttemptAt: z.string().nullable()
})
export type PetLifeLogOutboxItem = z.infer<typeof PetLifeLogOutboxItem>

export const PetLifeLogStatus = z.object({
  patientId: Id,
  /** the patient's chip, normalised; null without a chip */
  chip: z.string().nullable(),
  chipRaw: z.string().nullable(),
  /**
   * no-chip; opted-out (the clinic's decision for this patient); failed (the newest send was refused: see outbox);
   * pending (waiting in the outbox); registered (by this clinic, up to date); not-registered
   */
  state: z.enum(['no-chip', 'opted-out', 'failed', 'pending', 'registered', 'not-registered']),
  optOut: z.boolean(),
  /** what this clinic registered last for this patient's chip, as the service confirmed it */
  registration: z
    .object({
      chip: z.string(),
      ownerName: z.string(),
      /** registered to the patient's owner now (false after a change of owner: sharing was the earlier owner's choice) */
      sameOwner: z.boolean(),
      shareContact: z.boolean(),
      registeredAt: z.string(), updatedAt: z.string() })
    .nullable(),
  outbox: z.array(PetLifeLogOutboxItem),
  /** what the clinic's approval of its PetLifeLog integration allows now */
  approval: z.object({
    /** an enabled PetLifeLog integration with its address and key */
    configured: z.boolean(),
    approved: z.boolean(),
    microchip: z.boolean(),
    ownerContact: z.boolean(),
    /** in words, when something is missing for a registration to go */
    problem: z.string().nullable()
  })
})
export type PetLifeLogStatus = z.infer<typeof PetLifeLogStatus>

// Registration, opt-out: the people who look after patients at the desk and in the exam room.
const CARE = ['veterinarian', 'technician', 'front_desk', 'admin'] as const

export const petlifelogMethods = {
  'petlifelog.lookup': method({
    input: z.object({ chip: NonEmpty(64) }).strict(),
    output: ChipLookup,
    access: EVERY_ROLE,
    description:
      'Looks a microchip up in PetLifeLog (as typed or scanned): not registered, the owner’s contact where the owner allowed sharing, or "the owner has been notified"; with active PetMayday reports on the chip. Offline: error offline.'
  }),
  'petlifelog.status': method({
    input: z.object({ patientId: Id }).strict(),
    output: PetLifeLogStatus,
    access: EVERY_ROLE,
    description: 'This patient’s PetLifeLog registration: registered by this clinic, waiting in the outbox, failed (why), opted out or not registered; and what the clinic’s approval allows.'
  }),
  'petlifelog.register': method({
    input: z.object({ patientId: Id, shareContact: z.boolean().default(false) }).strict(),
    output: PetLifeLogStatus,
    access: CARE,
    description: 'Registers the patient’s microchip to its owner (the owner client’s name, phone, e-mail) with PetLifeLog; queued when PetLifeLog cannot be reached. shareContact: the owner allows finders to see the contact.'
  }),
  'petlifelog.setOptOut': method({
    input: z.object({ patientId: Id, optOut: z.boolean() }).strict(),
    output: PetLifeLogStatus,
    access: CARE,
    description: 'The clinic’s decision that this patient’s chip and owner are never shared with PetLifeLog (on every workstation); waiting sends for it are dropped.'
  })
}
