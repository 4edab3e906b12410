import type Database from 'better-sqlite3'
import type { PatientSummary } from '../../src-preload/contract'
import { normalizeName, phoneDigits, prefixEnd, reverse } from '../core/normalize'
import { parseMicrochip } from '../core/microchip'

export type SearchKind = 'auto' | 'name' | 'owner' | 'phone' | 'microchip'

interface Row {
  id: string
  name: string
  species: string
  breed: string | null
  sex: PatientSummary['sex']
  neuter_status: PatientSummary['neuterStatus']
  date_of_birth: string | null
  microchip: string | null
  deceased_at: string | null
  client_id: string
  first_name: string
  last_name: string
}

// The owner's phone is looked up for the final page only, not for every row the range touches.
const SELECT = `SELECT p.id, p.name, p.species, p.breed, p.sex, p.neuter_status, p.date_of_birth, p.microchip, p.deceased_at,
  c.id AS client_id, c.first_name, c.last_name
  FROM patients p JOIN clients c ON c.id = p.client_id`

/**
 * Patient search as the front desk uses it. Every kind is an index range scan on a
 * normalized column (names without case or accents, phone digits reversed so any trailing
 * run of digits matches, microchips without separators), so it stays fast at 80,000 patients.
 */
export class PatientSearch {
  private readonly byName: Database.Statement
  private readonly byOwnerLast: Database.Statement
  private readonly byOwnerFirst: Database.Statement
  private readonly byOwnerFull: Database.Statement
  private readonly byNameAndOwner: Database.Statement
  private readonly byPhone: Database.Statement
  private readonly byChip: Database.Statement
  private readonly phoneOf: Database.Statement

  constructor(sqlite: Database.Database) {
    const live = 'p.deleted_at IS NULL AND c.deleted_at IS NULL AND (@deceased = 1 OR p.deceased_at IS NULL)'
    this.byName = sqlite.prepare(`${SELECT} WHERE p.name_norm >= @lo AND p.name_norm < @hi AND ${live} ORDER BY p.name_norm LIMIT @limit`)
    this.byOwnerLast = sqlite.prepare(`${SELECT} WHERE c.last_name_norm >= @lo AND c.last_name_norm < @hi AND ${live} ORDER BY c.last_name_norm, c.first_name_norm LIMIT @limit`)
    this.byOwnerFirst = sqlite.prepare(`${SELECT} WHERE c.first_name_norm >= @lo AND c.first_name_norm < @hi AND ${live} ORDER BY c.first_name_norm LIMIT @limit`)
    this.byOwnerFull = sqlite.prepare(`${SELECT} WHERE c.first_name_norm = @first AND c.last_name_norm >= @lo AND c.last_name_norm < @hi AND ${live} ORDER BY c.last_name_norm LIMIT @limit`)
    // The unary + keeps SQLite walking the pet-name index (in order, stopping at LIMIT) and testing
    // each owner against the "Smi…" set, instead of fetching every Smith's pets and sorting them.
    this.byNameAndOwner = sqlite.prepare(
      `${SELECT} WHERE p.name_norm >= @plo AND p.name_norm < @phi AND +p.client_id IN (SELECT id FROM clients WHERE last_name_norm >= @lo AND last_name_norm < @hi AND deleted_at IS NULL) AND ${live} ORDER BY p.name_norm LIMIT @limit`
    )
    this.byPhone = sqlite.prepare(
      `${SELECT} WHERE c.id IN (SELECT client_id FROM client_contacts WHERE kind = 'phone' AND search_key >= @lo AND search_key < @hi AND deleted_at IS NULL LIMIT @limit) AND ${live} ORDER BY c.last_name_norm, p.name_norm LIMIT @limit`
    )
    this.phoneOf = sqlite.prepare("SELECT value FROM client_contacts WHERE client_id = ? AND kind = 'phone' AND deleted_at IS NULL ORDER BY is_primary DESC LIMIT 1").pluck()
    this.byChip = sqlite.prepare(`${SELECT} WHERE p.microchip_norm >= @lo AND p.microchip_norm < @hi AND p.microchip_norm IS NOT NULL AND ${live} ORDER BY p.microchip_norm LIMIT @limit`)
  }

  search(query: string, kind: SearchKind, limit: number, includeDeceased = true): PatientSummary[] {
    const deceased = includeDeceased ? 1 : 0
    const out = new Map<string, PatientSummary>()
    const add = (rows: Row[], matchedOn: PatientSummary['matchedOn']): void => {
      for (const r of rows) if (!out.has(r.id) && out.size < limit) out.set(r.id, toSummary(r, matchedOn, (this.phoneOf.get(r.client_id) as string | undefined) ?? null))
    }
    const range = (prefix: string) => ({ lo: prefix, hi: prefixEnd(prefix), limit, deceased })

    const digits = phoneDigits(query)
    const looksNumeric = digits.length > 0 && /^[\d\s\-().+*]+$/.test(query)
    const chipKey = microchipKey(query)

    if (kind === 'microchip' || (kind === 'auto' && chipKey && (looksNumeric ? digits.length >= 9 : /\d/.test(query)))) {
      if (chipKey) add(this.byChip.all(range(chipKey)) as Row[], 'microchip')
    }
    if (kind === 'phone' || (kind === 'auto' && looksNumeric && digits.length >= 3)) {
      // "+1 475 555 0145" finds "(475) 555-0145": the trailing ten digits carry the number.
      if (digits.length > 0) add(this.byPhone.all(range(reverse(digits.slice(-10)))) as Row[], 'phone')
    }
    if (kind === 'name' || kind === 'owner' || (kind === 'auto' && !looksNumeric)) {
      const norm = normalizeName(query)
      if (!norm) return [...out.values()]
      const tokens = norm.split(' ')
      if (kind !== 'owner') add(this.byName.all(range(norm)) as Row[], 'name')
      if (kind !== 'name') {
        add(this.byOwnerLast.all(range(norm)) as Row[], 'owner')
        if (tokens.length === 1) add(this.byOwnerFirst.all(range(norm)) as Row[], 'owner')
        else {
          const last = tokens[tokens.length - 1]
          add(this.byOwnerFull.all({ ...range(last), first: tokens.slice(0, -1).join(' ') }) as Row[], 'owner')
          if (kind === 'auto') {
            // "bella smith": a patient named Bella whose owner is a Smith.
            const pet = tokens.slice(0, -1).join(' ')
            add(this.byNameAndOwner.all({ ...range(last), plo: pet, phi: prefixEnd(pet) }) as Row[], 'name')
          }
        }
      }
    }
    return [...out.values()]
  }
}

/** The normalized form a microchip search matches against, or null if the text cannot be part of one. */
function microchipKey(query: string): string | null {
  try {
    return parseMicrochip(query).normalized
  } catch {
    const stripped = query.replace(/[\s\-*.]/g, '').toUpperCase()
    return /^[0-9A-F]{3,}$/.test(stripped) ? stripped : null
  }
}

function toSummary(r: Row, matchedOn: PatientSummary['matchedOn'], phone: string | null): PatientSummary {
  return {
    id: r.id,
    name: r.name,
    species: r.species,
    breed: r.breed,
    sex: r.sex,
    neuterStatus: r.neuter_status,
    dateOfBirth: r.date_of_birth,
    microchip: r.microchip,
    deceasedAt: r.deceased_at,
    clientId: r.client_id,
    ownerName: `${r.first_name} ${r.last_name}`,
    ownerPhone: phone,
    matchedOn
  }
}
