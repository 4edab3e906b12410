/**
 * PetMayday: missing-pet reports. Any member files one (for an owner, or a shelter's own animal);
 * only the member that filed it changes it. The owner's name and contact are PetMayday's to keep:
 * public answers (the list, a report read by another member, the shape) carry the public fields
 * only, and a finder reaches the owner through the relay unless the owner chose to share.
 */
import { v7 as uuidv7 } from 'uuid'
import { z } from 'zod'
import { Sex, SPECIES } from '../src-preload/contract/index'
import type { Db, Queryable } from '../src-server/db'
import { HttpError } from '../src-server/sync/errors'
import { audit } from './audit'
import type { Member, MemberKind } from './members'
import { memberLabel, relay, type RelayKind } from './relay'
import { decodePhoto, flag, idFromPath, iso, line, microchip, oneOf, paragraph, parse, pastDateTime, type PhotoType } from './validate'
import type { REPORT_STATUSES } from './schema'

export type ReportStatus = (typeof REPORT_STATUSES)[number]

/** What anyone in the network may see of a report. */
export interface PublicReport {
  id: string
  status: ReportStatus
  /** normalised (ISO: 15 digits), null when the pet has no known chip */
  microchip: string | null
  microchipRaw: string | null
  species: string
  breed: string | null
  colour: string | null
  sex: string
  name: string | null
  /** GET it with the member key; null when the report has no photo */
  photoUrl: string | null
  lastSeenArea: string
  lastSeenAt: string
  filedBy: { name: string; kind: MemberKind }
  createdAt: string
  updatedAt: string
}

/** The member that filed a report also sees what it was told about the owner. */
export interface OwnReport extends PublicReport {
  owner: { name: string; contact: string; shareContact: boolean }
}

const SPECIES_VALUES = SPECIES as unknown as readonly [string, ...string[]]
const SEX_VALUES = Sex.options as unknown as readonly [string, ...string[]]

const photoField = () => z.string({ error: 'must be the image as base64, or null to remove it' })

const FileReport = z.strictObject({
  microchip: microchip().nullable().optional(),
  species: oneOf(SPECIES_VALUES),
  breed: line(100).nullable().optional(),
  colour: line(100).nullable().optional(),
  sex: oneOf(SEX_VALUES).optional(),
  name: line(100).nullable().optional(),
  photo: photoField().nullable().optional(),
  lastSeenArea: line(200),
  lastSeenAt: pastDateTime(),
  ownerName: line(200),
  ownerContact: line(300),
  shareContact: flag().optional()
})

const PatchReport = z.strictObject({
  status: oneOf(['found', 'closed']).optional(),
  microchip: microchip().nullable().optional(),
  species: oneOf(SPECIES_VALUES).optional(),
  breed: line(100).nullable().optional(),
  colour: line(100).nullable().optional(),
  sex: oneOf(SEX_VALUES).optional(),
  name: line(100).nullable().optional(),
  photo: photoField().nullable().optional(),
  lastSeenArea: line(200).optional(),
  lastSeenAt: pastDateTime().optional(),
  ownerName: line(200).optional(),
  ownerContact: line(300).optional(),
  shareContact: flag().optional()
})

const DATE_OR_TIME = z.union([z.iso.date(), z.iso.datetime({ offset: true })])

const ListQuery = z.strictObject({
  status: oneOf(['active', 'found', 'closed']).default('active'),
  species: oneOf(SPECIES_VALUES).optional(),
  area: line(200).optional(),
  since: z.string().refine((v) => DATE_OR_TIME.safeParse(v).success, 'must be an ISO 8601 date (2025-05-01) or date and time with its zone').optional(),
  limit: z
    .string()
    .regex(/^\d{1,3}$/, 'must be a number from 1 to 500')
    .transform(Number)
    .refine((n) => n >= 1 && n <= 500, 'must be a number from 1 to 500')
    .optional()
})

const Sighting = z.strictObject({
  /** how the owner reaches the finder: the clinic's phone, a name to ask for */
  contact: line(300),
  note: paragraph(2000).optional(),
  /** the finder has the animal (kind `found`), rather than having seen it (kind `sighting`) */
  found: flag().optional()
})

