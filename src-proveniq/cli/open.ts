/** The service's database for a command: PostgreSQL with --database-url, else the embedded PGlite folder. */
import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { openPglite, openPostgres, type Db } from '../../src-server/db'

export const DEFAULT_DATA_DIR = '.vetos-proveniq'

/** drizzle/proveniq: the service's own migrations (drizzle.proveniq.config.ts). */
export const PROVENIQ_MIGRATIONS = fileURLToPath(new URL('../../drizzle/proveniq', import.meta.url))

export async function openDatabase(flags: { 'database-url'?: string; 'data-dir'?: string }): Promise<{ db: Db; where: string }> {
  const url = flags['database-url']
  if (url) return { db: await openPostgres(url, PROVENIQ_MIGRATIONS), where: 'PostgreSQL' }
  const dir = resolve(flags['data-dir'] ?? DEFAULT_DATA_DIR)
  return { db: await openPglite(dir, PROVENIQ_MIGRATIONS), where: `the embedded PGlite database in ${dir} (use --database-url for production)` }
}
