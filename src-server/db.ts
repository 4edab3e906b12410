/**
 * One small interface over the two ways the server reaches PostgreSQL: a `pg` pool (production,
 * tests) or an embedded PGlite folder (a newcomer's demo). The same SQL and the same drizzle
 * migrations serve both.
 */
import { mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import pg from 'pg'
import { PGlite } from '@electric-sql/pglite'
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres'
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator'
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite'
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator'

export type Row = Record<string, unknown>

export interface Queryable {
  query<T = Row>(text: string, params?: unknown[]): Promise<T[]>
}

export interface Db extends Queryable {
  /** fn's queries in one transaction: committed when it resolves, rolled back when it throws. */
  tx<T>(fn: (q: Queryable) => Promise<T>): Promise<T>
  /** Calls fn with each payload notified on channel; resolves once listening, to the function that stops it. */
  listen(channel: string, fn: (payload: string) => void): Promise<() => void>
  notify(channel: string, payload: string): Promise<void>
  close(): Promise<void>
}

const MIGRATIONS = fileURLToPath(new URL('../drizzle/server', import.meta.url))
// Any fixed key: instances starting together on one database take turns migrating it.
const MIGRATION_LOCK = 7_460_551

const INT8 = 20
// Versions and sequence numbers are bigint; they stay far below 2^53, and numbers compare as numbers.
const parseInt8 = (v: string): number => Number(v)

/** Opens PostgreSQL at url and brings its schema up to date (the sync server's migrations unless another service names its own folder). */
export async function openPostgres(url: string, migrationsFolder: string = MIGRATIONS): Promise<Db> {
  const types = { getTypeParser: (oid: number, format?: 'text' | 'binary') => (oid === INT8 ? parseInt8 : pg.types.getTypeParser(oid, format as 'text')) }
  const pool = new pg.Pool({ connectionString: url, types, max: 10 })
  // An idle client that loses its connection must not crash the process; the pool replaces it.
  pool.on('error', (e) => console.error(`sync server: database connection lost: ${e.message}`))
  const client = await pool.connect()
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK])
    await migratePg(drizzlePg({ client }), { migrationsFolder })
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined)
    client.release()
  }
  const listeners = new Listeners(async (onNotify) => {
    const c = new pg.Client({ connectionString: url })
    await c.connect()
    c.on('notification', (n) => onNotify(n.channel, n.payload ?? ''))
    return c
  })
  return {
    async query<T>(text: string, params?: unknown[]) {
      return (await pool.query(text, params)).rows as T[]
    },
    async tx<T>(fn: (q: Queryable) => Promise<T>) {
      const c = await pool.connect()
      try {
        await c.query('BEGIN')
        const result = await fn({ query: async <R>(text: string, params?: unknown[]) => (await c.query(text, params)).rows as R[] })
        await c.query('COMMIT')
        return result
      } catch (e) {
        await c.query('ROLLBACK').catch(() => undefined)
        throw e
      } finally {
        c.release()
      }
    },
    listen: (channel, fn) => listeners.add(channel, fn),
    async notify(channel, payload) {
      await pool.query('SELECT pg_notify($1, $2)', [channel, payload])
    },
    async close() {
      await listeners.close()
      await pool.end()
    }
  }
}

/** Opens (creating it if needed) an embedded PGlite database in dir and brings its schema up to date (migrations as for openPostgres). */
export async function openPglite(dir: string, migrationsFolder: string = MIGRATIONS): Promise<Db> {
  mkdirSync(dir, { recursive: true })
  const unlock = lockFolder(dir)
  let lite: PGlite
  try {
    lite = await PGlite.create(dir, { parsers: { [INT8]: parseInt8 } })
    await migratePglite(drizzlePglite({ client: lite }), { migrationsFolder })
  } catch (e) {
    unlock()
    throw e
  }
  return {
    async query<T>(text: string, params?: unknown[]) {
      return (await lite.query<T>(text, params)).rows
    },
    tx: (fn) => lite.transaction((t) => fn({ query: async <R>(text: string, params?: unknown[]) => (await t.query<R>(text, params)).rows })),
    async listen(channel, fn) {
      const stop = await lite.listen(channel, fn)
      return () => void stop().catch(() => undefined)
    },
    async notify(channel, payload) {
      await lite.query('SELECT pg_notify($1, $2)', [channel, payload])
    },
    async close() {
      await lite.close()
      unlock()
    }
  }
}

/**
 * PGlite is one process's database: a second process opening the same folder (the enroll command
 * while the server runs) would corrupt it, so the folder is locked with the owner's pid.
 */
function lockFolder(dir: string): () => void {
  const file = join(dir, 'vetos-server.lock')
  try {
    writeFileSync(file, String(process.pid), { flag: 'wx' })
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e
    const pid = Number(readFileSync(file, 'utf8'))
    if (pid === process.pid || isAlive(pid)) throw new Error(`the database folder ${dir} is in use by process ${pid}; stop it first`)
    writeFileSync(file, String(process.pid))
  }
  return () => unlinkSync(file)
}

function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false
  try {
    process.kill(pid, 0)
    return true
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'
  }
}

type Connection = { query(text: string): Promise<unknown>; end(): Promise<void>; on(event: 'error', fn: (e: Error) => void): unknown }

/**
 * One LISTEN connection shared by every subscriber of this process; reopened (and its channels
 * listened to again) when it drops, since a long-poll must not wait for a notification that can no
 * longer arrive.
 */
class Listeners {
  private readonly subscribers = new Map<string, Set<(payload: string) => void>>()
  private connection: Promise<Connection> | null = null
  private closed = false

  constructor(private readonly connect: (onNotify: (channel: string, payload: string) => void) => Promise<Connection>) {}

  async add(channel: string, fn: (payload: string) => void): Promise<() => void> {
    let set = this.subscribers.get(channel)
    if (!set) {
      set = new Set()
      this.subscribers.set(channel, set)
      try {
        await (await this.open()).query(`LISTEN "${channel.replace(/"/g, '""')}"`)
      } catch (e) {
        this.subscribers.delete(channel)
        throw e
      }
    }
    set.add(fn)
    return () => set.delete(fn)
  }

  private open(): Promise<Connection> {
    if (!this.connection) {
      this.connection = this.connect((channel, payload) => {
        for (const fn of this.subscribers.get(channel) ?? []) fn(payload)
      }).then((c) => {
        c.on('error', (e) => {
          console.error(`sync server: notification connection lost: ${e.message}`)
          this.connection = null
          void c.end().catch(() => undefined)
          if (!this.closed) void this.relisten()
        })
        return c
      })
      this.connection.catch(() => (this.connection = null))
    }
    return this.connection
  }

  private async relisten(): Promise<void> {
    try {
      const c = await this.open()
      for (const channel of this.subscribers.keys()) await c.query(`LISTEN "${channel.replace(/"/g, '""')}"`)
    } catch (e) {
      console.error(`sync server: cannot listen for notifications: ${(e as Error).message}`)
      setTimeout(() => void this.relisten(), 1000).unref()
    }
  }

  async close(): Promise<void> {
    this.closed = true
    if (this.connection) await (await this.connection).end().catch(() => undefined)
  }
}
