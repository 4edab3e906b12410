/**
 * npm run server -- [--database-url URL | --data-dir DIR] [--port N] [--host ADDR]
 * The central sync server; prints `sync server listening on http://HOST:PORT` once it serves.
 */
import { parseArgs } from 'node:util'
import { startSyncServer } from '../sync/http'
import { openDatabase } from './open'

const USAGE = 'usage: npm run server -- [--database-url URL | --data-dir DIR] [--port N] [--host ADDR]'

async function main(): Promise<void> {
  let flags
  try {
    flags = parseArgs({ options: { 'database-url': { type: 'string' }, 'data-dir': { type: 'string' }, port: { type: 'string' }, host: { type: 'string' } }, strict: true }).values
  } catch (e) {
    console.error(`${(e as Error).message}\n${USAGE}`)
    process.exit(2)
  }
  const port = Number(flags.port ?? 8788)
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`--port ${flags.port} is not a port number\n${USAGE}`)
    process.exit(2)
  }
  const { db, where } = await openDatabase(flags)
  const server = await startSyncServer({ db, host: flags.host ?? '127.0.0.1', port })
  console.log(`sync server listening on ${server.url}`)
  console.log(`data: ${where}`)
  const stop = async () => {
    await server.close()
    await db.close()
    process.exit(0)
  }
  process.once('SIGINT', () => void stop())
  process.once('SIGTERM', () => void stop())
}

main().catch((e) => {
  console.error(`sync server: ${(e as Error).message}`)
  process.exit(1)
})
