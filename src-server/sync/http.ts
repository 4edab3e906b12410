/**
 * The sync server's HTTP face. Stateless: every request reads what it needs from PostgreSQL, so
 * several instances can serve one database behind a load balancer; long-polls are woken by
 * PostgreSQL notifications, which reach every instance.
 */
import Fastify from 'fastify'
import type { Db } from '../db'
import { appendAudit, auditHead, parseAuditPush } from './audit'
import { authenticate, revokedError } from './auth'
import { blobRoutes } from './blobs'
import { listDevices, parseRevoke, revokeByAdmin, RevokedDevices } from './devices'
import { enrollDevice, parseEnroll } from './enroll'
import { HttpError } from './errors'
import { parsePush, push } from './push'
import { ShapeService, type ShapeQuery } from './shape'
import { ClinicWaiters } from './waiters'
import { listenUrl } from '../listen'

export interface SyncServerOptions {
  db: Db
  host?: string
  /** 0 picks a free port */
  port?: number
  /** how long a live shape request waits for a change (Electric: about 20 s) */
  liveTimeoutMs?: number
  /** where the clinic's files are kept (sync/blobs.ts); without it, file requests are answered 503 */
  blobDir?: string
}

export interface SyncServer {
  /** http://host:port */
  url: string
  close(): Promise<void>
}

// Mutations carry whole rows, lab PDFs included, until blobs travel on their own.
const BODY_LIMIT = 64 * 1024 * 1024

export async function startSyncServer(opts: SyncServerOptions): Promise<SyncServer> {
  const { db } = opts
  const waiters = new ClinicWaiters()
  const stopListening = await db.listen('sync_clinic', (payload) => waiters.notified(payload))
  const revoked = new RevokedDevices()
  const stopRevoked = await db.listen('sync_device_revoked', (deviceId) => revoked.revoked(deviceId))
  const shapes = new ShapeService(db, waiters, opts.liveTimeoutMs)
  // Closing answers the waiting long-polls at once instead of holding the shutdown for up to 20 s.
  const closing = new AbortController()

  // Closing ends every connection, idle keep-alive ones included (they held a shutdown for over a minute).
  const app = Fastify({ bodyLimit: BODY_LIMIT, logger: false, forceCloseConnections: true })
  app.setErrorHandler((error, _request, reply) => {
    if (error instanceof HttpError) return reply.code(error.status).send({ error: error.code, message: error.message })
    const status = (error as { statusCode?: number }).statusCode
    // fastify's own refusals: malformed JSON, a body over the limit, a wrong content type.
    if (status && status >= 400 && status < 500) return reply.code(status).send({ error: 'bad-request', message: (error as Error).message })
    console.error(`sync server: ${(error as Error).stack ?? error}`)
    return reply.code(500).send({ error: 'internal', message: 'the sync server failed; try again' })
  })

  app.get('/v1/shape', async (request, reply) => {
    const device = await authenticate(db, request.headers.authorization)
    const gone = new AbortController()
    reply.raw.on('close', () => gone.abort())
    // A revocation ends the device's waiting long-polls at once, answered as its next request would be.
    const watch = revoked.watch(device.deviceId)
    const res = await shapes
      .serve(device, request.query as ShapeQuery, AbortSignal.any([gone.signal, closing.signal, watch.signal]))
      .catch((e) => {
        throw watch.signal.aborted ? revokedError() : e
      })
      .finally(watch.release)
    if (watch.signal.aborted) throw revokedError()
    return reply
      .code(res.status)
      .headers({ ...res.headers, 'cache-control': 'no-store', 'content-type': 'application/json; charset=utf-8' })
      .send(JSON.stringify(res.body))
  })

  app.post('/sync/v1/push', async (request) => {
    const device = await authenticate(db, request.headers.authorization)
    return { results: await push(db, device, parsePush(request.body, device)) }
  })

  app.post('/sync/v1/audit', async (request, reply) => {
    const device = await authenticate(db, request.headers.authorization)
    const answer = await appendAudit(db, device, parseAuditPush(request.body, device))
    if (answer.ok) return answer.head
    return reply.code(answer.status).send({ error: answer.error, message: answer.message, seq: answer.seq, head: answer.head })
  })

  app.get('/sync/v1/audit/head', async (request) => auditHead(db, await authenticate(db, request.headers.authorization)))

  app.get('/sync/v1/devices', async (request) => ({ devices: await listDevices(db, await authenticate(db, request.headers.authorization)) }))

  app.post('/sync/v1/devices/revoke', async (request) => {
    const device = await authenticate(db, request.headers.authorization)
    return { device: await revokeByAdmin(db, device, parseRevoke(request.body)) }
  })

  await app.register(blobRoutes(db, opts.blobDir))

  app.post('/sync/v1/enroll', async (request) => enrollDevice(db, parseEnroll(request.body)))

  const url = await listenUrl(app, opts.host ?? '127.0.0.1', opts.port ?? 0)
  return {
    url,
    async close() {
      closing.abort()
      stopListening()
      stopRevoked()
      await app.close()
    }
  }
}
