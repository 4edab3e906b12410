/** The database a command works on: PostgreSQL with --database-url, else the embedded PGlite folder. */
import { resolve } from 'node:path'
import { openPglite, openPostgres, type Db } from '../db'

export const DEFAULT_DATA_DIR = '.vetos-server'

export async function openDatabase(flags: { 'database-url'?: string; 'data-dir'?: string }): Promise<{ db: Db; where: string }> {
  const url = flags['database-url']
  if (url) return { db: await openPostgres(url), where: 'PostgreSQL' }
  const dir = resolve(flags['data-dir'] ?? DEFAULT_DATA_DIR)
  return { db: await openPglite(dir), where: `the embedded PGlite database in ${dir} (use --database-url for production)` }
}
