/**
 * The network's members (clinics and shelters) and their API keys. A key is shown once, by the
 * operator's command (cli/key.ts); only its hash is kept, and it is checked on every request so a
 * revocation or a replaced key holds at once (open long-polls end too: `proveniq_member_revoked`).
 */
import { v7 as uuidv7 } from 'uuid'
import type { Db, Queryable } from '../src-server/db'
import { hashSecret, newDeviceToken } from '../src-server/sync/credentials'
import { HttpError } from '../src-server/sync/errors'
import { audit } from './audit'
import type { MEMBER_KINDS } from './schema'

export type MemberKind = (typeof MEMBER_KINDS)[number]

export interface Member {
  id: string
  name: string
  kind: MemberKind
}

/** A member as authenticated: the key's hash names the key that a revocation or a replacement ends. */
export interface Caller extends Member {
  keyHash: string
}

/**
 * Notified with a key's hash when it stops working (its member revoked, or given a new key): that
 * key's open long-polls end. The hash, not the member: the member's new key goes on working.
 */
export const KEY_ENDED_CHANNEL = 'proveniq_key_ended'

// The prefix tells a PROVENIQ key from the other secrets a clinic holds (a sync device token).
const newKey = (): string => `pvq_${newDeviceToken()}`

/**
 * A key for the member named name: a new member, or, when one of that name exists, a new key for
 * it (the old key is refused from the commit on; its reports and registrations stay its own).
 */
export async function issueKey(db: Db, name: string, kind?: MemberKind): Promise<{ member: Member; key: string; replaced: boolean }> {
  const key = newKey()
  const result = await db.tx(async (q) => {
    const [existing] = await q.query<{ id: string; name: string; kind: MemberKind; key_hash: string }>('SELECT id, name, kind, key_hash FROM members WHERE lower(name) = lower($1) AND revoked_at IS NULL FOR UPDATE', [name])
    if (existing) {
      if (kind && kind !== existing.kind) throw new Error(`${existing.name} is a ${existing.kind}, not a ${kind}`)
      await q.query('UPDATE members SET key_hash = $2 WHERE id = $1', [existing.id, hashSecret(key)])
      await audit(q, existing.id, 'member.key-replaced', existing.id)
      return { member: { id: existing.id, name: existing.name, kind: existing.kind }, ended: existing.key_hash }
    }
    const member: Member = { id: uuidv7(), name, kind: kind ?? 'clinic' }
    await q.query('INSERT INTO members (id, name, kind, key_hash) VALUES ($1, $2, $3, $4)', [member.id, member.name, member.kind, hashSecret(key)])
    await audit(q, member.id, 'member.created', member.id, { name, kind: member.kind })
    return { member, ended: null }
  })
  if (result.ended) await db.notify(KEY_ENDED_CHANNEL, result.ended)
  return { member: result.member, key, replaced: result.ended !== null }
}

/** Revokes a member, named by id or by name; null when there is no such live member. */
export async function revokeMember(db: Db, idOrName: string): Promise<Member | null> {
  const member = await db.tx(async (q) => {
    const [m] = await q.query<Member & { key_hash: string }>('UPDATE members SET revoked_at = now() WHERE (id = $1 OR lower(name) = lower($1)) AND revoked_at IS NULL RETURNING id, name, kind, key_hash', [idOrName])
    if (m) await audit(q, m.id, 'member.revoked', m.id)
    return m ?? null
  })
  if (!member) return null
  await db.notify(KEY_ENDED_CHANNEL, member.key_hash)
  return { id: member.id, name: member.name, kind: member.kind }
}

/** The member whose key is in the Authorization header; 401 naming why otherwise. */
export async function authenticate(q: Queryable, authorization: string | undefined): Promise<Caller> {
  const key = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1]
  if (!key) throw new HttpError(401, 'unauthorized', 'a PROVENIQ member API key is required (Authorization: Bearer …)')
  const keyHash = hashSecret(key)
  const [m] = await q.query<Member & { revoked_at: Date | null }>('SELECT id, name, kind, revoked_at FROM members WHERE key_hash = $1', [keyHash])
  // A forged key and a replaced one look alike here: neither is any member's key now.
  if (!m) throw new HttpError(401, 'unauthorized', 'this API key is not a PROVENIQ member key (unknown or replaced)')
  if (m.revoked_at) throw revokedError(m.name)
  return { id: m.id, name: m.name, kind: m.kind, keyHash }
}

export const revokedError = (name?: string): HttpError => new HttpError(401, 'unauthorized', `${name ? `${name}'s` : "this member's"} PROVENIQ membership was revoked; its API key no longer works`)
