/**
 * This workstation's audit chain, anchored on the clinic server. The local chain (audit/chain.ts)
 * shows an edited, removed or reordered entry, but not a log rewritten wholesale with a fresh, valid
 * chain and head. The server keeps a copy of every entry pushed here and accepts only entries that
 * continue it, so a rewritten log is refused there (chain-conflict): the entry it names is reported,
 * and nothing on either side is ever rewritten to make them agree.
 *
 * The caller hands in its HTTP client (SyncClient's, or the verify command's): requests go only to
 * the clinic's own server, with this device's credential.
 */
import type Database from 'better-sqlite3'
import type { AuditRow } from '../audit/chain'

export interface AuditHead {
  seq: number
  hash: string
}

export interface ServerLink {
  /** the clinic server, e.g. http://server:8788 */
  url: string
  /** this workstation's device credential */
  token: string
  fetch: typeof fetch
}

/** The clinic server this data folder joined (device_meta sync_url and sync_token); null when it joined none. */
export function joinedServer(sqlite: Database.Database, fetchFn: typeof fetch): ServerLink | null {
  const meta = (key: string) => sqlite.prepare('SELECT value FROM device_meta WHERE key = ?').pluck().get(key) as string | undefined
  const url = meta('sync_url')
  const token = meta('sync_token')
  return url && token ? { url, token, fetch: fetchFn } : null
}

const BATCH = 500
// A server that stopped answering must not hold the push loop (or the verify command) forever.
const TIMEOUT_MS = 15_000

export class AuditAnchor {
  /** the server's head, read once and then taken from each answer */
  private head: AuditHead | null = null
  private problem: string | null = null

  constructor(
    private readonly sqlite: Database.Database,
    private readonly deviceId: string,
    private readonly link: ServerLink,
    private readonly onProblem: () => void = () => {}
  ) {}

  /** Why audit entries are no longer pushed (the local log differs from the server's copy); null while all is well. */
  get detail(): string | null {
    return this.problem
  }

  /** Pushes the next entries the server does not hold; true when more may be waiting. Throws when the server cannot be reached. */
  async pushOnce(): Promise<boolean> {
    if (this.problem) return false
    if (!this.head) {
      const head = await serverHead(this.link)
      if (!holds(this.sqlite, head)) return this.stop(await this.firstDifference(head.seq))
      this.keep(head)
    }
    const rows = this.sqlite.prepare('SELECT * FROM audit_log WHERE seq > ? ORDER BY seq LIMIT ?').all(this.head!.seq, BATCH) as AuditRow[]
    if (rows.length === 0) return false
    const answer = await this.send(rows)
    if ('head' in answer) {
      this.keep(answer.head)
      return rows.length === BATCH
    }
    if (answer.error === 'chain-gap') {
      // The server holds fewer entries than it answered before (restored from a backup): read its head again.
      this.head = null
      return true
    }
    if (answer.error === 'chain-conflict') return this.stop(await this.firstDifference(answer.seq))
    return this.stop(`the clinic server refused audit entry ${answer.seq}: ${answer.message}; audit entries are no longer sent`)
  }

  private async send(entries: AuditRow[]): Promise<{ head: AuditHead } | { error: string; seq: number; message: string }> {
    const res = await this.link.fetch(`${this.link.url}/sync/v1/audit`, {
      method: 'POST',
      headers: { authorization: `Bearer ${this.link.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ deviceId: this.deviceId, entries }),
      signal: AbortSignal.timeout(TIMEOUT_MS)
    })
    const body = (await res.json().catch(() => null)) as { seq: number; hash: string; error?: string; message?: string } | null
    if (res.ok && body) return { head: { seq: body.seq, hash: body.hash } }
    if ((res.status === 409 || res.status === 422) && body?.error) return { error: body.error, seq: body.seq, message: body.message ?? '' }
    throw new Error(`audit push answered ${res.status}: ${body?.message ?? ''}`)
  }

  /**
   * The first local entry the server holds otherwise, up to `upTo` (known to differ). Entries link
   * by hash, so if entry k is the server's, so is every entry before it: a binary search of
   * single-entry pushes, which the server only compares (it never stores what it already holds).
   */
  private async firstDifference(upTo: number): Promise<string> {
    let lo = 1
    let hi = upTo
    while (lo < hi) {
      const mid = Math.floor((lo + hi) / 2)
      const row = this.sqlite.prepare('SELECT * FROM audit_log WHERE seq = ?').get(mid) as AuditRow | undefined
      if (!row || !('head' in (await this.send([row])))) hi = mid
      else lo = mid + 1
    }
    return `this workstation's audit log differs from the copy on the clinic server from entry ${lo}: it was rewritten here; audit entries are no longer sent`
  }

  private stop(problem: string): false {
    this.problem = problem
    this.onProblem()
    return false
  }

  /** The server's head, kept in device_meta too: the last point at which both copies agreed. */
  private keep(head: AuditHead): void {
    this.head = head
    this.sqlite.prepare("INSERT INTO device_meta (key, value) VALUES ('audit_anchor', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value").run(`${head.seq}:${head.hash}`)
  }
}

/** The newest entry of this device's chain that the server holds (seq 0: none yet). */
export async function serverHead(link: ServerLink): Promise<AuditHead> {
  const res = await link.fetch(`${link.url}/sync/v1/audit/head`, { headers: { authorization: `Bearer ${link.token}` }, signal: AbortSignal.timeout(TIMEOUT_MS) })
  if (!res.ok) throw new Error(`the clinic server answered ${res.status}: ${(await res.text()).slice(0, 200)}`)
  return (await res.json()) as AuditHead
}

/** Whether the local chain has exactly the server's head entry. */
function holds(sqlite: Database.Database, head: AuditHead): boolean {
  if (head.seq === 0) return true
  return sqlite.prepare('SELECT hash FROM audit_log WHERE seq = ?').pluck().get(head.seq) === head.hash
}

export type AnchorCheck =
  | { state: 'ok'; seq: number }
  | { state: 'rewritten'; seq: number; message: string }
  | { state: 'unreachable'; message: string }

/** The verify command's check: does the local log still contain the newest entry the server holds? Works on a read-only connection. */
export async function checkAnchor(sqlite: Database.Database, link: ServerLink): Promise<AnchorCheck> {
  let head: AuditHead
  try {
    head = await serverHead(link)
  } catch (e) {
    return { state: 'unreachable', message: (e as Error).message }
  }
  if (holds(sqlite, head)) return { state: 'ok', seq: head.seq }
  const local = sqlite.prepare('SELECT max(seq) FROM audit_log').pluck().get() as number | null
  const message =
    (local ?? 0) < head.seq
      ? `the clinic server holds entry ${head.seq}, which the local log no longer has (it ends at entry ${local ?? 0}): the local log was rewritten`
      : `the clinic server holds entry ${head.seq} with another content: the local log was rewritten`
  return { state: 'rewritten', seq: head.seq, message }
}
