import { and, asc, eq, inArray, isNull } from 'drizzle-orm'
import { clients, clientContacts, patients } from '../db/schema'
import type { Client, ClientDetail, Contact } from '../../src-preload/contract'
import { normalizeEmail, normalizeName, phoneDigits, prefixEnd, reverse } from '../core/normalize'
import { notFound } from '../api/errors'
import type { Actor } from './actor'
import type { Core } from './core'
import { toPatient } from './patients'
import { oneEditVariants } from '../core/spelling'
import { refuseOrAsk } from './field-checks'
import { likelyDuplicateClients } from './duplicates'

export interface ClientInput {
  firstName: string
  lastName: string
  email?: string | null
  phones: { label: string; number: string }[]
  address?: string | null
  notes?: string | null
}

/** How closely a client's own name or phone matched: as typed, starting with it (a phone: ending with it), one edit away. */
export type ClientMatch = 'exact' | 'prefix' | 'similar'
const CLIENT_RANK: Record<ClientMatch, number> = { exact: 0, prefix: 1, similar: 2 }

type ClientRow = typeof clients.$inferSelect
type ContactRow = typeof clientContacts.$inferSelect

export function toContact(r: ContactRow): Contact {
  return { id: r.id, kind: r.kind, label: r.label, value: r.value, isPrimary: r.isPrimary }
}

export function toClient(r: ClientRow, contacts: ContactRow[]): Client {
  return {
    id: r.id,
    firstName: r.firstName,
    lastName: r.lastName,
    address: r.address,
    notes: r.notes,
    contacts: contacts.map(toContact),
    createdAt: r.createdAt,
    updatedAt: r.updatedAt
  }
}

/** The stored columns for a client, with the normalized names search uses. */
function clientFields(input: ClientInput) {
  return {
    firstName: input.firstName,
    lastName: input.lastName,
    firstNameNorm: normalizeName(input.firstName),
    lastNameNorm: normalizeName(input.lastName),
    address: input.address ?? null,
    notes: input.notes ?? null
  }
}

export const ownerName = (c: { firstName: string; lastName: string }): string => `${c.firstName} ${c.lastName}`.trim()

export class ClientsService {
  constructor(private readonly core: Core) {}

  /**
   * askAboutDuplicates: a person is registering the client (the API): a likely second record of
   * someone already registered is refused with needs-confirmation unless they confirmed.
   */
  create(actor: Actor, input: ClientInput & { confirm?: boolean }, askAboutDuplicates = false): Client {
    const { store, audit, events } = this.core
    return store.tx(() => {
      if (askAboutDuplicates && !input.confirm) refuseOrAsk([], false, likelyDuplicateClients(this.core, input))
      const row = store.insert(clients, clientFields(input))
      this.writeContacts(row.id, input)
      audit.append({ action: 'client.created', direction: 'internal', actor, entityType: 'client', entityId: row.id, summary: `Registered client ${ownerName(row)}` })
      events.emit('changed', { entity: 'client', id: row.id })
      return this.getClient(row.id)
    })
  }

  update(actor: Actor, id: string, input: ClientInput): Client {
    const { store, audit, events } = this.core
    return store.tx(() => {
      this.row(id)
      store.update(clients, id, clientFields(input))
      // Contacts are replaced as a set: tombstone the old ones, write the new.
      for (const c of this.contactRows([id])) store.remove(clientContacts, c.id)
      this.writeContacts(id, input)
      audit.append({ action: 'client.updated', direction: 'internal', actor, entityType: 'client', entityId: id, summary: `Updated client ${input.firstName} ${input.lastName}` })
      events.emit('changed', { entity: 'client', id })
      return this.getClient(id)
    })
  }

  get(id: string): ClientDetail {
    const client = this.getClient(id)
    const { db } = this.core.store
    const pets = db.select().from(patients).where(and(eq(patients.clientId, id), isNull(patients.deletedAt))).orderBy(asc(patients.name)).all()
    return { client, patients: pets.map(toPatient) }
  }

  getClient(id: string): Client {
    return toClient(this.row(id), this.contactRows([id]))
  }

