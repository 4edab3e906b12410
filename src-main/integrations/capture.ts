import type { CapturedMessage } from '../../src-preload/contract'
import type { Core } from '../domain/core'
import type { InboundArchive, InboundRow } from './inbound'
import type { IntegrationRegistry } from './registry'
import { dissectAstm, dissectHl7, type Dissection } from './dissect'

/** Reads one transport's raw bytes field by field. */
export type Dissector = (raw: Buffer) => Dissection

/**
 * Capture mode's record: what a device in capture mode sent, kept in the inbound archive as
 * "captured" (never filed, never answered with patient data), and read back field by field.
 * Connectors call capture() instead of processing; imaging adds the DICOM dissector.
 */
export class CaptureLog {
  private dissectors = new Map<string, Dissector>([
    ['mllp', dissectHl7],
    ['astm', dissectAstm]
  ])

  constructor(
    private readonly core: Core,
    private readonly archive: InboundArchive,
    private readonly registry: IntegrationRegistry
  ) {}

  addDissector(transport: string, d: Dissector): void {
    this.dissectors.set(transport, d)
  }

  /** Whether this integration is in capture mode now (read per message: turning it on or off needs no restart). */
  capturing(integrationId: string | null): boolean {
    if (!integrationId) return false
    try {
      return this.registry.row(integrationId).enabled && this.registry.get(integrationId).config.capture === true
    } catch {
      return false
    }
  }

  /** Marks an archived message captured and says so in the audit log; nothing else happens to it. */
  capture(row: InboundRow, what: string): void {
    this.archive.mark(row.id, 'captured', null, `captured (not filed): ${what}`)
    const name = this.registry.row(row.integrationId!).name
    this.registry.count(row.integrationId!, 'captured')
    this.core.audit.append({ action: 'integration.captured', direction: 'inbound', integrationId: row.integrationId, entityType: 'inbound_message', entityId: row.id, summary: `Captured ${what} from ${name} (capture mode: kept for its profile, not filed to any patient)` })
    this.core.events.emit('changed', { entity: 'integration', id: row.integrationId! })
  }

  /** Captured messages of one integration, newest first, each field by field. */
  list(integrationId: string, limit = 50): CapturedMessage[] {
    this.registry.row(integrationId)
    const rows = this.core.store.sqlite
      .prepare("SELECT id FROM inbound_messages WHERE integration_id = ? AND status = 'captured' ORDER BY seq DESC LIMIT ?")
      .pluck()
      .all(integrationId, limit) as string[]
    return rows.map((id) => this.view(this.archive.get(id)!))
  }

  /** One captured message, field by field; undefined when it is not a captured message. */
  get(id: string): CapturedMessage | undefined {
    const row = this.archive.get(id)
    return row && row.status === 'captured' ? this.view(row) : undefined
  }

  raw(id: string): InboundRow | undefined {
    const row = this.archive.get(id)
    return row && row.status === 'captured' ? row : undefined
  }

  private view(row: InboundRow): CapturedMessage {
    const d = this.dissectors.get(row.transport)
    const dissection = d ? d(row.raw) : { text: row.raw.toString('latin1'), parts: [], problem: `no reader for ${row.transport}` }
    return { id: row.id, integrationId: row.integrationId!, receivedAt: row.receivedAt, peer: row.peer, transport: row.transport, messageType: row.messageType, ...dissection }
  }
}
