import type Database from 'better-sqlite3'
import type { AuditEntry } from '../../src-preload/contract'
import type { AuditRow } from './chain'

export interface AuditFilter {
  patientId?: string
  integrationId?: string
  actorId?: string
  direction?: AuditEntry['direction']
  from?: string
  to?: string
  beforeSeq?: number
  limit: number
}

export function toAuditEntry(r: AuditRow): AuditEntry {
  return {
    seq: r.seq,
    id: r.id,
    occurredAt: r.occurred_at,
    recordedAt: r.recorded_at,
    actorId: r.actor_id,
    actorName: r.actor_name,
    action: r.action,
    direction: r.direction,
    integrationId: r.integration_id,
    patientId: r.patient_id,
    entityType: r.entity_type,
    entityId: r.entity_id,
    outcome: r.outcome,
    summary: r.summary,
    details: r.details,
    hash: r.hash
  }
}

/** Newest first, keyset-paged on seq. */
export class AuditQuery {
  constructor(private readonly sqlite: Database.Database) {}

  list(f: AuditFilter): AuditEntry[] {
    const where: string[] = []
    const params: Record<string, unknown> = { limit: f.limit }
    const eq = (col: string, key: keyof AuditFilter): void => {
      if (f[key] !== undefined) {
        where.push(`${col} = @${key}`)
        params[key] = f[key]
      }
    }
    eq('patient_id', 'patientId')
    eq('integration_id', 'integrationId')
    eq('actor_id', 'actorId')
    eq('direction', 'direction')
    if (f.from) (where.push('occurred_at >= @from'), (params.from = f.from))
    if (f.to) (where.push('occurred_at <= @to'), (params.to = f.to))
    if (f.beforeSeq) (where.push('seq < @beforeSeq'), (params.beforeSeq = f.beforeSeq))
    const sql = `SELECT * FROM audit_log ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY seq DESC LIMIT @limit`
    return (this.sqlite.prepare(sql).all(params) as AuditRow[]).map(toAuditEntry)
  }
}
