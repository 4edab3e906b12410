import { and, eq, inArray, isNull, or } from 'drizzle-orm'
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
  readAt: r.readAt
})

/** Workstation-local notifications (not synced): who should look at what, pushed live. */
export class NotificationsService {
  constructor(private readonly core: Core) {}

  notify(n: { recipientId: string | null; kind: string; severity: Notification['severity']; title: string; body?: string | null; patientId?: string | null }): Notification {
    const { store, events } = this.core
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
      readAt: null
    }
    store.insertLocal(notifications, row)
    const out = toNotification(row)
    events.emit('notification', out, n.recipientId)
    return out
  }

  /**
   * Newest first: this person's and everyone's, each read newest-first from its index and merged.
   * An OR of the two made SQLite read and sort every notification either ever had (each lab result
   * and each review adds one) on every look at the bell.
   */
  list(recipientId: string, unreadOnly: boolean, limit: number): Notification[] {
    const unread = unreadOnly ? 'AND read_at IS NULL' : ''
    const cols = 'id, kind, severity, title, body, patient_id AS patientId, created_at AS createdAt, read_at AS readAt'
    return this.core.store
      .statement(
        `SELECT * FROM (SELECT ${cols} FROM notifications WHERE recipient_id = @me ${unread} ORDER BY created_at DESC LIMIT @limit)
         UNION ALL SELECT * FROM (SELECT ${cols} FROM notifications WHERE recipient_id IS NULL ${unread} ORDER BY created_at DESC LIMIT @limit)
         ORDER BY createdAt DESC LIMIT @limit`
      )
      .all({ me: recipientId, limit }) as Notification[]
  }

  markRead(recipientId: string, ids: string[]): void {
    if (ids.length === 0) return
    const { db } = this.core.store
    db.update(notifications)
      .set({ readAt: this.core.store.nowIso() })
      .where(and(inArray(notifications.id, ids), or(eq(notifications.recipientId, recipientId), isNull(notifications.recipientId)), isNull(notifications.readAt)))
      .run()
  }
}
