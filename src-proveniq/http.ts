/**
 * The PROVENIQ service's HTTP face (fastify, as the clinic sync server): JSON, a member key in
 * `Authorization: Bearer …` on every route. Stateless like the sync server: every request reads
 * PostgreSQL, and the shape's long-polls are woken by its notifications, so several instances can
 * serve one database.
 */
import Fastify from 'fastify'
import type { Db } from '../src-server/db'
import { RevokedDevices } from '../src-server/sync/devices'
import { HttpError } from '../src-server/sync/errors'
import type { ShapeQuery } from '../src-server/sync/shape'
import { ClinicWaiters } from '../src-server/sync/waiters'
import { authenticate, KEY_ENDED_CHANNEL, type Caller } from './members'
import { registerChip, lookupChip, transferChip } from './registry'
import { closeFound, fileReport, listFound, listOwnReports, listReports, postFound, readReport, reportPhoto, reportSighting, updateReport } from './reports'
import { REPORTS_CHANNEL, ReportShape, SHAPE_TABLE, WAIT_SPACE } from './shape'
import { ValidationError } from './validate'
import { listenUrl } from '../src-server/listen'

export interface ProveniqServerOptions {
  db: Db
  host?: string
  /** 0 picks a free port */
  port?: number
  /** how long a live shape request waits for a change (Electric: about 20 s) */
  liveTimeoutMs?: number
}

export interface ProveniqServer {
  /** http://host:port */
  url: string
  close(): Promise<void>
}

// A photo of at most 2 MB is about 2.7 MB as base64, with the report's text beside it.
export const BODY_LIMIT = 3 * 1024 * 1024

const keyEnded = (): HttpError => new HttpError(401, 'unauthorized', "this member's API key was revoked or replaced while the request waited")

export async function startProveniqServer(opts: ProveniqServerOptions): Promise<ProveniqServer> {
  const { db } = opts
  const waiters = new ClinicWaiters()
  const stopReports = await db.listen(REPORTS_CHANNEL, () => waiters.wake(WAIT_SPACE, SHAPE_TABLE))
  // The sync server's per-device watch serves keys as well: it only needs a name for what ended.
  const ended = new RevokedDevices()
  const stopEnded = await db.listen(KEY_ENDED_CHANNEL, (keyHash) => ended.revoked(keyHash))
  const shape = new ReportShape(db, waiters, opts.liveTimeoutMs)
  // Closing answers the waiting long-polls at once instead of holding the shutdown for up to 20 s.
  const closing = new AbortController()

  const app = Fastify({ bodyLimit: BODY_LIMIT, logger: false, forceCloseConnections: true })
  app.setErrorHandler((error, _request, reply) => {
    if (error instanceof ValidationError) return reply.code(400).send({ error: error.code, message: error.message, issues: error.issues })
    if (error instanceof HttpError) return reply.code(error.status).send({ error: error.code, message: error.message })
    const status = (error as { statusCode?: number }).statusCode
    if (status === 413) return reply.code(413).send({ error: 'too-large', message: `the request body is over ${BODY_LIMIT / 1024 / 1024} MB; a photo may be at most 2 MB` })
    // fastify's own refusals: malformed JSON, a wrong content type.
    if (status && status >= 400 && status < 500) return reply.code(status).send({ error: 'bad-request', message: (error as Error).message })
    console.error(`proveniq: ${(error as Error).stack ?? error}`)
    return reply.code(500).send({ error: 'internal', message: 'the PROVENIQ service failed; try again' })
  })
  app.setNotFoundHandler((request, reply) => reply.code(404).send({ error: 'not-found', message: `no route ${request.method} ${request.url.split('?')[0]}` }))

  const member = (request: { headers: { authorization?: string } }): Promise<Caller> => authenticate(db, request.headers.authorization)

  // ------------------------------------------------------------ PetMayday

  app.post('/v1/reports', async (request, reply) => reply.code(201).send(await fileReport(db, await member(request), request.body)))

  app.get('/v1/reports', async (request) => {
    await member(request)
    return { reports: await listReports(db, request.query) }
  })

  // The member's own reports with the owner part and the relays (before /:id: a static route wins).
  app.get('/v1/reports/own', async (request) => {
    const m = await member(request)
    return { reports: await listOwnReports(db, m, request.query) }
  })

  app.get<{ Params: { id: string } }>('/v1/reports/:id', async (request) => readReport(db, await member(request), request.params.id))

  app.patch<{ Params: { id: string } }>('/v1/reports/:id', async (request) => updateReport(db, await member(request), request.params.id, request.body))

  app.get<{ Params: { id: string } }>('/v1/reports/:id/photo', async (request, reply) => {
    const photo = await reportPhoto(db, await member(request), request.params.id)
    // private: it is a member's read, audited; nosniff: served as the type its bytes were checked to be.
    return reply.headers({ 'content-type': photo.type, 'cache-control': 'private, no-store', 'x-content-type-options': 'nosniff' }).send(photo.bytes)
  })

  app.post<{ Params: { id: string } }>('/v1/reports/:id/sightings', async (request, reply) => reply.code(201).send(await reportSighting(db, await member(request), request.params.id, request.body)))

  // Found-animal notices: an animal that matched no report, for members to recognise.
  app.post('/v1/found', async (request, reply) => reply.code(201).send(await postFound(db, await member(request), request.body)))

  app.get('/v1/found', async (request) => {
    return { notices: await listFound(db, await member(request), request.query) }
  })

  app.patch<{ Params: { id: string } }>('/v1/found/:id', async (request) => closeFound(db, await member(request), request.params.id, request.body))

  app.get('/v1/shape/reports', async (request, reply) => {
    const m = await member(request)
    const gone = new AbortController()
    reply.raw.on('close', () => gone.abort())
    // A revoked or replaced key ends its waiting long-polls at once, answered as its next request would be.
    const watch = ended.watch(m.keyHash)
    const res = await shape
      .serve(request.query as ShapeQuery, AbortSignal.any([gone.signal, closing.signal, watch.signal]))
      .catch((e) => {
        throw watch.signal.aborted ? keyEnded() : e
      })
      .finally(watch.release)
    if (watch.signal.aborted) throw keyEnded()
    return reply
      .code(res.status)
      .headers({ ...res.headers, 'cache-control': 'no-store', 'content-type': 'application/json; charset=utf-8' })
      .send(JSON.stringify(res.body))
  })

  // ------------------------------------------------------------ PetLifeLog

  app.put<{ Params: { chip: string } }>('/v1/chips/:chip', async (request, reply) => {
    const { created, registration } = await registerChip(db, await member(request), request.params.chip, request.body)
    return reply.code(created ? 201 : 200).send(registration)
  })

  app.post<{ Params: { chip: string } }>('/v1/chips/:chip/transfer', async (request) => transferChip(db, await member(request), request.params.chip, request.body))

  app.get<{ Params: { chip: string } }>('/v1/chips/:chip', async (request) => lookupChip(db, await member(request), request.params.chip))

  const url = await listenUrl(app, opts.host ?? '127.0.0.1', opts.port ?? 0)
  return {
    url,
    async close() {
      closing.abort()
      stopReports()
      stopEnded()
      await app.close()
    }
  }
}