export const PUBLIC_COLUMNS = `r.id, r.status, r.microchip, r.microchip_raw, r.species, r.breed, r.colour, r.sex, r.name, (r.photo IS NOT NULL) AS has_photo,
  r.last_seen_area, r.last_seen_at, m.name AS filed_by, m.kind AS filed_by_kind, r.created_at, r.updated_at`

interface ReportRow {
  id: string
  status: ReportStatus
  microchip: string | null
  microchip_raw: string | null
  species: string
  breed: string | null
  colour: string | null
  sex: string
  name: string | null
  has_photo: boolean
  last_seen_area: string
  last_seen_at: Date
  filed_by: string
  filed_by_kind: MemberKind
  created_at: Date
  updated_at: Date
}

interface PrivateRow extends ReportRow {
  member_id: string
  owner_name: string
  owner_contact: string
  share_contact: boolean
}

const PRIVATE_COLUMNS = `${PUBLIC_COLUMNS}, r.member_id, r.owner_name, r.owner_contact, r.share_contact`

function publicReport(r: ReportRow): PublicReport {
  return {
    id: r.id,
    status: r.status,
    microchip: r.microchip,
    microchipRaw: r.microchip_raw,
    species: r.species,
    breed: r.breed,
    colour: r.colour,
    sex: r.sex,
    name: r.name,
    photoUrl: r.has_photo ? `/v1/reports/${r.id}/photo` : null,
    lastSeenArea: r.last_seen_area,
    lastSeenAt: iso(r.last_seen_at)!,
    filedBy: { name: r.filed_by, kind: r.filed_by_kind },
    createdAt: iso(r.created_at)!,
    updatedAt: iso(r.updated_at)!
  }
}

function ownReport(r: PrivateRow): OwnReport {
  return { ...publicReport(r), owner: { name: r.owner_name, contact: r.owner_contact, shareContact: r.share_contact } }
}

async function selectReport(q: Queryable, id: string, lock = false): Promise<PrivateRow | undefined> {
  const [row] = await q.query<PrivateRow>(`SELECT ${PRIVATE_COLUMNS} FROM missing_reports r JOIN members m ON m.id = r.member_id WHERE r.id = $1${lock ? ' FOR UPDATE OF r' : ''}`, [id])
  return row
}

const notFound = (id: string): HttpError => new HttpError(404, 'not-found', `there is no missing-pet report ${id}`)

/**
 * One active report per chip (a unique index): a second would raise a second alert for one pet.
 * Answered 409 naming the report that stands, so the member can add a sighting or ask its filer.
 * The index decides a race between two filings; the look-up first only makes the answer helpful.
 */
async function oneActivePerChip<T>(q: Queryable, chip: string | null | undefined, self: string, write: () => Promise<T>): Promise<T> {
  const refused = (detail: string) => new HttpError(409, 'already-reported', `chip ${chip} is already on an active missing-pet report${detail}; add a sighting to it instead`)
  if (chip) {
    const [other] = await q.query<{ id: string; filed_by: string }>(
      "SELECT r.id, m.name AS filed_by FROM missing_reports r JOIN members m ON m.id = r.member_id WHERE r.microchip = $1 AND r.status = 'active' AND r.id <> $2",
      [chip, self]
    )
    if (other) throw refused(` (${other.id}, filed by ${other.filed_by})`)
  }
  try {
    return await write()
  } catch (e) {
    if ((e as { code?: string }).code === '23505' && chip) throw refused('')
    throw e
  }
}

export async function fileReport(db: Db, member: Member, body: unknown): Promise<OwnReport> {
  const input = parse(FileReport, body)
  const photo = input.photo === undefined || input.photo === null ? null : decodePhoto(input.photo)
  const id = uuidv7()
  return db.tx(async (q) => {
    await oneActivePerChip(q, input.microchip?.normalized, id, () =>
      q.query(
        `INSERT INTO missing_reports (id, member_id, microchip, microchip_raw, species, breed, colour, sex, name, photo, photo_type, last_seen_area, last_seen_at, owner_name, owner_contact, share_contact)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)`,
        [
          id,
          member.id,
          input.microchip?.normalized ?? null,
          input.microchip?.raw ?? null,
          input.species,
          input.breed ?? null,
          input.colour ?? null,
          input.sex ?? 'unknown',
          input.name ?? null,
          photo?.bytes ?? null,
          photo?.type ?? null,
          input.lastSeenArea,
          input.lastSeenAt,
          input.ownerName,
          input.ownerContact,
          input.shareContact ?? false
        ]
      )
    )
    await audit(q, member.id, 'report.filed', id, { microchip: input.microchip?.normalized ?? null, species: input.species })
    return ownReport((await selectReport(q, id))!)
  })
}