  /**
   * Client ids by the client's own name (last or first name as typed or starting with it, or
   * "first last"), then one edit away (core/spelling), or by phone (any trailing digits), as
   * patient search matches owners; patient search, which clients.search asks first, cannot find an
   * owner with no patient yet.
   */
  findByNameOrPhone(query: string, limit: number): { id: string; match: ClientMatch }[] {
    const { store } = this.core
    const digits = phoneDigits(query)
    if (digits.length > 0 && /^[\d\s\-().+*]+$/.test(query)) {
      if (digits.length < 3) return []
      const key = reverse(digits.slice(-10))
      const ids = store
        .statement("SELECT DISTINCT k.client_id FROM client_contacts k JOIN clients c ON c.id = k.client_id WHERE k.kind = 'phone' AND k.search_key >= ? AND k.search_key < ? AND k.deleted_at IS NULL AND c.deleted_at IS NULL LIMIT ?")
        .pluck()
        .all(key, prefixEnd(key), limit) as string[]
      return ids.map((id) => ({ id, match: 'prefix' }))
    }
    const norm = normalizeName(query)
    if (!norm) return []
    const tokens = norm.split(' ')
    const first = tokens.slice(0, -1).join(' ')
    const last = tokens[tokens.length - 1]
    type Found = { id: string; first_name_norm: string; last_name_norm: string }
    const found = new Map<string, ClientMatch>()
    const add = (rows: Found[], match: (r: Found) => ClientMatch) => rows.forEach((r) => found.has(r.id) || found.set(r.id, match(r)))
    const cols = 'SELECT id, first_name_norm, last_name_norm FROM clients WHERE deleted_at IS NULL AND'
    if (tokens.length === 1) {
      add(
        store.statement(`${cols} ((last_name_norm >= ? AND last_name_norm < ?) OR (first_name_norm >= ? AND first_name_norm < ?)) ORDER BY last_name_norm, first_name_norm LIMIT ?`).all(norm, prefixEnd(norm), norm, prefixEnd(norm), limit) as Found[],
        (r) => (r.last_name_norm === norm || r.first_name_norm === norm ? 'exact' : 'prefix')
      )
    } else {
      add(
        store.statement(`${cols} first_name_norm = ? AND last_name_norm >= ? AND last_name_norm < ? ORDER BY last_name_norm LIMIT ?`).all(first, last, prefixEnd(last), limit) as Found[],
        (r) => (r.last_name_norm === last ? 'exact' : 'prefix')
      )
    }
    if (found.size < limit) {
      // "Quilfeather" finds the Quillfeathers; "henrieta quilfeather" Henrietta, each part one edit away at most.
      const anyOf = 'IN (SELECT value FROM json_each(?))'
      const variants = JSON.stringify(oneEditVariants(norm))
      add(store.statement(`${cols} (last_name_norm ${anyOf} OR first_name_norm ${anyOf}) ORDER BY last_name_norm, first_name_norm LIMIT ?`).all(variants, variants, limit) as Found[], () => 'similar')
      if (tokens.length > 1) {
        const firsts = JSON.stringify([first, ...oneEditVariants(first)])
        const lasts = JSON.stringify([last, ...oneEditVariants(last)])
        add(store.statement(`${cols} +first_name_norm ${anyOf} AND last_name_norm ${anyOf} ORDER BY last_name_norm LIMIT ?`).all(firsts, lasts, limit) as Found[], () => 'similar')
      }
    }
    return [...found].map(([id, match]) => ({ id, match })).sort((a, b) => CLIENT_RANK[a.match] - CLIENT_RANK[b.match]).slice(0, limit)
  }

  contactRows(clientIds: string[]): ContactRow[] {
    if (clientIds.length === 0) return []
    const { db } = this.core.store
    return db
      .select()
      .from(clientContacts)
      .where(and(inArray(clientContacts.clientId, clientIds), isNull(clientContacts.deletedAt)))
      .orderBy(asc(clientContacts.createdAt))
      .all()
  }

  private row(id: string): ClientRow {
    const r = this.core.store.db.select().from(clients).where(and(eq(clients.id, id), isNull(clients.deletedAt))).get()
    if (!r) throw notFound('Client')
    return r
  }

  private writeContacts(clientId: string, input: ClientInput): void {
    const { store } = this.core
    input.phones.forEach((p, i) => {
      store.insert(clientContacts, { clientId, kind: 'phone', label: p.label, value: p.number, searchKey: reverse(phoneDigits(p.number)), isPrimary: i === 0 })
    })
    if (input.email) {
      store.insert(clientContacts, { clientId, kind: 'email', label: 'email', value: input.email, searchKey: normalizeEmail(input.email), isPrimary: true })
    }
  }
}
