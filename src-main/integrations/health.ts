/**
 * Whether each integration works, in words the front desk understands: the last message received
 * and sent (from the audit log's exchanges and the outbound queue), errors in the last day, and
 * what to do; for a device in capture mode, what it has recorded. A link that starts failing
 * raises one notification for the episode, not one per message; it may raise another only after
 * it has worked again.
 */
import type { Integration, IntegrationHealth } from '../../src-preload/contract'
import type { Core } from '../domain/core'
import type { NotificationsService } from '../domain/notifications'
import type { IntegrationRegistry } from './registry'

const DAY_MS = 24 * 3600_000
/** A link still trying to connect after this long is down, not starting. */
const CONNECTING_TOO_LONG_MS = 5 * 60_000
const CHECK_EVERY_MS = 30_000
/** A failure with nothing waiting on it is notified once it has lasted this long. */
const NOTIFY_AFTER_MS = 5 * 60_000

const SENDS = new Set<Integration['kind']>(['reference_lab', 'analyzer', 'imaging', 'payments', 'petmayday', 'petlifelog', 'support'])

/** What the clinic can do about a failing link, by kind. */
const WHAT_TO_DO: Record<Integration['kind'], string> = {
  reference_lab: 'Check this PC’s network connection. If it is fine, the lab’s system may be down: VetOS keeps the orders and sends them when it answers. Call the lab or VetOS support if it lasts more than an hour.',
  analyzer: 'Check that the analyzer is switched on and its cable (or network) is plugged in to the PC that runs it. VetOS reconnects by itself.',
  imaging: 'Check that the modality is on and on the clinic network, and that its AE title and address match the ones here.',
  payments: 'Check the internet connection. Take cash or another method meanwhile; card payments resume when the service answers.',
  petmayday: 'Check the internet connection. Alerts still work from the list kept on this workstation.',
  petlifelog: 'Check the internet connection. Registrations wait and are sent when the service answers.',
  support: 'Check the internet connection. Requests to VetOS support wait and are sent when the support desk answers.'
}

/** What arrives at a listener VetOS runs (the HL7 listener, the DICOM node), and how it is turned on. */
const RECEIVES: Partial<Record<Integration['kind'], { what: string; how: string }>> = {
  reference_lab: { what: 'lab results', how: 'the --hl7-port setting (VETOS_HL7_PORT)' },
  imaging: { what: 'images', how: 'the --dicom-port setting (VETOS_DICOM_PORT)' }
}

