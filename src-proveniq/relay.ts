/**
 * The relay: a finder reaches an owner through PROVENIQ instead of being given the owner's contact.
 * The service stores the message with the address it is for, as it was then; delivering it (SMS,
 * e-mail) is another process's job, and the row is the record of what was relayed.
 */
import { v7 as uuidv7 } from 'uuid'
import type { Queryable } from '../src-server/db'
import type { Member } from './members'
import type { RELAY_KINDS } from './schema'

export type RelayKind = (typeof RELAY_KINDS)[number]

export interface RelayMessage {
  kind: RelayKind
  from: Member
  /** the report or the chip it is about */
  reportId?: string
  chip?: string
  toName: string
  toContact: string
  replyTo?: string | null
  text: string
}

/** Stores the message; returns its id. */
export async function relay(q: Queryable, m: RelayMessage): Promise<string> {
  const id = uuidv7()
  await q.query('INSERT INTO relay_messages (id, from_member, kind, report_id, chip, to_name, to_contact, reply_to, text) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)', [
    id,
    m.from.id,
    m.kind,
    m.reportId ?? null,
    m.chip ?? null,
    m.toName,
    m.toContact,
    m.replyTo ?? null,
    m.text
  ])
  return id
}

/** Where the member is, for a message a person reads: "Riverside Vets (clinic)". */
export const memberLabel = (m: Member): string => `${m.name} (${m.kind})`
