/**
 * npm run server -- [--database-url URL --blob-dir DIR | --data-dir DIR [--blob-dir DIR]] [--port N] [--host ADDR]
 * The central sync server; prints `sync server listening on http://HOST:PORT` once it serves.
 * The clinic's files go to --blob-dir; on the embedded database they default to its folder's `blobs`,
 * so the demo's one folder holds everything. With PostgreSQL the folder must be named: the current
 * directory is no place for a clinic's images.
 */
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { onStopSignal } from './on-stop'
import { startSyncServer } from '../sync/http'
import { DEFAULT_DATA_DIR, openDatabase } from './open'

const USAGE = 'usage: npm run server -- [--database-url URL --blob-dir DIR | --data-dir DIR [--blob-dir DIR]] [--port N] [--host ADDR]'

async function main(): Promise<void> {
  let flags
  try {
    flags = parseArgs({ options: { 'database-url': { type: 'string' }, 'data-dir': { type: 'string' }, port: { type: 'string' }, host: { type: 'string' }, 'blob-dir': { type: 'string' } }, strict: true }).values
  } catch (e) {
    console.error(`${(e as Error).message}\n${USAGE}`)
    process.exit(2)
  }
  const port = Number(flags.port ?? 8788)
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`--port ${flags.port} is not a port number\n${USAGE}`)
    process.exit(2)
  }
  if (flags['database-url'] && !flags['blob-dir']) {
    console.error(`--database-url needs --blob-dir: the folder where the clinic's files (images) are kept\n${USAGE}`)
    process.exit(2)
  }
  const blobDir = resolve(flags['blob-dir'] ?? join(flags['data-dir'] ?? DEFAULT_DATA_DIR, 'blobs'))
  const { db, where } = await openDatabase(flags)
  const server = await startSyncServer({ db, host: flags.host ?? '127.0.0.1', port, blobDir })
  console.log(`sync server listening on ${server.url}`)
  console.log(`data: ${where}`)
  console.log(`files: ${blobDir}`)
  onStopSignal(async () => {
    await server.close()
    await db.close()
  })
}

main().catch((e) => {
  console.error(`sync server: ${(e as Error).message}`)
  process.exit(1)
})