// camelCase field → column, for the fields a PATCH may set besides status and photo.
const PATCH_COLUMNS = {
  species: 'species',
  breed: 'breed',
  colour: 'colour',
  sex: 'sex',
  name: 'name',
  lastSeenArea: 'last_seen_area',
  lastSeenAt: 'last_seen_at',
  ownerName: 'owner_name',
  ownerContact: 'owner_contact',
  shareContact: 'share_contact'
} as const

/**
 * Marks a report found or closed, or changes its fields; only by the member that filed it. Fields
 * change only while the report is active; found may still be closed; nothing reopens (a pet lost
 * again is a new report).
 */
export async function updateReport(db: Db, member: Member, rawId: string, body: unknown): Promise<OwnReport> {
  const id = idFromPath(rawId, 'missing-pet report')
  const input = parse(PatchReport, body)
  const fields = Object.keys(input).filter((k) => k !== 'status' && input[k as keyof typeof input] !== undefined)
  if (!input.status && fields.length === 0) throw new HttpError(400, 'bad-request', 'nothing to change: give status (found or closed) or the fields to change')
  const photo = input.photo === undefined || input.photo === null ? input.photo : decodePhoto(input.photo)
  return db.tx(async (q) => {
    const row = await selectReport(q, id, true)
    if (!row) throw notFound(id)
    if (row.member_id !== member.id) throw new HttpError(403, 'not-yours', `only ${row.filed_by}, which filed this report, may change it`)
    if (fields.length > 0 && row.status !== 'active') throw new HttpError(409, 'not-active', `this report is ${row.status}: its details no longer change`)
    if (input.status && input.status !== row.status && row.status !== 'active' && !(row.status === 'found' && input.status === 'closed')) {
      throw new HttpError(409, 'not-active', `this report is ${row.status} and cannot become ${input.status}; file a new report if the pet is missing again`)
    }
    const sets: string[] = []
    const params: unknown[] = [id]
    const set = (column: string, value: unknown) => {
      params.push(value)
      sets.push(`${column} = $${params.length}`)
    }
    if (input.status) set('status', input.status)
    for (const [field, column] of Object.entries(PATCH_COLUMNS)) {
      const value = input[field as keyof typeof PATCH_COLUMNS]
      if (value !== undefined) set(column, value)
    }
    if (input.microchip !== undefined) {
      set('microchip', input.microchip?.normalized ?? null)
      set('microchip_raw', input.microchip?.raw ?? null)
    }
    if (photo !== undefined) {
      set('photo', photo?.bytes ?? null)
      set('photo_type', photo?.type ?? null)
    }
    sets.push('updated_at = now()')
    await oneActivePerChip(q, input.microchip?.normalized, id, () => q.query(`UPDATE missing_reports SET ${sets.join(', ')} WHERE id = $1`, params))
    await audit(q, member.id, 'report.updated', id, { status: input.status ?? null, fields })
    return ownReport((await selectReport(q, id))!)
  })
}

/**
 * The WHERE clauses and parameters of a list (missing-pet reports, found notices): status, species,
 * an area as a person types it (a town or a postcode, found anywhere in the place, without case),
 * a date since; the limit is the last parameter.
 */
function listFilters(f: { status: string; species?: string; area?: string; since?: string; limit?: number }, c: { alias: string; area: string; at: string }): { where: string[]; params: unknown[] } {
  const where = [`${c.alias}.status = $1`]
  const params: unknown[] = [f.status]
  const add = (clause: (n: number) => string, value: unknown) => {
    params.push(value)
    where.push(clause(params.length))
  }
  if (f.species) add((n) => `${c.alias}.species = $${n}`, f.species)
  if (f.area) add((n) => `${c.alias}.${c.area} ILIKE $${n} ESCAPE '\\'`, `%${f.area.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`)
  if (f.since) add((n) => `${c.alias}.${c.at} >= $${n}`, new Date(f.since!))
  params.push(f.limit ?? 100)
  return { where, params }
}

