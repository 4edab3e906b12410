import { and, desc, eq, sql } from 'drizzle-orm'
import { inboundMessages } from '../db/schema'
import { newId } from '../core/ids'
import type { Core } from '../domain/core'

export type InboundRow = typeof inboundMessages.$inferSelect

export interface Arrival {
  integrationId: string | null
  transport: string
  peer: string
  raw: Buffer
  /** the same key for a resent message: sender + control id (HL7), a hash of the transmission (ASTM) */
  dedupeKey?: string | null
  messageType?: string | null
  controlId?: string | null
}

/**
 * The inbound archive: every message is committed here, raw, before anything acknowledges it.
 * A resend of a message already stored is kept too (as a duplicate pointing at the first), so
 * the log shows it arrived twice while nothing downstream is created twice.
 */
export class InboundArchive {
  constructor(private readonly core: Core) {}

  /** Commits the raw message; returns it and, for a resend, the first copy. */
  store(a: Arrival): { row: InboundRow; original: InboundRow | null } {
    const { store } = this.core
    return store.tx(() => {
      const original = a.dedupeKey ? this.find(a.integrationId, a.dedupeKey) : null
      const row: InboundRow = {
        seq: undefined as unknown as number,
        id: newId(),
        integrationId: a.integrationId,
        transport: a.transport,
        peer: a.peer,
        receivedAt: store.nowIso(),
        raw: a.raw,
        dedupeKey: a.dedupeKey ?? null,
        messageType: a.messageType ?? null,
        controlId: a.controlId ?? null,
        status: original ? 'duplicate' : 'received',
        error: null,
        duplicateOf: original?.id ?? null,
        processedAt: null,
        summary: original ? `Resent copy of message ${original.controlId ?? original.seq}` : null
      }
      const { seq: _omit, ...values } = row
      const seq = Number(store.insertLocal(inboundMessages, values).lastInsertRowid)
      return { row: { ...row, seq }, original }
    })
  }

  /**
   * A message that arrives in pieces (ASTM frames): each piece is committed before it is
   * acknowledged, so begin/append write through, and finish decides whether it is a resend.
   */
  begin(a: Omit<Arrival, 'dedupeKey'>): InboundRow {
    const { store } = this.core
    const values = { id: newId(), integrationId: a.integrationId, transport: a.transport, peer: a.peer, receivedAt: store.nowIso(), raw: a.raw, dedupeKey: null, messageType: a.messageType ?? null, controlId: a.controlId ?? null, status: 'receiving' as const, error: null, duplicateOf: null, processedAt: null, summary: null }
    return store.db.insert(inboundMessages).values(values).returning().get()
  }

  append(id: string, bytes: Buffer): void {
    // || yields TEXT; the cast keeps the bytes a BLOB, so bytes over 0x7F (µ in latin1) read back as sent.
    this.core.store.sqlite.prepare("UPDATE inbound_messages SET raw = CAST(raw || ? AS BLOB) WHERE id = ? AND status = 'receiving'").run(bytes, id)
  }

  finish(id: string, dedupeKey: string, messageType: string | null): { row: InboundRow; original: InboundRow | null } {
    const { store } = this.core
    return store.tx(() => {
      const row = this.get(id)!
      const original = this.find(row.integrationId, dedupeKey)
      store.db
        .update(inboundMessages)
        .set({ status: original ? 'duplicate' : 'received', dedupeKey, messageType, duplicateOf: original?.id ?? null, summary: original ? `Resent copy of message ${original.seq}` : null })
        .where(eq(inboundMessages.id, id))
        .run()
      return { row: this.get(id)!, original }
    })
  }

  /** Stores bytes that were not a message at all (junk, a truncated frame), for inspection. */
  reject(a: Arrival, reason: string): InboundRow {
    const { row } = this.store({ ...a, dedupeKey: null })
    this.mark(row.id, 'rejected', reason)
    return { ...row, status: 'rejected', error: reason }
  }

  mark(id: string, status: InboundRow['status'], error: string | null = null, summary?: string): void {
    const { store } = this.core
    store.updateLocal(inboundMessages, id, { status, error, processedAt: store.nowIso(), ...(summary !== undefined ? { summary } : {}) })
  }

  get(id: string): InboundRow | undefined {
    return this.core.store.byId(inboundMessages, id)
  }

  private find(integrationId: string | null, dedupeKey: string): InboundRow | null {
    const { store } = this.core
    const rows = integrationId
      ? store.prepared('inbound.find', (db) => db.select().from(inboundMessages).where(and(eq(inboundMessages.integrationId, sql.placeholder('i')), eq(inboundMessages.dedupeKey, sql.placeholder('k')))).orderBy(desc(inboundMessages.seq))).all({ i: integrationId, k: dedupeKey })
      : store.prepared('inbound.findAny', (db) => db.select().from(inboundMessages).where(eq(inboundMessages.dedupeKey, sql.placeholder('k'))).orderBy(desc(inboundMessages.seq))).all({ k: dedupeKey })
    return (
      rows
        .find((r) => r.status !== 'duplicate' && r.status !== 'rejected') ?? null
    )
  }
}
