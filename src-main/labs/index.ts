import type { Core } from '../domain/core'
import type { ChargeCapture } from '../billing/charges'
import { documents } from '../db/schema'
import type { NotificationsService } from '../domain/notifications'
import { patients } from '../db/schema'
import { labsLink } from './result-notice'
import type { ConsentGate } from '../consent/gate'
import type { IntegrationRegistry } from '../integrations/registry'
import { InboundArchive } from '../integrations/inbound'
import type { CaptureLog } from '../integrations/capture'
import { OutboundQueue } from '../integrations/outbound'
import { Hl7Listener, type Hl7ListenerOptions } from '../hl7/listener'
import { MllpTransmitter } from '../hl7/transmitter'
import { buildOrderMessage } from '../hl7/lab-messages'
import { LabOrdersService } from './orders'
import { LabResultsService } from './results'
import { LabReviewService } from './review'
import { Hl7Message, Hl7ParseError } from '../hl7/codec'
import { LabViews } from './views'
import { labPreviewers } from './capture-preview'
import { AnalyzerConnector, orderRecords } from '../astm/connector'
import { SerialTransport, TcpClientTransport, TcpServerTransport, type Transport } from '../astm/transport'
import { DEFAULT_TIMERS, type LinkTimers } from '../astm/link'
import type { IntegrationConfig } from '../../src-preload/contract'
import { ApiError, conflict, notFound } from '../api/errors'

export interface AnalyzerOverride {
  serial?: { path: string; baudRate: number }
  listen?: { host: string; port: number }
  connect?: { host: string; port: number }
}

export interface LabsConfig {
  /** the HL7 results listener; none when absent */
  hl7?: Hl7ListenerOptions
  /** command-line transport for the first enabled analyzer (not saved to its record) */
  analyzer?: AnalyzerOverride
  /** ASTM link timers (tests shorten them) */
  astmTimers?: Partial<LinkTimers>
}

export type Labs = ReturnType<typeof createLabs>

