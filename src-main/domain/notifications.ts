import { and, desc, eq, inArray, isNull, or } from 'drizzle-orm'
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

  list(recipientId: string, unreadOnly: boolean, limit: number): Notification[] {
    const mine = or(eq(notifications.recipientId, recipientId), isNull(notifications.recipientId))
    return this.core.store.db
      .select()
      .from(notifications)
      .where(unreadOnly ? and(mine, isNull(notifications.readAt)) : mine)
      .orderBy(desc(notifications.createdAt))
      .limit(limit)
      .all()
      .map(toNotification)
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
