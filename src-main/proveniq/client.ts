/**
 * The one way this workstation talks to the PROVENIQ service (PetMayday and PetLifeLog) with
 * data: every call takes a permit from the consent gate for the categories it carries and spends
 * it right before the request leaves, and every answer is recorded as an exchange (audit log and
 * the integration's counters). The service's refusals come back as the service worded them; a
 * service that cannot be reached is `offline`, never a guess.
 */
import type { ChipMissingReport, DataCategory } from '../../src-preload/contract'
import { ApiError } from '../api/errors'
import type { ConsentGate, Permit } from '../consent/gate'
import type { Actor } from '../domain/actor'
import type { IntegrationRegistry } from '../integrations/registry'

export type ProveniqKind = 'petmayday' | 'petlifelog'

const LABEL: Record<ProveniqKind, string> = { petmayday: 'PetMayday', petlifelog: 'PetLifeLog' }
/** The service is across the internet; a clinic waits no longer than this at the desk. */
const TIMEOUT_MS = 10_000

export interface ProveniqTarget {
  integrationId: string
  name: string
  baseUrl: string
  apiKey: string
}

/** A missing-pet report as the service answers it (src-proveniq/reports.ts PublicReport). */
export interface ServiceReport {
  id: string
  status: string
  microchip: string | null
  microchipRaw: string | null
  species: string
  breed: string | null
  colour: string | null
  sex: string
  name: string | null
  photoUrl: string | null
  lastSeenArea: string
  lastSeenAt: string
  filedBy: { name: string; kind: string }
  createdAt: string
  updatedAt: string
}

/** A service report as the contract hands it to the renderer (the photo is fetched through VetOS, so only whether there is one). */
export const publicReport = (r: ServiceReport): ChipMissingReport => ({
  id: r.id,
  status: r.status,
  microchip: r.microchip,
  microchipRaw: r.microchipRaw,
  species: r.species,
  breed: r.breed,
  colour: r.colour,
  sex: r.sex,
  name: r.name,
  hasPhoto: r.photoUrl !== null,
  lastSeenArea: r.lastSeenArea,
  lastSeenAt: r.lastSeenAt,
  filedBy: r.filedBy,
  createdAt: r.createdAt,
  updatedAt: r.updatedAt
})

export interface ProveniqCall {
  kind: ProveniqKind
  method: 'GET' | 'POST' | 'PUT' | 'PATCH'
  /** under the base URL, e.g. `/v1/reports` */
  path: string
  body?: unknown
  /** every category of data the request carries (an empty list: it carries only the member key) */
  categories: DataCategory[]
  /** in words, for the audit log */
  summary: string
  actor: Actor
  patientId?: string | null
  /** the answer is bytes (a photo), not JSON */
  binary?: boolean
}

/** The service could not be reached: the caller may keep the request for later (an outbox). */
export class ProveniqOffline extends ApiError {
  constructor(kind: ProveniqKind, detail: string) {
    super('offline', `${LABEL[kind]} cannot be reached (${detail}); this workstation is offline from the PROVENIQ network`)
  }
}

/** The service answered with a refusal (4xx/5xx), in its own words. */
export class ProveniqRefusal extends ApiError {
  constructor(
    readonly status: number,
    readonly serviceCode: string,
    message: string,
    issues?: { path: string; message: string }[]
  ) {
    super(status === 404 ? 'not-found' : status === 409 ? 'conflict' : status === 401 || status === 403 ? 'forbidden' : 'invalid-input', message, issues)
  }
}

export class ProveniqClient {
  constructor(
    private readonly registry: IntegrationRegistry,
    private readonly gate: ConsentGate,
    private readonly opts: { fetch?: typeof fetch } = {}
  ) {}

  /** The enabled integration of this kind with its address and key, or null when the clinic has none. */
  target(kind: ProveniqKind): ProveniqTarget | null {
    for (const i of this.registry.list()) {
      if (i.kind !== kind || !i.enabled) continue
      const config = this.registry.config(i.id)
      if (config.baseUrl && config.apiKey) return { integrationId: i.id, name: i.name, baseUrl: config.baseUrl.replace(/\/+$/, ''), apiKey: config.apiKey }
    }
    return null
  }

  /** A target or a clear refusal naming what to set up. */
  require(kind: ProveniqKind): ProveniqTarget {
    const t = this.target(kind)
    if (!t) throw new ApiError('consent-refused', `${LABEL[kind]} is not set up: an administrator adds it under Integrations (its address and this clinic's member key) and approves it`)
    return t
  }

  /** One request through the gate; the parsed JSON answer (or the bytes and their type when `binary`). */
  async send<T>(call: ProveniqCall): Promise<T> {
    const target = this.require(call.kind)
    const permit = this.gate.authorize({ integrationId: target.integrationId, categories: call.categories, summary: call.summary, actor: call.actor, patientId: call.patientId ?? null })
    return this.exchange<T>(permit, target, call)
  }

  /** A request under a permit the caller already holds (the outbox, which took it when the row was queued). */
  async exchange<T>(permit: Permit, target: ProveniqTarget, call: ProveniqCall): Promise<T> {
    const record = (outcome: 'ok' | 'error', detail: string) =>
      this.gate.recordExchange({
        integrationId: target.integrationId,
        direction: 'outbound',
        action: outcome === 'ok' ? 'proveniq.sent' : 'proveniq.failed',
        outcome,
        actor: call.actor,
        patientId: call.patientId ?? null,
        summary: `${call.summary}: ${detail}`,
        details: { method: call.method, path: call.path, categories: call.categories }
      })
    permit.spend(target.integrationId)
    let res: Response
    try {
      res = await (this.opts.fetch ?? fetch)(`${target.baseUrl}${call.path}`, {
        method: call.method,
        headers: { authorization: `Bearer ${target.apiKey}`, ...(call.body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: call.body === undefined ? undefined : JSON.stringify(call.body),
        signal: AbortSignal.timeout(TIMEOUT_MS)
      })
    } catch (e) {
      const detail = (e as Error).name === 'TimeoutError' ? `no answer in ${TIMEOUT_MS / 1000} s` : ((e as { cause?: { code?: string } }).cause?.code ?? (e as Error).message)
      record('error', `not reachable (${detail})`)
      throw new ProveniqOffline(call.kind, detail)
    }
    // A gateway's 5xx, a timeout or rate limit: the service is not answering, not refusing.
    if (res.status >= 500 || res.status === 408 || res.status === 429) {
      record('error', `not answering (${res.status})`)
      throw new ProveniqOffline(call.kind, `it answered ${res.status}`)
    }
    if (!res.ok) {
      const body = (await res.json().catch(() => null)) as { error?: string; message?: string; issues?: { field: string; message: string }[] } | null
      const message = body?.message ?? `${LABEL[call.kind]} answered ${res.status}`
      record('error', `refused ${res.status}: ${message}`)
      const issues = body?.issues?.map((i) => ({ path: i.field, message: i.message }))
      throw new ProveniqRefusal(res.status, body?.error ?? 'error', `${LABEL[call.kind]}: ${message}`, issues)
    }
    let answer: T
    try {
      // The body can still be cut off (a reset, the timeout): that is unreachable, not a refusal.
      answer = (call.binary ? { bytes: Buffer.from(await res.arrayBuffer()), type: res.headers.get('content-type') ?? 'application/octet-stream' } : await res.json()) as T
    } catch (e) {
      record('error', `answer cut off (${(e as Error).message})`)
      throw new ProveniqOffline(call.kind, `its answer was cut off: ${(e as Error).message}`)
    }
    record('ok', `answered ${res.status}`)
    return answer
  }
}