/** Wires the lab pipeline: orders → gate → outbound queue → transport; transport → archive → results → match. */
export function createLabs(core: Core, registry: IntegrationRegistry, gate: ConsentGate, notifications: NotificationsService, captures: CaptureLog, config: LabsConfig, charges: ChargeCapture | null = null) {
  const archive = new InboundArchive(core)
  const orders = new LabOrdersService(core, registry, gate, charges)
  const results = new LabResultsService(core, orders, notifications)
  const review = new LabReviewService(core, results, registry)
  orders.registerEncoder('reference_lab', { encode: (profile, input) => Buffer.from(buildOrderMessage(profile, input), 'utf8') })
  orders.registerEncoder('analyzer', { encode: (profile, input) => Buffer.from(orderRecords(profile, input).join('\r') + '\r', 'latin1') })

  const outbound = new OutboundQueue(core, registry, gate, {
    answered(msg, answer) {
      const name = registry.row(msg.integrationId).name
      gate.recordExchange({ integrationId: msg.integrationId, direction: 'outbound', action: `hl7.${msg.kind}.sent`, outcome: answer.accepted ? 'ok' : 'refused', summary: `${msg.kind === 'order' ? 'Order' : 'Cancel'} ${msg.controlId} to ${name}: ${answer.detail}`, details: { outboundId: msg.id } })
      if (!msg.orderId) return
      if (msg.kind === 'order') {
        orders.applyStatus(msg.orderId, 'sent', `Sent to ${name}`, null)
        const moved = orders.applyStatus(msg.orderId, answer.accepted ? 'accepted' : 'rejected', answer.accepted ? `Accepted by ${name}` : `Rejected by ${name}: ${answer.detail}`, null)
        if (moved && !answer.accepted) notifyRejected(msg.orderId, name, answer.detail)
      } else if (answer.accepted) orders.applyStatus(msg.orderId, 'cancelled', `${name} confirmed the cancel`, null)
      else orders.note(msg.orderId, 'cancel_refused', `${name} refused the cancel: ${answer.detail}`)
    },
    waiting(msg, error, first) {
      if (first && msg.orderId) orders.note(msg.orderId, 'waiting', `Waiting for the link: ${error}`)
    },
    refused(msg, reason) {
      if (msg.orderId) orders.applyStatus(msg.orderId, 'error', `Not sent: ${reason}`, null)
    }
  }, (id) => captures.capturing(id))
  orders.onQueued = (id) => outbound.wake(id)
  /** The lab refused the order: the vet who ordered it hears once, and the click opens the order to resubmit it. */
  const notifyRejected = (orderId: string, lab: string, detail: string) => {
    const order = orders.row(orderId)
    const patient = core.store.byId(patients, order.patientId)
    const tests = (JSON.parse(order.tests) as { name: string }[]).map((t) => t.name).join(', ')
    notifications.notify({ recipientId: order.orderedBy, kind: 'lab.rejected', severity: 'warning', title: `Rejected by the lab: ${patient?.name ?? 'a patient'} — ${tests}`, body: `${lab}: ${detail} · order ${order.orderNumber}`, patientId: order.patientId, link: labsLink(order.patientId, order.id), dedupeKey: `lab:order:${order.id}:rejected:${order.updatedAt}` })
  }

  const listener = config.hl7 ? new Hl7Listener(core, archive, registry, gate, results, captures, config.hl7) : null

  const analyzers = new Map<string, AnalyzerConnector>()
  const timers: LinkTimers = { ...DEFAULT_TIMERS, ...config.astmTimers }
  const firstAnalyzer = () => registry.list().find((i) => i.kind === 'analyzer' && i.enabled)?.id

  /** The analyzer's transport: the command line's for the first analyzer, else its record's. */
  const analyzerTransport = (id: string, c: IntegrationConfig): { key: string; make: () => Transport } | null => {
    const o = id === firstAnalyzer() ? config.analyzer : undefined
    const serial = o?.serial ?? (c.serialPath ? { path: c.serialPath, baudRate: c.baudRate ?? 9600 } : null)
    if (serial) return { key: `serial:${serial.path}:${serial.baudRate}`, make: () => new SerialTransport(serial.path, serial.baudRate) }
    const listen = o?.listen ?? (c.listenPort !== undefined && !o?.connect ? { host: '0.0.0.0', port: c.listenPort } : null)
    if (listen) return { key: `listen:${listen.host}:${listen.port}`, make: () => new TcpServerTransport(listen.host, listen.port, () => [c.host ?? '', ...(c.allowedPeers ?? [])]) }
    const dial = o?.connect ?? (c.host && c.port ? { host: c.host, port: c.port } : null)
    if (dial) return { key: `connect:${dial.host}:${dial.port}`, make: () => new TcpClientTransport(dial.host, dial.port) }
    return null
  }

  /** Transmitters and connectors follow the integration records: added, moved or disabled, they follow. */
  const wired = new Map<string, string>()
  const syncTransmitters = async () => {
    for (const i of registry.list()) {
      if (i.kind !== 'reference_lab' && i.kind !== 'analyzer') continue
      const c = registry.config(i.id)
      // Another workstation runs this connection: this one neither sends nor holds its link.
      const elsewhere = !orders.hostsHere(i.id)
      if (i.kind === 'reference_lab') {
        const signature = i.enabled && !elsewhere && c.host && c.port ? `${c.host}:${c.port}:${c.ackTimeoutSeconds ?? 30}` : ''
        if (wired.get(i.id) === signature) continue
        wired.set(i.id, signature)
        if (signature) outbound.register(i.id, new MllpTransmitter(i.id, c.host!, c.port!, (c.ackTimeoutSeconds ?? 30) * 1000))
        else outbound.unregister(i.id)
        continue
      }
      const t = i.enabled && !elsewhere ? analyzerTransport(i.id, c) : null
      const signature = t?.key ?? ''
      if (wired.get(i.id) === signature) continue
      wired.set(i.id, signature)
      outbound.unregister(i.id)
      await analyzers.get(i.id)?.stop()
      analyzers.delete(i.id)
      if (!t) continue
      const connector = new AnalyzerConnector(i.id, t.make(), { archive, registry, gate, results, orders, audit: core.audit, refusals: core.refusals, captures }, timers)
      analyzers.set(i.id, connector)
      try {
        await connector.start()
        outbound.register(i.id, connector)
      } catch (e) {
        registry.setStatus(i.id, 'error', `cannot start: ${(e as Error).message}`)
      }
    }
  }

  /** Messages committed but not processed when the process stopped (a crash before the ACK). */
  const recover = () => {
    // An ASTM transmission cut off by a stop never reached EOT: keep it, marked, for inspection.
    core.store.sqlite.prepare("UPDATE inbound_messages SET status = 'rejected', error = 'interrupted: VetOS stopped during the transmission' WHERE status = 'receiving'").run()
    const rows = core.store.sqlite.prepare("SELECT id FROM inbound_messages WHERE status = 'received' AND transport = 'mllp' ORDER BY seq").pluck().all() as string[]
    for (const id of rows) {
      const row = archive.get(id)!
      if (!listener) break
      listener.process(row, Hl7Message.parse(row.raw.toString('utf8')), row.integrationId ? registry.get(row.integrationId) : null)
    }
  }

  const views = new LabViews(core, registry, orders, review)
  const previewers = labPreviewers(core, results)
  captures.addPreviewer('mllp', previewers.mllp)
  captures.addPreviewer('astm', previewers.astm)

  /** The Integrations screen's "reprocess": a received message that failed goes through the pipeline again. */
  const reprocess = (messageId: string) => {
    const row = archive.get(messageId)
    if (!row) throw notFound('Message')
    if (row.status === 'processed' || row.status === 'duplicate') throw conflict('This message was already processed; reprocessing it would store its results twice')
    if (row.status === 'captured') throw conflict('This message was captured to build a profile and is not filed from here; once capture mode is off, have the device send it again and that copy is filed')
    if (row.transport === 'astm') {
      const connector = row.integrationId ? analyzers.get(row.integrationId) : undefined
      if (!connector) throw new ApiError('conflict', 'That analyzer is not running here')
      void connector.process(row)
      return views.inboundEntry(archive.get(messageId)!)
    }
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

  const pickUp = () => {
    for (const id of orders.pickUp()) outbound.wake(id)
  }
  let pickUpQueued = false
  const schedulePickUp = () => {
    if (pickUpQueued) return
    pickUpQueued = true
    queueMicrotask(() => {
      pickUpQueued = false
      pickUp()
    })
  }

  let sub: { unsubscribe(): void } | null = null
  return {
    views,
    documents: (id: string) => core.store.byId(documents, id),
    reprocess,
    archive,
    orders,
    results,
    review,
    outbound,
    listener,
    analyzers,
    async start() {
      recover()
      if (listener) await listener.start()
      await syncTransmitters()
      // ASTM transmissions that reached EOT but were not read when VetOS stopped: read them now.
      for (const id of core.store.sqlite.prepare("SELECT id FROM inbound_messages WHERE status = 'received' AND transport = 'astm' ORDER BY seq").pluck().all() as string[]) {
        const row = archive.get(id)!
        const connector = row.integrationId ? analyzers.get(row.integrationId) : undefined
        if (connector) await connector.process(row)
      }
      pickUp()
      sub = core.events.subscribe(({ event }) => {
        if (event.type !== 'changed') return
        if (event.payload.entity === 'integration' || (event.payload.entity === 'sync' && event.payload.id === 'integrations')) queueMicrotask(() => void syncTransmitters().then(pickUp))
        // Capture mode ended: what waited for it goes now.
        if (event.payload.entity === 'integration') outbound.wake(event.payload.id)
        // Orders placed on other workstations arrive by sync: the one that runs their lab sends them.
        if (event.payload.entity === 'sync') schedulePickUp()
      })
    },
    async stop() {
      sub?.unsubscribe()
      outbound.stop()
      await listener?.stop()
      await Promise.all([...analyzers.values()].map((a) => a.stop()))
    }
  }
}
