import type { Core } from '../domain/core'
import type { NotificationsService } from '../domain/notifications'
import type { ConsentGate } from '../consent/gate'
import type { IntegrationRegistry } from '../integrations/registry'
import { InboundArchive } from '../integrations/inbound'
import { OutboundQueue } from '../integrations/outbound'
import { Hl7Listener } from '../hl7/listener'
import { MllpTransmitter } from '../hl7/transmitter'
import { buildOrderMessage } from '../hl7/lab-messages'
import { LabOrdersService } from './orders'
import { LabResultsService } from './results'
import { LabReviewService } from './review'
import { Hl7Message, Hl7ParseError } from '../hl7/codec'
import { LabViews } from './views'
import { ApiError, conflict, notFound } from '../api/errors'

export interface LabsConfig {
  /** the HL7 results listener; none when absent */
  hl7?: { host: string; port: number }
}

export type Labs = ReturnType<typeof createLabs>

/** Wires the lab pipeline: orders → gate → outbound queue → transport; transport → archive → results → match. */
export function createLabs(core: Core, registry: IntegrationRegistry, gate: ConsentGate, notifications: NotificationsService, config: LabsConfig) {
  const archive = new InboundArchive(core)
  const orders = new LabOrdersService(core, registry, gate)
  const results = new LabResultsService(core, orders, notifications)
  const review = new LabReviewService(core, results, registry)
  orders.registerEncoder('reference_lab', { encode: (profile, input) => Buffer.from(buildOrderMessage(profile, input), 'utf8') })

  const outbound = new OutboundQueue(core, registry, gate, {
    answered(msg, answer) {
      const name = registry.row(msg.integrationId).name
      gate.recordExchange({ integrationId: msg.integrationId, direction: 'outbound', action: `hl7.${msg.kind}.sent`, outcome: answer.accepted ? 'ok' : 'refused', summary: `${msg.kind === 'order' ? 'Order' : 'Cancel'} ${msg.controlId} to ${name}: ${answer.detail}`, details: { outboundId: msg.id } })
      if (!msg.orderId) return
      if (msg.kind === 'order') {
        orders.applyStatus(msg.orderId, 'sent', `Sent to ${name}`, null)
        orders.applyStatus(msg.orderId, answer.accepted ? 'accepted' : 'rejected', answer.accepted ? `Accepted by ${name}` : `Rejected by ${name}: ${answer.detail}`, null)
      } else if (answer.accepted) orders.applyStatus(msg.orderId, 'cancelled', `${name} confirmed the cancel`, null)
      else orders.note(msg.orderId, 'cancel_refused', `${name} refused the cancel: ${answer.detail}`)
    },
    waiting(msg, error, first) {
      if (first && msg.orderId) orders.note(msg.orderId, 'waiting', `Waiting for the link: ${error}`)
    },
    refused(msg, reason) {
      if (msg.orderId) orders.applyStatus(msg.orderId, 'error', `Not sent: ${reason}`, null)
    }
  })
  orders.onQueued = (id) => outbound.wake(id)

  const listener = config.hl7 ? new Hl7Listener(core, archive, registry, gate, results, config.hl7) : null

  /** Transmitters follow the integration records: added, moved or disabled, the queue follows. */
  const wired = new Map<string, string>()
  const syncTransmitters = () => {
    for (const i of registry.list()) {
      if (i.kind !== 'reference_lab') continue
      const c = registry.config(i.id)
      const signature = i.enabled && c.host && c.port ? `${c.host}:${c.port}:${c.ackTimeoutSeconds ?? 30}` : ''
      if (wired.get(i.id) === signature) continue
      wired.set(i.id, signature)
      if (signature) outbound.register(i.id, new MllpTransmitter(c.host!, c.port!, (c.ackTimeoutSeconds ?? 30) * 1000))
      else outbound.unregister(i.id)
    }
  }

  /** Messages committed but not processed when the process stopped (a crash before the ACK). */
  const recover = () => {
    const rows = core.store.sqlite.prepare("SELECT id FROM inbound_messages WHERE status = 'received' AND transport = 'mllp' ORDER BY seq").pluck().all() as string[]
    for (const id of rows) {
      const row = archive.get(id)!
      if (!listener) break
      listener.process(row, Hl7Message.parse(row.raw.toString('utf8')), row.integrationId ? registry.get(row.integrationId) : null)
    }
  }

  const views = new LabViews(core, registry, orders, review)

  /** The Integrations screen's "reprocess": a received message that failed goes through the pipeline again. */
  const reprocess = (messageId: string) => {
    const row = archive.get(messageId)
    if (!row) throw notFound('Message')
    if (row.status === 'processed' || row.status === 'duplicate') throw conflict('This message was already processed; reprocessing it would store its results twice')
    if (!listener || row.transport !== 'mllp') throw new ApiError('conflict', 'No connector here can reprocess this message')
    let msg: Hl7Message
    try {
      msg = Hl7Message.parse(row.raw.toString('utf8'))
    } catch (e) {
      throw new ApiError('conflict', `Still not a readable HL7 message: ${e instanceof Hl7ParseError ? e.message : String(e)}`)
    }
    const integration = listener.route(msg, row.peer)
    if (integration && !row.integrationId) core.store.sqlite.prepare('UPDATE inbound_messages SET integration_id = ? WHERE id = ?').run(integration.id, row.id)
    listener.process(row, msg, integration)
    return views.inboundEntry(archive.get(messageId)!)
  }

  let sub: { unsubscribe(): void } | null = null
  return {
    views,
    reprocess,
    archive,
    orders,
    results,
    review,
    outbound,
    listener,
    async start() {
      recover()
      if (listener) await listener.start()
      syncTransmitters()
      sub = core.events.subscribe(({ event }) => {
        if (event.type === 'changed' && event.payload.entity === 'integration') queueMicrotask(syncTransmitters)
      })
    },
    async stop() {
      sub?.unsubscribe()
      outbound.stop()
      await listener?.stop()
    }
  }
}
