import type Database from 'better-sqlite3'
import type { PatientSummary } from '../../src-preload/contract'
import { normalizeName, phoneDigits, prefixEnd, reverse } from '../core/normalize'
import { parseMicrochip } from '../core/microchip'
import { chipFragment, oneEditVariants } from '../core/spelling'
import { ChipPieces } from './chip-pieces'

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
  name_norm: string
  microchip_norm: string | null
  first_name_norm: string
  last_name_norm: string
}

type Match = NonNullable<PatientSummary['match']>
const RANK: Record<Match, number> = { exact: 0, prefix: 1, similar: 2, fragment: 3 }

// The owner's phone is looked up for the final page only, not for every row the range touches.
const SELECT = `SELECT p.id, p.name, p.species, p.breed, p.sex, p.neuter_status, p.date_of_birth, p.microchip, p.deceased_at,
  p.name_norm, p.microchip_norm, c.id AS client_id, c.first_name, c.last_name, c.first_name_norm, c.last_name_norm
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
  private readonly chipPieces: ChipPieces
  private readonly byRowids: Database.Statement
  private readonly byNameSpelling: Database.Statement
  private readonly byOwnerLastSpelling: Database.Statement
  private readonly byOwnerFirstSpelling: Database.Statement
  private readonly byOwnerFullSpelling: Database.Statement
  private readonly byNameAndOwnerSpelling: Database.Statement
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
    // A piece of a chip can sit anywhere in it: the chips are searched in memory (ChipPieces), the rows read by rowid.
    this.chipPieces = new ChipPieces(sqlite)
    this.byRowids = sqlite.prepare(`${SELECT} WHERE p.rowid IN (SELECT value FROM json_each(@rowids)) AND ${live} ORDER BY p.microchip_norm LIMIT @limit`)
    // Spellings one edit away (core/spelling), each looked up by equality on the same indexes. No
    // ORDER BY: SQLite probes the variants in order and stops at LIMIT instead of sorting every Bella.
    const anyOf = (param: string) => `(SELECT value FROM json_each(@${param}))`
    this.byNameSpelling = sqlite.prepare(`${SELECT} WHERE p.name_norm IN ${anyOf('names')} AND ${live} LIMIT @limit`)
    this.byOwnerLastSpelling = sqlite.prepare(`${SELECT} WHERE c.last_name_norm IN ${anyOf('names')} AND ${live} LIMIT @limit`)
    this.byOwnerFirstSpelling = sqlite.prepare(`${SELECT} WHERE c.first_name_norm IN ${anyOf('names')} AND ${live} LIMIT @limit`)
    // The unary +: the last names are probed in the index and each one's first name tested, not
    // every first-name variant crossed with every last-name variant (over 100,000 probes).
    this.byOwnerFullSpelling = sqlite.prepare(`${SELECT} WHERE +c.first_name_norm IN ${anyOf('firsts')} AND c.last_name_norm IN ${anyOf('lasts')} AND ${live} LIMIT @limit`)
    this.byNameAndOwnerSpelling = sqlite.prepare(
      `${SELECT} WHERE p.name_norm IN ${anyOf('names')} AND +p.client_id IN (SELECT id FROM clients WHERE last_name_norm IN ${anyOf('lasts')} AND deleted_at IS NULL) AND ${live} LIMIT @limit`
    )
  }

  /**
   * Exact matches first, then names starting with the query (and phones ending with it), then
   * names one edit away, then chips holding the digits somewhere. A weaker kind is looked for only
   * while the stronger ones leave room under `limit`, since it would rank below all of them.
   */
  search(query: string, kind: SearchKind, limit: number, includeDeceased = true): PatientSummary[] {
    const deceased = includeDeceased ? 1 : 0
    const found = new Map<string, { row: Row; matchedOn: PatientSummary['matchedOn']; match: Match }>()
    const add = (rows: Row[], matchedOn: PatientSummary['matchedOn'], match: (r: Row) => Match): void => {
      for (const row of rows) {
        const m = match(row)
        const had = found.get(row.id)
        if (!had || RANK[m] < RANK[had.match]) found.set(row.id, { row, matchedOn, match: m })
      }
    }
    const room = (): boolean => found.size < limit
    const range = (prefix: string) => ({ lo: prefix, hi: prefixEnd(prefix), limit, deceased })
    const anyOf = (names: string[]) => JSON.stringify(names)
    const params = { limit, deceased }

    const digits = phoneDigits(query)
    const looksNumeric = digits.length > 0 && /^[\d\s\-().+*]+$/.test(query)
    const chipKey = microchipKey(query)

    if (kind === 'microchip' || (kind === 'auto' && chipKey && (looksNumeric ? digits.length >= 9 : /\d/.test(query)))) {
      if (chipKey) add(this.byChip.all(range(chipKey)) as Row[], 'microchip', (r) => (r.microchip_norm === chipKey ? 'exact' : 'prefix'))
    }
    if (kind === 'phone' || (kind === 'auto' && looksNumeric && digits.length >= 3)) {
      // "+1 475 555 0145" finds "(475) 555-0145": the trailing ten digits carry the number.
      if (digits.length > 0) add(this.byPhone.all(range(reverse(digits.slice(-10)))) as Row[], 'phone', () => 'prefix')
    }
    if (kind === 'name' || kind === 'owner' || (kind === 'auto' && !looksNumeric)) {
      const norm = normalizeName(query)
      if (norm) this.names(norm, kind, add, range, room, anyOf, params)
    }
    // "000 987 65": eight digits read out from the middle of a chip.
    const fragment = kind === 'microchip' || (kind === 'auto' && looksNumeric) ? chipFragment(query) : null
    if (fragment && room()) {
      // More than asked for: some may be deceased (left out here) or their owner removed.
      const rowids = JSON.stringify(this.chipPieces.find(fragment, limit * 4))
      add(this.byRowids.all({ ...params, rowids }) as Row[], 'microchip', (r) => (r.microchip_norm!.startsWith(fragment) ? 'prefix' : 'fragment'))
    }

    return [...found.values()]
      .sort((a, b) => RANK[a.match] - RANK[b.match]) // stable: within a rank, the order found
      .slice(0, limit)
      .map(({ row, matchedOn, match }) => toSummary(row, matchedOn, match, (this.phoneOf.get(row.client_id) as string | undefined) ?? null))
  }

  private names(
    norm: string,
    kind: SearchKind,
    add: (rows: Row[], matchedOn: PatientSummary['matchedOn'], match: (r: Row) => Match) => void,
    range: (prefix: string) => Record<string, unknown>,
    room: () => boolean,
    anyOf: (names: string[]) => string,
    params: Record<string, unknown>
  ): void {
    const tokens = norm.split(' ')
    const exactOr = (ok: (r: Row) => boolean) => (r: Row): Match => (ok(r) ? 'exact' : 'prefix')
    const pets = kind !== 'owner'
    const owners = kind !== 'name'
    const last = tokens[tokens.length - 1]
    const first = tokens.slice(0, -1).join(' ')
    if (pets) add(this.byName.all(range(norm)) as Row[], 'name', exactOr((r) => r.name_norm === norm))
    if (owners) {
      add(this.byOwnerLast.all(range(norm)) as Row[], 'owner', exactOr((r) => r.last_name_norm === norm))
      if (tokens.length === 1) add(this.byOwnerFirst.all(range(norm)) as Row[], 'owner', exactOr((r) => r.first_name_norm === norm))
      else {
        add(this.byOwnerFull.all({ ...range(last), first }) as Row[], 'owner', exactOr((r) => r.last_name_norm === last))
        // "bella smith": a patient named Bella whose owner is a Smith.
        if (kind === 'auto') add(this.byNameAndOwner.all({ ...range(last), plo: first, phi: prefixEnd(first) }) as Row[], 'name', exactOr((r) => r.name_norm === first && r.last_name_norm === last))
      }
    }
    if (!room()) return
    // One edit: "bela" finds Bella, "quilfeather" the Quillfeathers; "bela smth" Bella the Smiths' pet.
    const similar = (): Match => 'similar'
    const variants = oneEditVariants(norm)
    if (variants.length > 0) {
      if (pets) add(this.byNameSpelling.all({ ...params, names: anyOf(variants) }) as Row[], 'name', similar)
      if (owners) {
        add(this.byOwnerLastSpelling.all({ ...params, names: anyOf(variants) }) as Row[], 'owner', similar)
        if (tokens.length === 1) add(this.byOwnerFirstSpelling.all({ ...params, names: anyOf(variants) }) as Row[], 'owner', similar)
      }
    }
    if (tokens.length > 1 && room()) {
      // Each of the two parts as typed or one edit away (a part too short to forgive must be exact).
      const firsts = anyOf([first, ...oneEditVariants(first)])
      const lasts = anyOf([last, ...oneEditVariants(last)])
      if (owners) add(this.byOwnerFullSpelling.all({ ...params, firsts, lasts }) as Row[], 'owner', similar)
      if (kind === 'auto') add(this.byNameAndOwnerSpelling.all({ ...params, names: firsts, lasts }) as Row[], 'name', similar)
    }
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

function toSummary(r: Row, matchedOn: PatientSummary['matchedOn'], match: Match, phone: string | null): PatientSummary {
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
    matchedOn,
    match
  }
}
