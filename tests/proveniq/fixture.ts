/** The PROVENIQ service in process on a fresh PostgreSQL database (one per test file), members, and a small HTTP client. */
import { PROVENIQ_MIGRATIONS } from '../../src-proveniq/cli/open'
import { startProveniqServer } from '../../src-proveniq/http'
import { issueKey, type Member, type MemberKind } from '../../src-proveniq/members'
import { openPostgres, type Db } from '../../src-server/db'
import { freshDatabase, type TestDatabase } from '../server/fixture'

export interface TestService {
  db: Db
  url: string
  close(): Promise<void>
}

export async function startService(liveTimeoutMs?: number): Promise<TestService & { database: TestDatabase }> {
  const database = await freshDatabase()
  const db = await openPostgres(database.url, PROVENIQ_MIGRATIONS)
  const server = await startProveniqServer({ db, port: 0, liveTimeoutMs })
  return {
    db,
    url: server.url,
    database,
    async close() {
      await server.close()
      await db.close()
      await database.drop()
    }
  }
}

export interface TestMember extends Member {
  key: string
}

export async function newMember(db: Db, name: string, kind: MemberKind = 'clinic'): Promise<TestMember> {
  const { member, key } = await issueKey(db, name, kind)
  return { ...member, key }
}

export interface Answer {
  status: number
  headers: Headers
  body: any
  text: string
}

/** A request as a member's workstation sends it; key null sends none. */
export async function call(url: string, key: string | null, method: string, path: string, body?: unknown): Promise<Answer> {
  const headers: Record<string, string> = {}
  if (key) headers.authorization = `Bearer ${key}`
  if (body !== undefined) headers['content-type'] = 'application/json'
  const res = await fetch(`${url}${path}`, { method, headers, body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body) })
  const buf = Buffer.from(await res.arrayBuffer())
  const text = buf.toString('utf8')
  let parsed: unknown = buf
  if (res.headers.get('content-type')?.includes('json')) parsed = JSON.parse(text)
  return { status: res.status, headers: res.headers, body: parsed, text }
}

/** A tiny valid image of each kind (magic bytes and a little more). */
export const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(64, 1)])
export const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(64, 2)])
export const WEBP = Buffer.concat([Buffer.from('RIFF'), Buffer.from([0x40, 0, 0, 0]), Buffer.from('WEBPVP8 '), Buffer.alloc(64, 3)])

export const hoursAgo = (h: number): string => new Date(Date.now() - h * 3_600_000).toISOString()

let chipSeq = 0
/** A distinct ISO chip number per call (985: HomeAgain), so tests never share one by accident. */
export const newChip = (): string => `985${String(Date.now() % 1e9).padStart(9, '0')}${String(chipSeq++ % 1000).padStart(3, '0')}`

export function report(fields: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    microchip: newChip(),
    species: 'canine',
    breed: 'Labrador',
    colour: 'black',
    sex: 'female',
    name: 'Bella',
    lastSeenArea: 'Riverside, 12345',
    lastSeenAt: hoursAgo(5),
    ownerName: 'Ann Lee',
    ownerContact: '+1 555 0101 ann.lee@example.com',
    shareContact: false,
    ...fields
  }
}