const clock = (iso: string) => new Date(iso).toLocaleString('en-US', { month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit' })

export class IntegrationHealthMonitor {
  /** integrations failing now: since when, and whether it was notified */
  private failing = new Map<string, { since: number; notified: boolean }>()
  private timer: NodeJS.Timeout | null = null
  private sub: { unsubscribe(): void } | null = null
  private stopped = false

  constructor(
    private readonly core: Core,
    private readonly registry: IntegrationRegistry,
    private readonly notifications: NotificationsService
  ) {}

  /**
   * Whether the integration fails, and how, from its live status and its outbound queue only (two
   * index reads): check() runs on every patient change, so the audit log's figures stay in report().
   */
  private failure(i: Integration, now: number): { headline: string; waiting: number } | null {
    const store = this.core.store
    // The queue tries one message at a time: when its head failed, everything behind it waits too.
    const error = store.statement("SELECT last_error FROM outbound_messages WHERE integration_id = ? AND status = 'pending' AND last_error IS NOT NULL ORDER BY seq LIMIT 1").pluck().get(i.id) as string | undefined
    const s = i.status
    // Messages waiting after a failed try say the most (and stay true between retries); then the link's own state.
    if (error) {
      const waiting = store.statement("SELECT count(*) AS n, min(created_at) AS oldest FROM outbound_messages WHERE integration_id = ? AND status = 'pending'").get(i.id) as { n: number; oldest: string }
      return { waiting: waiting.n, headline: `${waiting.n} ${waiting.n === 1 ? 'message is' : 'messages are'} waiting to be delivered since ${clock(waiting.oldest)}. Last try: ${error}.` }
    }
    if (s.state === 'error') return { waiting: 0, headline: `Not working: ${s.detail ?? 'it stopped with an error'}.` }
    if (s.state === 'connecting' && s.since && now - Date.parse(s.since) > CONNECTING_TOO_LONG_MS) return { waiting: 0, headline: `Cannot reach it since ${clock(s.since)}${s.detail ? ` (${s.detail})` : ''}.` }
    return null
  }

  report(now = Date.now()): IntegrationHealth[] {
    const since = new Date(now - DAY_MS).toISOString()
    const sql = this.core.store.sqlite
    const last = sql.prepare("SELECT max(occurred_at) FROM audit_log WHERE integration_id = ? AND direction = ? AND outcome = 'ok'").pluck()
    const errors = sql.prepare("SELECT count(*) FROM audit_log WHERE integration_id = ? AND outcome IN ('error', 'refused') AND occurred_at >= ?").pluck()
    return this.registry.list().map((i) => {
      const lastReceivedAt = (last.get(i.id, 'inbound') as string | null) ?? null
      const lastSentAt = (last.get(i.id, 'outbound') as string | null) ?? null
      const errorsLastDay = errors.get(i.id, since) as number
      const failing = i.enabled ? this.failure(i, now) : null
      const base = { integrationId: i.id, lastReceivedAt, lastSentAt, errorsLastDay, waiting: failing?.waiting ?? 0 }
      if (!i.enabled) return { ...base, level: 'off' as const, headline: 'Turned off: nothing is sent or received.', advice: 'An administrator turns it on under Configure.' }
      if (failing) return { ...base, level: 'failing' as const, headline: failing.headline, advice: WHAT_TO_DO[i.kind] }
      if (i.config.capture) return { ...base, level: 'attention' as const, ...this.capturing(i.id) }
      if (!i.approval && SENDS.has(i.kind)) return { ...base, level: 'attention' as const, headline: 'Not approved: VetOS sends it nothing.', advice: 'An administrator approves it for the data it needs.' }
      const away = this.elsewhere(i)
      if (away) return { ...base, level: 'ok' as const, ...away }
      if (errorsLastDay > 0) return { ...base, level: 'attention' as const, headline: `Working, with ${errorsLastDay} ${errorsLastDay === 1 ? 'problem' : 'problems'} in the last day.`, advice: 'Open Messages to see what went wrong; refused or unreadable messages are kept there.' }
      const heard = [lastReceivedAt && `last received ${clock(lastReceivedAt)}`, lastSentAt && `last sent ${clock(lastSentAt)}`].filter(Boolean).join(', ')
      return { ...base, level: 'ok' as const, headline: heard ? `Working: ${heard}.` : 'Working: nothing exchanged yet.', advice: null }
    })
  }

  /**
   * A link this workstation does not run: another workstation is named to run it, or nothing here
   * listens for what it sends. Said, rather than "Working", so nobody waits here for its results.
   */
  private elsewhere(i: Integration): { headline: string; advice: string | null } | null {
    const host = i.config.workstationId
    if (host && host !== this.core.store.deviceId) {
      return { headline: `Runs on ${i.config.workstationName ?? 'another workstation'}: orders placed here are sent from there, and what it sends arrives there.`, advice: null }
    }
    const receives = RECEIVES[i.kind]
    if (receives && i.status.state === 'not_running') {
      return { headline: `Not received on this workstation: VetOS here does not listen for ${receives.what}.`, advice: `They arrive at the workstation that listens for them. If they should arrive here, whoever set up VetOS turns on ${receives.how} on this PC.` }
    }
    return null
  }

  /** Capture mode (a device nobody has profiled yet): what it has recorded, and that nothing is filed. */
  private capturing(integrationId: string): { headline: string; advice: string } {
    const c = this.core.store.statement("SELECT count(*) AS n, min(received_at) AS first FROM inbound_messages WHERE integration_id = ? AND status = 'captured'").get(integrationId) as { n: number; first: string | null }
    if (!c.first) return { headline: 'Capture mode: no messages recorded yet; nothing is filed to patients.', advice: 'Have the device send something (a test result, a test image) so its messages are recorded, then build its profile from them.' }
    return {
      headline: `Capture mode: ${c.n} ${c.n === 1 ? 'message' : 'messages'} recorded since ${clock(c.first)}; nothing is filed to patients.`,
      advice: 'Build its profile from the recorded messages (where it puts each field, its species and sex codes), then turn capture mode off so what it sends is filed.'
    }
  }

  /**
   * Notifies once per failure: at once when messages wait on it (orders are held up), else when it
   * has failed for a while (a PC switched on before its analyzer is not news); forgets it once the
   * link works again.
   */
  check(now = Date.now()): void {
    if (this.stopped) return
    for (const i of this.registry.list()) {
      const failing = i.enabled ? this.failure(i, now) : null
      if (!failing) {
        this.failing.delete(i.id)
        continue
      }
      const f = this.failing.get(i.id) ?? { since: now, notified: false }
      this.failing.set(i.id, f)
      if (f.notified || (failing.waiting === 0 && now - f.since < NOTIFY_AFTER_MS)) continue
      f.notified = true
      this.notifications.notify({ recipientId: null, kind: 'integration.failing', severity: 'warning', title: `${i.name} is not working`, body: `${failing.headline} ${WHAT_TO_DO[i.kind]}` })
    }
  }

  start(): void {
    this.check()
    this.timer = setInterval(() => this.check(), CHECK_EVERY_MS)
    this.timer.unref()
    // A status change (a link dropping; an order left waiting, which changes its patient) is checked as it happens, once per tick however many arrive.
    let queued = false
    this.sub = this.core.events.subscribe(({ event }) => {
      if (queued || event.type !== 'changed' || (event.payload.entity !== 'integration' && event.payload.entity !== 'patient')) return
      queued = true
      setImmediate(() => {
        queued = false
        this.check()
      })
    })
  }

  stop(): void {
    this.stopped = true
    if (this.timer) clearInterval(this.timer)
    this.sub?.unsubscribe()
  }
}
