import type { DataCategory, IntegrationConfig } from '../../src-preload/contract'
import { ApiError } from '../api/errors'
import type { Actor } from '../domain/actor'
import type { Core } from '../domain/core'
import type { NotificationsService } from '../domain/notifications'
import type { IntegrationRegistry } from '../integrations/registry'

export interface OutboundRequest {
  integrationId: string
  /** every category of data the message carries */
  categories: DataCategory[]
  /** what is being sent, in words, for the audit log */
  summary: string
  actor: Actor
  patientId?: string | null
  details?: unknown
}

/** Permits the gate issued and that no transport has used yet: a permit cannot be forged or reused. */
const issued = new WeakSet<Permit>()

/**
 * The gate's answer to one exchange: the only thing a transport accepts before it writes data out.
 * A transport calls spend() right before the bytes leave; it fails unless this gate issued the
 * permit, for this integration, it was not used before, and consent still holds at that moment.
 */
export class Permit {
  constructor(
    readonly integrationId: string,
    readonly name: string,
    readonly config: IntegrationConfig,
    readonly categories: DataCategory[],
    private readonly recheck: () => { reason: RefusalReason; message: string } | null
  ) {}

  protected recheckNow(): { reason: RefusalReason; message: string } | null {
    return this.recheck()
  }

  spend(integrationId: string): void {
    if (!issued.has(this)) throw new ConsentRefused('not-approved', 'This send was not permitted by the consent gate')
    if (integrationId !== this.integrationId) throw new ConsentRefused('not-approved', `A permit for "${this.name}" cannot be used for another integration`)
    issued.delete(this)
    const refusal = this.recheck()
    if (refusal) throw new ConsentRefused(refusal.reason, refusal.message)
  }
}

/**
 * A permit for one exchange made of several calls (a card payment: create, process, poll, capture).
 * Granted and audited once; every call spends it, and consent is checked again at each; end() closes it.
 */
export class SessionPermit extends Permit {
  override spend(integrationId: string): void {
    if (!issued.has(this)) throw new ConsentRefused('not-approved', 'This exchange is over or was not permitted by the consent gate')
    if (integrationId !== this.integrationId) throw new ConsentRefused('not-approved', `A permit for "${this.name}" cannot be used for another integration`)
    const refusal = this.recheckNow()
    if (refusal) {
      issued.delete(this)
      throw new ConsentRefused(refusal.reason, refusal.message)
    }
  }

  end(): void {
    issued.delete(this)
  }
}

export type RefusalReason = 'not-configured' | 'disabled' | 'not-approved' | 'category-not-approved'

export class ConsentRefused extends ApiError {
  constructor(
    readonly reason: RefusalReason,
    message: string
  ) {
    super('consent-refused', message)
  }
}

/**
 * The one gate every outbound exchange passes. It refuses anything that is not configured,
 * enabled and approved for every category of data in the message; refusals and permits are
 * both audited, and a refusal also notifies the workstation. Every transport that sends data
 * (src-main/consent/send-paths.ts lists them) takes a Permit from authorize() and spends it
 * at the moment of sending, so consent is checked when data leaves, not only when it was queued.
 */
export class ConsentGate {
  constructor(
    private readonly core: Core,
    private readonly registry: IntegrationRegistry,
    private readonly notifications: NotificationsService
  ) {}

  authorize(req: OutboundRequest): Permit {
    return this.grant(req, Permit)
  }

  /** One exchange of several calls under one audited permit (see SessionPermit). */
  authorizeSession(req: OutboundRequest): SessionPermit {
    return this.grant(req, SessionPermit)
  }

  private grant<P extends Permit>(req: OutboundRequest, Kind: new (...args: ConstructorParameters<typeof Permit>) => P): P {
    const { audit } = this.core
    const refusal = this.check(req)
    if (refusal) {
      this.refuse(req, refusal)
      throw new ConsentRefused(refusal.reason, refusal.message)
    }
    const row = this.registry.row(req.integrationId)
    audit.append({
      action: 'outbound.permitted',
      direction: 'outbound',
      actor: req.actor,
      integrationId: req.integrationId,
      patientId: req.patientId,
      summary: `Permitted: ${req.summary}`,
      details: { categories: req.categories, ...(req.details === undefined ? {} : { message: req.details }) }
    })
    const permit = new Kind(row.id, row.name, this.registry.config(row.id), req.categories, () => {
      const late = this.check(req)
      if (late) this.refuse(req, late)
      return late
    })
    issued.add(permit)
    return permit
  }

  /** A refusal, audited and told to the workstation. */
  private refuse(req: OutboundRequest, refusal: { reason: RefusalReason; message: string; known: boolean }): void {
    this.core.audit.append({
      action: 'outbound.refused',
      direction: 'outbound',
      outcome: 'refused',
      actor: req.actor,
      integrationId: refusal.known ? req.integrationId : null,
      patientId: req.patientId,
      summary: `Refused: ${req.summary}. ${refusal.message}`,
      details: { reason: refusal.reason, categories: req.categories, integrationId: req.integrationId }
    })
    this.notifications.notify({ recipientId: null, kind: 'consent.refused', severity: 'warning', title: 'Outbound data refused', body: refusal.message, patientId: req.patientId ?? null })
  }

  /** Records a completed exchange (sent, acknowledged, received) in either direction. */
  recordExchange(e: { integrationId: string; direction: 'inbound' | 'outbound'; action: string; summary: string; outcome?: 'ok' | 'error' | 'refused'; patientId?: string | null; actor?: Actor | null; details?: unknown }): void {
    this.core.audit.append({ ...e, integrationId: e.integrationId })
    this.registry.count(e.integrationId, `${e.direction}${e.outcome && e.outcome !== 'ok' ? `_${e.outcome}` : ''}`)
  }

  private check(req: OutboundRequest): { reason: RefusalReason; message: string; known: boolean } | null {
    let row
    try {
      row = this.registry.row(req.integrationId)
    } catch {
      return { reason: 'not-configured', message: 'No such integration is configured', known: false }
    }
    if (!row.enabled) return { reason: 'disabled', message: `"${row.name}" is disabled`, known: true }
    if (!row.approvedAt) return { reason: 'not-approved', message: `"${row.name}" has not been approved to receive data`, known: true }
    const approved = new Set(JSON.parse(row.approvedCategories) as DataCategory[])
    const missing = req.categories.filter((c) => !approved.has(c))
    if (missing.length > 0) return { reason: 'category-not-approved', message: `"${row.name}" is not approved for: ${missing.join(', ')}`, known: true }
    return null
  }
}
