/**
 * PetLifeLog: the microchip registry. A chip is registered to its owner by a member; that member
 * keeps it up to date, a change of owner is a transfer (by any member: the new owner brings the
 * pet to their own clinic or adopts it at a shelter), and every earlier owner is kept in
 * registry_history. A lookup at any member answers the owner's contact only where the owner
 * allowed sharing; otherwise the owner is told through the relay. Every lookup is audited.
 */
import { z } from 'zod'
import type { Microchip } from '../src-main/core/microchip'
import { SPECIES } from '../src-preload/contract/index'
import type { Db, Queryable } from '../src-server/db'
import { HttpError } from '../src-server/sync/errors'
import { audit } from './audit'
import type { Member } from './members'
import { memberLabel, relay } from './relay'
import { activeReportsForChip, type PublicReport } from './reports'
import { chipFromPath, flag, iso, line, oneOf, parse } from './validate'

const SPECIES_VALUES = SPECIES as unknown as readonly [string, ...string[]]

const ownerFields = {
  species: oneOf(SPECIES_VALUES).nullable().optional(),
  petName: line(100).nullable().optional(),
  ownerName: line(200),
  ownerPhone: line(40)
    .refine((v) => /^[0-9+()./\s-]{3,40}$/.test(v), 'must be a phone number (digits, spaces, + - . ( ) /)')
    .nullable()
    .optional(),
  ownerEmail: z.email({ error: (iss) => (iss.input === undefined ? 'is required' : 'must be an e-mail address') }).max(200, 'must be at most 200 characters').nullable().optional(),
  shareContact: flag().optional()
}

// A registration no one can be reached through is no registration.
const reachable = (v: { ownerPhone?: string | null; ownerEmail?: string | null }) => Boolean(v.ownerPhone || v.ownerEmail)
const REACHABLE = { message: 'or ownerEmail is required: the owner must be reachable', path: ['ownerPhone'] }

const Registration = z.strictObject(ownerFields).refine(reachable, REACHABLE)
const Transfer = z.strictObject({ ...ownerFields, note: line(500).optional() }).refine(reachable, REACHABLE)

export interface Registration {
  chip: string
  chipRaw: string
  chipType: string
  species: string | null
  petName: string | null
  owner: { name: string; phone: string | null; email: string | null; shareContact: boolean }
  registeredBy: { name: string; kind: string }
  createdAt: string
  updatedAt: string
}

interface RegistryRow {
  chip: string
  chip_raw: string
  chip_type: string
  species: string | null
  pet_name: string | null
  owner_name: string
  owner_phone: string | null
  owner_email: string | null
  share_contact: boolean
  registered_by: string
  member_name: string
  member_kind: string
  created_at: Date
  updated_at: Date
}

async function selectChip(q: Queryable, chip: string, lock = false): Promise<RegistryRow | undefined> {
  const [row] = await q.query<RegistryRow>(
    `SELECT c.*, m.name AS member_name, m.kind AS member_kind FROM chip_registry c JOIN members m ON m.id = c.registered_by WHERE c.chip = $1${lock ? ' FOR UPDATE OF c' : ''}`,
    [chip]
  )
  return row
}

function registration(r: RegistryRow): Registration {
  return {
    chip: r.chip,
    chipRaw: r.chip_raw,
    chipType: r.chip_type,
    species: r.species,
    petName: r.pet_name,
    owner: { name: r.owner_name, phone: r.owner_phone, email: r.owner_email, shareContact: r.share_contact },
    registeredBy: { name: r.member_name, kind: r.member_kind },
    createdAt: iso(r.created_at)!,
    updatedAt: iso(r.updated_at)!
  }
}

