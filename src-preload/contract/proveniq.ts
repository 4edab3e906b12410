/**
 * The PROVENIQ network's part of the API contract. PetMayday: the active missing-pet reports a
 * patient matches, from the list this workstation keeps (so it answers offline too).
 */
import { z } from 'zod'
import { Empty, EVERY_ROLE, Id, IsoDate, IsoDateTime, NonEmpty, Optional, OptionalText, method } from './common'

export const MissingMatch = z.object({
  /** exact: the same microchip; possible: same species and name, last seen where the owner lives (a person confirms) */
  kind: z.enum(['exact', 'possible']),
  reportId: z.string(),
  /** normalised, as the report has it */
  microchip: z.string().nullable(),
  microchipRaw: z.string().nullable(),
  species: z.string(),
  breed: z.string().nullable(),
  colour: z.string().nullable(),
  sex: z.string(),
  name: z.string().nullable(),
  lastSeenArea: z.string(),
  lastSeenAt: z.string(),
  filedBy: z.object({ name: z.string(), kind: z.string() }),
  updatedAt: z.string()
})
export type MissingMatch = z.infer<typeof MissingMatch>

/** A PetMayday report as anyone in the network sees it (the public fields). */
export const PetMaydayReport = z.object({
  id: z.string(),
  status: z.string(),
  microchip: z.string().nullable(),
  microchipRaw: z.string().nullable(),
  species: z.string(),
  breed: z.string().nullable(),
  colour: z.string().nullable(),
  sex: z.string(),
  name: z.string().nullable(),
  /** fetch it with petmayday.photo; false from the list kept here (it keeps no photos) */
  hasPhoto: z.boolean(),
  lastSeenArea: z.string(),
  lastSeenAt: z.string(),
  filedBy: z.object({ name: z.string(), kind: z.string() }),
  updatedAt: z.string()
})
export type PetMaydayReport = z.infer<typeof PetMaydayReport>

export const PetMaydayList = z.object({
  /** service: PetMayday answered; local: it could not be reached, the list kept on this workstation answered */
  source: z.enum(['service', 'local']),
  /** the area searched (the clinic's town when none was given), null for everywhere */
  area: z.string().nullable(),
  /** what the person should know about this answer (offline), in words */
  notice: z.string().nullable(),
  reports: z.array(PetMaydayReport)
})
export type PetMaydayList = z.infer<typeof PetMaydayList>

export const PetMaydayRelay = z.object({
  id: z.string(),
  /** sighting: seen; found: the finder has the animal */
  kind: z.string(),
  from: z.object({ name: z.string(), kind: z.string() }),
  /** how the owner reaches the finder */
  replyTo: z.string().nullable(),
  text: z.string(),
  at: z.string()
})

/** A report this clinic filed: the owner part and what was relayed to the owner. */
export const PetMaydayOwnReport = PetMaydayReport.extend({
  createdAt: z.string(),
  owner: z.object({ name: z.string(), contact: z.string(), shareContact: z.boolean() }),
  relays: z.array(PetMaydayRelay)
})
export type PetMaydayOwnReport = z.infer<typeof PetMaydayOwnReport>

export const PetMaydaySighting = z.object({
  relayId: z.string(),
  kind: z.string(),
  /** the owner chose to share their contact: it is given here */
  owner: z.object({ name: z.string(), contact: z.string() }).nullable(),
  /** what was done, in words for the person at the desk */
  message: z.string(),
  /** the clinic's contact the owner is relayed */
  contactSent: z.string()
})
export type PetMaydaySighting = z.infer<typeof PetMaydaySighting>

export const PetMaydayChipMatches = z.object({
  chip: z.string(),
  chipRaw: z.string(),
  chipType: z.string(),
  /** active reports on this chip, from the list kept on this workstation (so offline too) */
  reports: z.array(PetMaydayReport),
  /** this clinic's patients with this chip */
  patients: z.array(z.object({ id: Id, name: z.string(), species: z.string(), ownerName: z.string() }))
})
export type PetMaydayChipMatches = z.infer<typeof PetMaydayChipMatches>

/** A found-animal notice: a member has an animal that matched no missing-pet report. */
export const PetMaydayFoundNotice = z.object({
  id: z.string(),
  status: z.string(),
  microchip: z.string().nullable(),
  microchipRaw: z.string().nullable(),
  species: z.string(),
  breed: z.string().nullable(),
  colour: z.string().nullable(),
  sex: z.string(),
  description: z.string().nullable(),
  foundArea: z.string(),
  foundAt: z.string(),
  /** how to reach the finder */
  contact: z.string(),
  postedBy: z.object({ name: z.string(), kind: z.string() }),
  /** posted by this clinic (it may close it) */
  ours: z.boolean()
})
export type PetMaydayFoundNotice = z.infer<typeof PetMaydayFoundNotice>