/** The list, public fields only, newest sighting first; active reports unless status says otherwise. */
export async function listReports(q: Queryable, query: unknown): Promise<PublicReport[]> {
  const { where, params } = listFilters(parse(ListQuery, query, 'the query'), { alias: 'r', area: 'last_seen_area', at: 'last_seen_at' })
  const rows = await q.query<ReportRow>(
    `SELECT ${PUBLIC_COLUMNS} FROM missing_reports r JOIN members m ON m.id = r.member_id WHERE ${where.join(' AND ')} ORDER BY r.last_seen_at DESC, r.id LIMIT $${params.length}`,
    params
  )
  return rows.map(publicReport)
}

/** One report (audited): public fields, and the owner's details for the member that filed it. */
export async function readReport(db: Db, member: Member, rawId: string): Promise<PublicReport | OwnReport> {
  const id = idFromPath(rawId, 'missing-pet report')
  return db.tx(async (q) => {
    const row = await selectReport(q, id)
    if (!row) throw notFound(id)
    await audit(q, member.id, 'report.read', id)
    return row.member_id === member.id ? ownReport(row) : publicReport(row)
  })
}

/** Public reports on a chip that are still active (a lookup tells the finder the pet is missing). */
export async function activeReportsForChip(q: Queryable, chip: string): Promise<PublicReport[]> {
  const rows = await q.query<ReportRow>(
    `SELECT ${PUBLIC_COLUMNS} FROM missing_reports r JOIN members m ON m.id = r.member_id WHERE r.microchip = $1 AND r.status = 'active' ORDER BY r.last_seen_at DESC`,
    [chip]
  )
  return rows.map(publicReport)
}

/** The report's photo (audited as a read of the report). */
export async function reportPhoto(db: Db, member: Member, rawId: string): Promise<{ bytes: Buffer; type: PhotoType }> {
  const id = idFromPath(rawId, 'missing-pet report')
  return db.tx(async (q) => {
    const [row] = await q.query<{ photo: Uint8Array | null; photo_type: PhotoType | null }>('SELECT photo, photo_type FROM missing_reports WHERE id = $1', [id])
    if (!row) throw notFound(id)
    if (!row.photo || !row.photo_type) throw new HttpError(404, 'no-photo', `missing-pet report ${id} has no photo`)
    await audit(q, member.id, 'report.photo-read', id)
    // PGlite returns a Uint8Array, pg a Buffer.
    return { bytes: Buffer.from(row.photo.buffer, row.photo.byteOffset, row.photo.byteLength), type: row.photo_type }
  })
}

export type SightingAnswer =
  | { relayId: string; kind: RelayKind; ownerContactShared: true; owner: { name: string; contact: string }; message: string }
  | { relayId: string; kind: RelayKind; ownerContactShared: false; ownerNotified: true; message: string }

/**
 * A member saw the pet (or has it): the owner is relayed the member's contact and note, and the
 * member is given the owner's contact only when the owner chose to share it.
 */
export async function reportSighting(db: Db, member: Member, rawId: string, body: unknown): Promise<SightingAnswer> {
  const id = idFromPath(rawId, 'missing-pet report')
  const input = parse(Sighting, body)
  return db.tx(async (q) => {
    const row = await selectReport(q, id)
    if (!row) throw notFound(id)
    if (row.status !== 'active') throw new HttpError(409, 'not-active', `this report is ${row.status}: the pet is no longer missing`)
    const kind: RelayKind = input.found ? 'found' : 'sighting'
    const pet = row.name ? `your pet ${row.name}` : `your ${row.species} pet`
    const what = kind === 'found' ? `${memberLabel(member)} has ${pet} with them.` : `${memberLabel(member)} reports a sighting of ${pet}.`
    const text = [what, input.note ? `Note: ${input.note}` : null, `Contact them: ${input.contact}`].filter(Boolean).join('\n')
    const relayId = await relay(q, { kind, from: member, reportId: id, toName: row.owner_name, toContact: row.owner_contact, replyTo: input.contact, text })
    await audit(q, member.id, 'report.sighting', id, { relayId, kind, ownerContactShared: row.share_contact })
    if (row.share_contact) {
      return { relayId, kind, ownerContactShared: true, owner: { name: row.owner_name, contact: row.owner_contact }, message: "the owner has been sent your contact, and chose to share theirs" }
    }
    return { relayId, kind, ownerContactShared: false, ownerNotified: true, message: 'the owner has been notified through PetMayday' }
  })
}

