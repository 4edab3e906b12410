/**
 * npm run proveniq -- [--database-url URL | --data-dir DIR] [--port N] [--host ADDR]
 * The PROVENIQ service (PetMayday reports, PetLifeLog chips); prints
 * `proveniq listening on http://HOST:PORT` once it serves. Its own database: PGlite in
 * .vetos-proveniq by default, PostgreSQL in production.
 */
import { parseArgs } from 'node:util'
import { onStopSignal } from '../../src-server/cli/on-stop'
import { startProveniqServer } from '../http'
import { openDatabase } from './open'

const USAGE = 'usage: npm run proveniq -- [--database-url URL | --data-dir DIR] [--port N] [--host ADDR]'

async function main(): Promise<void> {
  let flags
  try {
    flags = parseArgs({ options: { 'database-url': { type: 'string' }, 'data-dir': { type: 'string' }, port: { type: 'string' }, host: { type: 'string' } }, strict: true }).values
  } catch (e) {
    console.error(`${(e as Error).message}\n${USAGE}`)
    process.exit(2)
  }
  if (flags['database-url'] && flags['data-dir']) {
    console.error(`give --database-url or --data-dir, not both\n${USAGE}`)
    process.exit(2)
  }
  const port = Number(flags.port ?? 8790)
  if (!/^\d+$/.test(flags.port ?? '8790') || port > 65535) {
    console.error(`--port ${flags.port} is not a port number\n${USAGE}`)
    process.exit(2)
  }
  const { db, where } = await openDatabase(flags)
  const server = await startProveniqServer({ db, host: flags.host ?? '127.0.0.1', port })
  console.log(`proveniq listening on ${server.url}`)
  console.log(`data: ${where}`)
  onStopSignal(async () => {
    await server.close()
    await db.close()
  })
}

main().catch((e) => {
  console.error(`proveniq: ${(e as Error).message}`)
  process.exit(1)
})