/** The registration as it was, kept before it is replaced. */
async function keepHistory(q: Queryable, row: RegistryRow, reason: 'transfer' | 'update', by: Member): Promise<void> {
  await q.query(
    `INSERT INTO registry_history (chip, reason, owner_name, owner_phone, owner_email, share_contact, pet_name, species, registered_by, since, replaced_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
    [row.chip, reason, row.owner_name, row.owner_phone, row.owner_email, row.share_contact, row.pet_name, row.species, row.registered_by, row.updated_at, by.id]
  )
}

/**
 * Registers a chip to its owner, or updates the registration (contact details, sharing) when the
 * caller is the member that registered it. Another member's registration is refused (403): a new
 * owner is a transfer.
 */
export async function registerChip(db: Db, member: Member, rawChip: string, body: unknown): Promise<{ created: boolean; registration: Registration }> {
  const chip = chipFromPath(rawChip)
  const input = parse(Registration, body)
  return db.tx(async (q) => {
    const inserted = await q.query(
      `INSERT INTO chip_registry (chip, chip_raw, chip_type, species, pet_name, owner_name, owner_phone, owner_email, share_contact, registered_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (chip) DO NOTHING RETURNING chip`,
      [chip.normalized, chip.raw, chip.type, input.species ?? null, input.petName ?? null, input.ownerName, input.ownerPhone ?? null, input.ownerEmail ?? null, input.shareContact ?? false, member.id]
    )
    if (inserted.length > 0) {
      await audit(q, member.id, 'chip.registered', chip.normalized, { shareContact: input.shareContact ?? false })
      return { created: true, registration: registration((await selectChip(q, chip.normalized))!) }
    }
    const row = (await selectChip(q, chip.normalized, true))!
    if (row.registered_by !== member.id) {
      throw new HttpError(403, 'not-yours', `chip ${chip.normalized} is registered by ${row.member_name}; only it updates this registration (a new owner is POST /v1/chips/${chip.normalized}/transfer)`)
    }
    await keepHistory(q, row, 'update', member)
    // PUT replaces the registration: a field left out is cleared, except the chip as first read.
    await q.query(
      `UPDATE chip_registry SET species = $2, pet_name = $3, owner_name = $4, owner_phone = $5, owner_email = $6, share_contact = $7, updated_at = now() WHERE chip = $1`,
      [chip.normalized, input.species ?? null, input.petName ?? null, input.ownerName, input.ownerPhone ?? null, input.ownerEmail ?? null, input.shareContact ?? false]
    )
    await audit(q, member.id, 'chip.updated', chip.normalized, { shareContact: input.shareContact ?? false })
    return { created: false, registration: registration((await selectChip(q, chip.normalized))!) }
  })
}

/** A change of owner: the new owner replaces the old, who is kept in the history; the caller now keeps the registration. */
export async function transferChip(db: Db, member: Member, rawChip: string, body: unknown): Promise<{ registration: Registration; previousOwners: number }> {
  const chip = chipFromPath(rawChip)
  const input = parse(Transfer, body)
  return db.tx(async (q) => {
    const row = await selectChip(q, chip.normalized, true)
    if (!row) throw notRegistered(chip)
    await keepHistory(q, row, 'transfer', member)
    await q.query(
      `UPDATE chip_registry SET species = $2, pet_name = $3, owner_name = $4, owner_phone = $5, owner_email = $6, share_contact = $7, registered_by = $8, updated_at = now() WHERE chip = $1`,
      [
        chip.normalized,
        // The pet is the same pet: what the transfer leaves out stays as it was.
        input.species === undefined ? row.species : input.species,
        input.petName === undefined ? row.pet_name : input.petName,
        input.ownerName,
        input.ownerPhone ?? null,
        input.ownerEmail ?? null,
        input.shareContact ?? false,
        member.id
      ]
    )
    await audit(q, member.id, 'chip.transferred', chip.normalized, { from: row.registered_by, note: input.note ?? null })
    const [{ n }] = await q.query<{ n: number }>("SELECT count(*)::int AS n FROM registry_history WHERE chip = $1 AND reason = 'transfer'", [chip.normalized])
    return { registration: registration((await selectChip(q, chip.normalized))!), previousOwners: n }
  })
}

export type LookupAnswer =
  | { chip: string; registered: false; missingReports: PublicReport[] }
  | { chip: string; registered: true; species: string | null; petName: string | null; shareContact: true; owner: { name: string; phone: string | null; email: string | null }; missingReports: PublicReport[] }
  | { chip: string; registered: true; species: string | null; petName: string | null; shareContact: false; ownerNotified: true; relayId: string; message: string; missingReports: PublicReport[] }

/**
 * A scan at a member: is the chip registered, to which pet, and how to reach the owner (only where
 * the owner allowed sharing; otherwise the owner is relayed that the pet was scanned there). Active
 * missing-pet reports on the chip come with the answer. Audited with the member, found or not.
 */
export async function lookupChip(db: Db, member: Member, rawChip: string): Promise<LookupAnswer> {
  const chip = chipFromPath(rawChip)
  return db.tx(async (q) => {
    const row = await selectChip(q, chip.normalized)
    const missingReports = await activeReportsForChip(q, chip.normalized)
    const detail = { registered: Boolean(row), missingReports: missingReports.map((r) => r.id) }
    if (!row) {
      await audit(q, member.id, 'chip.lookup', chip.normalized, detail)
      return { chip: chip.normalized, registered: false, missingReports }
    }
    const pet = { chip: chip.normalized, registered: true as const, species: row.species, petName: row.pet_name }
    if (row.share_contact) {
      await audit(q, member.id, 'chip.lookup', chip.normalized, { ...detail, ownerContactShared: true })
      return { ...pet, shareContact: true, owner: { name: row.owner_name, phone: row.owner_phone, email: row.owner_email }, missingReports }
    }
    const what = row.pet_name ? `${row.pet_name}'s microchip` : 'your pet\'s microchip'
    const relayId = await relay(q, {
      kind: 'lookup',
      from: member,
      chip: chip.normalized,
      toName: row.owner_name,
      toContact: [row.owner_phone, row.owner_email].filter(Boolean).join(' / '),
      text: `${what} (${chip.normalized}) was scanned at ${memberLabel(member)}.`
    })
    await audit(q, member.id, 'chip.lookup', chip.normalized, { ...detail, ownerContactShared: false, relayId })
    return { ...pet, shareContact: false, ownerNotified: true, relayId, message: 'the owner has been notified through PetLifeLog', missingReports }
  })
}

const notRegistered = (chip: Microchip): HttpError => new HttpError(404, 'not-registered', `chip ${chip.normalized} is not registered with PetLifeLog; register it with PUT /v1/chips/${chip.normalized}`)