/** What was relayed to the owner about one of the member's own reports (a sighting, the pet found). */
export interface ReportRelay {
  id: string
  kind: RelayKind
  from: { name: string; kind: MemberKind }
  /** how the owner reaches the finder */
  replyTo: string | null
  text: string
  at: string
}

export interface OwnReportWithRelays extends OwnReport {
  relays: ReportRelay[]
}

const OwnQuery = z.strictObject({
  /** open: active and found (a found pet may still need closing); all: closed too */
  status: oneOf(['open', 'all']).default('open')
})

/**
 * The member's own reports with the owner part and what was relayed to the owner on each, newest
 * first: the filer (a clinic filing for its client) follows up the sightings. Audited as one read.
 */
export async function listOwnReports(db: Db, member: Member, query: unknown): Promise<OwnReportWithRelays[]> {
  const f = parse(OwnQuery, query, 'the query')
  return db.tx(async (q) => {
    const rows = await q.query<PrivateRow>(
      `SELECT ${PRIVATE_COLUMNS} FROM missing_reports r JOIN members m ON m.id = r.member_id WHERE r.member_id = $1${f.status === 'open' ? " AND r.status IN ('active', 'found')" : ''} ORDER BY r.created_at DESC, r.id LIMIT 500`,
      [member.id]
    )
    const relays = new Map<string, ReportRelay[]>()
    if (rows.length > 0) {
      const found = await q.query<{ id: string; report_id: string; kind: RelayKind; from_name: string; from_kind: MemberKind; reply_to: string | null; text: string; created_at: Date }>(
        `SELECT x.id, x.report_id, x.kind, m.name AS from_name, m.kind AS from_kind, x.reply_to, x.text, x.created_at
           FROM relay_messages x JOIN members m ON m.id = x.from_member WHERE x.report_id = ANY($1::text[]) ORDER BY x.created_at, x.id`,
        [rows.map((r) => r.id)]
      )
      for (const x of found) {
        const list = relays.get(x.report_id) ?? []
        list.push({ id: x.id, kind: x.kind, from: { name: x.from_name, kind: x.from_kind }, replyTo: x.reply_to, text: x.text, at: iso(x.created_at)! })
        relays.set(x.report_id, list)
      }
    }
    await audit(q, member.id, 'report.read', null, { own: true, count: rows.length, status: f.status })
    return rows.map((r) => ({ ...ownReport(r), relays: relays.get(r.id) ?? [] }))
  })
}

// ---------------------------------------------------------------- found-animal notices

/** A member has an animal that matched no missing-pet report; members see it and call the finder. */
export interface FoundNotice {
  id: string
  status: 'open' | 'closed'
  microchip: string | null
  microchipRaw: string | null
  species: string
  breed: string | null
  colour: string | null
  sex: string
  description: string | null
  foundArea: string
  foundAt: string
  /** how to reach the finder (the member's own contact: it posted the notice to be called) */
  contact: string
  postedBy: { name: string; kind: MemberKind }
  /** posted by the member asking (it may close it) */
  ours: boolean
  createdAt: string
  updatedAt: string
}

const PostFound = z.strictObject({
  microchip: microchip().nullable().optional(),
  species: oneOf(SPECIES_VALUES),
  breed: line(100).nullable().optional(),
  colour: line(100).nullable().optional(),
  sex: oneOf(SEX_VALUES).optional(),
  description: paragraph(1000).nullable().optional(),
  foundArea: line(200),
  foundAt: pastDateTime(),
  contact: line(300)
})

const FoundQuery = z.strictObject({
  status: oneOf(['open', 'closed']).default('open'),
  species: oneOf(SPECIES_VALUES).optional(),
  area: line(200).optional(),
  since: ListQuery.shape.since,
  limit: ListQuery.shape.limit
})