// Filing and answering reports: the people at the desk and in the exam room (every role of the clinic today).
const FILERS = ['veterinarian', 'technician', 'front_desk', 'admin'] as const
const ReportId = z.uuid({ message: 'must be a report id' })
/** a photo the user picked: a data URL (JPEG, PNG or WebP); PetMayday keeps at most 2 MB */
const PhotoDataUrl = z
  .string()
  .max(3_000_000, 'must be at most 2 MB')
  .regex(/^data:image\/(jpeg|png|webp);base64,[A-Za-z0-9+/=\s]+$/, 'must be a JPEG, PNG or WebP image')

export const proveniqMethods = {
  'proveniq.missingMatches': method({
    input: z.object({ patientId: Id }).strict(),
    output: z.array(MissingMatch),
    access: EVERY_ROLE,
    description: 'Active PetMayday missing-pet reports this patient matches (exact microchip matches first), from the list kept on this workstation.'
  }),
  'petmayday.reports': method({
    input: z
      .object({
        species: z.string().trim().max(40).optional(),
        /** a town or postcode; omitted: the clinic's own town; empty: everywhere */
        area: Optional(200),
        since: IsoDate.optional(),
        colour: Optional(100)
      })
      .strict(),
    output: PetMaydayList,
    access: EVERY_ROLE,
    description: 'Active PetMayday missing-pet reports near the clinic (filters: species, area, last seen since, colour); from PetMayday, or from the list kept here when it cannot be reached (source local, with a notice).'
  }),
  'petmayday.photo': method({
    input: z.object({ reportId: ReportId }).strict(),
    output: z.object({ dataUrl: z.string() }),
    access: EVERY_ROLE,
    description: 'The photo of a PetMayday report, as a data URL.'
  }),
  'petmayday.reportMissing': method({
    input: z
      .object({
        patientId: Id,
        lastSeenArea: NonEmpty(200),
        lastSeenAt: IsoDateTime,
        /** the owner allows a finder to be given their contact (otherwise PetMayday relays) */
        shareContact: z.boolean().default(false),
        /** how to reach the owner; omitted: the client's primary phone and e-mail */
        ownerContact: Optional(300),
        photo: PhotoDataUrl.optional()
      })
      .strict(),
    output: PetMaydayOwnReport,
    access: FILERS,
    description: 'Reports a patient missing on PetMayday on its owner’s behalf (the pet’s chip and description, where and when last seen, the owner’s name and contact, an optional photo).'
  }),
  'petmayday.ownReports': method({
    input: Empty,
    output: z.array(PetMaydayOwnReport),
    access: EVERY_ROLE,
    description: 'The reports this clinic filed that are still open (active or found), with what was relayed to the owner.'
  }),
  'petmayday.setStatus': method({
    input: z.object({ reportId: ReportId, status: z.enum(['found', 'closed']) }).strict(),
    output: PetMaydayOwnReport,
    access: FILERS,
    description: 'Marks one of this clinic’s reports found (the pet is home) or closes it.'
  }),
  'petmayday.seenHere': method({
    input: z
      .object({
        reportId: ReportId,
        /** the animal is with the clinic (otherwise it was seen) */
        found: z.boolean().default(false),
        note: OptionalText(2000),
        /** the patient it was matched to, for this clinic's audit log */
        patientId: Id.optional()
      })
      .strict(),
    output: PetMaydaySighting,
    access: FILERS,
    description: 'Answers a report that the pet is here or was seen: the owner is relayed the clinic’s contact (from the clinic settings).'
  }),
  'petmayday.findByChip': method({
    input: z.object({ chip: NonEmpty(64) }).strict(),
    output: PetMaydayChipMatches,
    access: EVERY_ROLE,
    description: 'A found animal’s chip: the active reports on it from the list kept here (offline too) and this clinic’s patients with it.'
  }),
  'petmayday.foundNotices': method({
    input: z.object({ species: z.string().trim().max(40).optional(), area: Optional(200), since: IsoDate.optional() }).strict(),
    output: z.object({ area: z.string().nullable(), notices: z.array(PetMaydayFoundNotice) }),
    access: EVERY_ROLE,
    description: 'Open found-animal notices near the clinic (area: omitted for the clinic’s town, empty for everywhere). Offline: error offline.'
  }),
  'petmayday.postFound': method({
    input: z
      .object({
        microchip: Optional(64),
        species: z.string().trim().min(1, 'is required').max(40),
        breed: Optional(100),
        colour: Optional(100),
        sex: z.enum(['male', 'female', 'unknown']).default('unknown'),
        description: OptionalText(1000),
        foundArea: NonEmpty(200),
        foundAt: IsoDateTime
      })
      .strict(),
    output: PetMaydayFoundNotice,
    access: FILERS,
    description: 'Posts a found-animal notice for an animal that matched no report, with the clinic’s contact (from Settings) for its owner to call.'
  }),
  'petmayday.closeFound': method({
    input: z.object({ noticeId: ReportId }).strict(),
    output: PetMaydayFoundNotice,
    access: FILERS,
    description: 'Closes one of this clinic’s found-animal notices (the animal went home).'
  })
}
