import { notifications } from '../db/schema'
import type { Notification } from '../../src-preload/contract'
import { newId } from '../core/ids'
import type { Core } from './core'

type Row = typeof notifications.$inferSelect

const toNotification = (r: Row): Notification => ({
  id: r.id,
  kind: r.kind,
  severity: r.severity,
  title: r.title,
  body: r.body,
  patientId: r.patientId,
  createdAt: r.createdAt,
  readAt: r.readAt,
  link: r.link
})

/** Workstation-local notifications (not synced): who should look at what, pushed live. */
export class NotificationsService {
  constructor(private readonly core: Core) {}

  /**
   * link: the route it opens (else the patient's page). dedupeKey: what it is about and which state;
   * a second notice with the same key is not made (null returned), so a state is told once.
   */
  notify(n: { recipientId: string | null; kind: string; severity: Notification['severity']; title: string; body?: string | null; patientId?: string | null; link?: string | null; dedupeKey?: string | null }): Notification | null {
    const { store, events } = this.core
    if (n.dedupeKey && store.statement('SELECT 1 FROM notifications WHERE dedupe_key = ?').get(n.dedupeKey)) return null
    const row: Row = {
      id: newId(),
      clinicId: store.clinicId,
      createdAt: store.nowIso(),
      recipientId: n.recipientId,
      kind: n.kind,
      severity: n.severity,
      title: n.title,
      body: n.body ?? null,
      patientId: n.patientId ?? null,
      readAt: null,
      link: n.link ?? null,
      dedupeKey: n.dedupeKey ?? null
    }
    store.insertLocal(notifications, row)
    const out = toNotification(row)
    events.emit('notification', out, n.recipientId)
    return out
  }

  /**
   * Newest first: this person's and everyone's, each read newest-first from its index and merged.
   * An OR of the two made SQLite read and sort every notification either ever had (each lab result
   * and each review adds one) on every look at the bell. One for everyone is read per person; a
   * read_at on its row is from before that (someone read it for all) and still counts.
   */
  list(recipientId: string, unreadOnly: boolean, limit: number): Notification[] {
    const cols = 'n.id, n.kind, n.severity, n.title, n.body, n.patient_id AS patientId, n.created_at AS createdAt, n.link'
    return this.core.store
      .statement(
        `SELECT * FROM (SELECT ${cols}, n.read_at AS readAt FROM notifications n
                        WHERE n.recipient_id = @me ${unreadOnly ? 'AND n.read_at IS NULL' : ''} ORDER BY n.created_at DESC LIMIT @limit)
         UNION ALL
         SELECT * FROM (SELECT ${cols}, coalesce(r.read_at, n.read_at) AS readAt FROM notifications n
                        LEFT JOIN notification_reads r ON r.notification_id = n.id AND r.staff_id = @me
                        WHERE n.recipient_id IS NULL ${unreadOnly ? 'AND n.read_at IS NULL AND r.read_at IS NULL' : ''} ORDER BY n.created_at DESC LIMIT @limit)
         ORDER BY createdAt DESC LIMIT @limit`
      )
      .all({ me: recipientId, limit }) as Notification[]
  }

  /** Marks notifications read for this person: their own, and their reading of those for everyone. */
  markRead(recipientId: string, ids: string[]): void {
    if (ids.length === 0) return
    const { store } = this.core
    const params = { me: recipientId, ids: JSON.stringify(ids), now: store.nowIso() }
    store.tx(() => {
      store.statement('UPDATE notifications SET read_at = @now WHERE id IN (SELECT value FROM json_each(@ids)) AND recipient_id = @me AND read_at IS NULL').run(params)
      store.statement('INSERT OR IGNORE INTO notification_reads (notification_id, staff_id, read_at) SELECT id, @me, @now FROM notifications WHERE id IN (SELECT value FROM json_each(@ids)) AND recipient_id IS NULL').run(params)
    })
  }
}