const CloseFound = z.strictObject({ status: oneOf(['closed']) })

interface FoundRow {
  id: string
  member_id: string
  status: 'open' | 'closed'
  microchip: string | null
  microchip_raw: string | null
  species: string
  breed: string | null
  colour: string | null
  sex: string
  description: string | null
  found_area: string
  found_at: Date
  contact: string
  posted_by: string
  posted_by_kind: MemberKind
  created_at: Date
  updated_at: Date
}

const FOUND_COLUMNS = `f.id, f.member_id, f.status, f.microchip, f.microchip_raw, f.species, f.breed, f.colour, f.sex, f.description, f.found_area, f.found_at, f.contact,
  m.name AS posted_by, m.kind AS posted_by_kind, f.created_at, f.updated_at`

const foundNotice = (r: FoundRow, asker: Member): FoundNotice => ({
  id: r.id,
  status: r.status,
  microchip: r.microchip,
  microchipRaw: r.microchip_raw,
  species: r.species,
  breed: r.breed,
  colour: r.colour,
  sex: r.sex,
  description: r.description,
  foundArea: r.found_area,
  foundAt: iso(r.found_at)!,
  contact: r.contact,
  postedBy: { name: r.posted_by, kind: r.posted_by_kind },
  ours: r.member_id === asker.id,
  createdAt: iso(r.created_at)!,
  updatedAt: iso(r.updated_at)!
})

const selectFound = async (q: Queryable, id: string): Promise<FoundRow | undefined> =>
  (await q.query<FoundRow>(`SELECT ${FOUND_COLUMNS} FROM found_notices f JOIN members m ON m.id = f.member_id WHERE f.id = $1`, [id]))[0]

/** Posts a found-animal notice (audited with the report actions: its detail names the notice). */
export async function postFound(db: Db, member: Member, body: unknown): Promise<FoundNotice> {
  const input = parse(PostFound, body)
  const id = uuidv7()
  return db.tx(async (q) => {
    await q.query(
      `INSERT INTO found_notices (id, member_id, microchip, microchip_raw, species, breed, colour, sex, description, found_area, found_at, contact)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
      [id, member.id, input.microchip?.normalized ?? null, input.microchip?.raw ?? null, input.species, input.breed ?? null, input.colour ?? null, input.sex ?? 'unknown', input.description ?? null, input.foundArea, input.foundAt, input.contact]
    )
    await audit(q, member.id, 'report.filed', id, { notice: 'found', microchip: input.microchip?.normalized ?? null, species: input.species })
    return foundNotice((await selectFound(q, id))!, member)
  })
}

/** Open notices (or closed ones), newest find first, with the filters of the missing-pet list. */
export async function listFound(q: Queryable, member: Member, query: unknown): Promise<FoundNotice[]> {
  const { where, params } = listFilters(parse(FoundQuery, query, 'the query'), { alias: 'f', area: 'found_area', at: 'found_at' })
  const rows = await q.query<FoundRow>(`SELECT ${FOUND_COLUMNS} FROM found_notices f JOIN members m ON m.id = f.member_id WHERE ${where.join(' AND ')} ORDER BY f.found_at DESC, f.id LIMIT $${params.length}`, params)
  return rows.map((r) => foundNotice(r, member))
}

/** Closes a notice (the animal went home or elsewhere); only by the member that posted it. */
export async function closeFound(db: Db, member: Member, rawId: string, body: unknown): Promise<FoundNotice> {
  const id = idFromPath(rawId, 'found-animal notice')
  parse(CloseFound, body)
  return db.tx(async (q) => {
    const row = await selectFound(q, id)
    if (!row) throw new HttpError(404, 'not-found', `there is no found-animal notice ${id}`)
    if (row.member_id !== member.id) throw new HttpError(403, 'not-yours', `only ${row.posted_by}, which posted this notice, may close it`)
    if (row.status === 'closed') return foundNotice(row, member)
    await q.query("UPDATE found_notices SET status = 'closed', updated_at = now() WHERE id = $1", [id])
    await audit(q, member.id, 'report.updated', id, { notice: 'found', status: 'closed' })
    return foundNotice((await selectFound(q, id))!, member)
  })
}
