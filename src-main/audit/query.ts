import type Database from 'better-sqlite3'
import type { AuditEntry, AuditExport } from '../../src-preload/contract'
import { normalizeName } from '../core/normalize'
import type { AuditLog, AuditRow } from './chain'

export interface AuditFilter {
  patientId?: string
  integrationId?: string
  actorId?: string
  direction?: AuditEntry['direction']
  from?: string
  to?: string
  beforeSeq?: number
  limit: number
  /** words, each found somewhere: who, the action, what (summary), details, or the patient's or client's name */
  search?: string
  action?: string
}

/** Beyond this many rows an export is cut, and says so: narrow the filter. */
export const EXPORT_MAX_ROWS = 50_000

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

/** Newest first, keyset-paged on seq; the same filter exports every matching entry. */
export class AuditQuery {
  private actionSet: Set<string> | null = null

  constructor(
    private readonly sqlite: Database.Database,
    private readonly log: AuditLog
  ) {
    log.onAppend((row) => this.actionSet?.add(row.action))
  }

  list(f: AuditFilter): AuditEntry[] {
    const { where, params } = this.where(f)
    const sql = `SELECT * FROM audit_log ${where} ORDER BY seq DESC LIMIT @limit`
    return (this.sqlite.prepare(sql).all({ ...params, limit: f.limit }) as AuditRow[]).map(toAuditEntry)
  }

  /**
   * The actions the log holds, for the filter. Read once (a scan of the log), then kept current
   * as entries are appended: every entry of this workstation's log goes through AuditLog.append.
   */
  actions(): string[] {
    this.actionSet ??= new Set(this.sqlite.prepare('SELECT DISTINCT action FROM audit_log').pluck().all() as string[])
    return [...this.actionSet].sort()
  }

  /**
   * Every entry the filter matches (not one page), newest first, with the patient's and the
   * integration's names; and the export itself goes in the log, in the same transaction, since it
   * takes data out of the app.
   */
  export(actor: { id: string; name: string }, f: Omit<AuditFilter, 'limit' | 'beforeSeq'>): AuditExport {
    return this.sqlite.transaction(() => {
      const { where, params } = this.where(f, 'a.')
      const rows = this.sqlite
        .prepare(
          `SELECT a.*, p.name AS patient_name, i.name AS integration_name FROM audit_log a
           LEFT JOIN patients p ON p.id = a.patient_id LEFT JOIN integrations i ON i.id = a.integration_id
           ${where} ORDER BY a.seq DESC LIMIT @limit`
        )
        .all({ ...params, limit: EXPORT_MAX_ROWS + 1 }) as (AuditRow & { patient_name: string | null; integration_name: string | null })[]
      const truncated = rows.length > EXPORT_MAX_ROWS
      const kept = rows.slice(0, EXPORT_MAX_ROWS)
      const filter = Object.fromEntries(Object.entries(f).filter(([, v]) => v !== undefined && v !== ''))
      const described = Object.entries(filter).map(([k, v]) => `${k} ${JSON.stringify(v)}`)
      this.log.append({
        action: 'audit.exported',
        direction: 'outbound',
        actor,
        summary: `Exported ${kept.length} audit ${kept.length === 1 ? 'entry' : 'entries'}${truncated ? ` (cut at ${EXPORT_MAX_ROWS})` : ''}${described.length ? `, filtered by ${described.join(', ')}` : ', unfiltered'}`,
        details: { filter, rows: kept.length, truncated, newestSeq: kept[0]?.seq ?? null, oldestSeq: kept[kept.length - 1]?.seq ?? null }
      })
      return {
        entries: kept.map((r) => ({ ...toAuditEntry(r), patientName: r.patient_name, integrationName: r.integration_name })),
        truncated,
        maxRows: EXPORT_MAX_ROWS
      }
    })()
  }

  private where(f: Omit<AuditFilter, 'limit'>, t = ''): { where: string; params: Record<string, unknown> } {
    const where: string[] = []
    const params: Record<string, unknown> = {}
    const eq = (col: string, key: 'patientId' | 'integrationId' | 'actorId' | 'direction' | 'action'): void => {
      if (f[key] !== undefined && f[key] !== '') {
        where.push(`${t}${col} = @${key}`)
        params[key] = f[key]
      }
    }
    eq('patient_id', 'patientId')
    eq('integration_id', 'integrationId')
    eq('actor_id', 'actorId')
    eq('direction', 'direction')
    eq('action', 'action')
    if (f.from) (where.push(`${t}occurred_at >= @from`), (params.from = f.from))
    if (f.to) (where.push(`${t}occurred_at <= @to`), (params.to = f.to))
    if (f.beforeSeq) (where.push(`${t}seq < @beforeSeq`), (params.beforeSeq = f.beforeSeq))
    searchWords(f.search).forEach((word, n) => {
      // As typed, case aside, in the entry's own text; without accents in the names of its patient
      // (and the patient's owner) or client, which the entry may not spell out.
      const text = `@w${n}`
      params[`w${n}`] = `%${likeEscape(word)}%`
      const inText = ['actor_name', 'action', 'summary', 'details'].map((c) => `${t}${c} LIKE ${text} ESCAPE '\\'`)
      const norm = normalizeName(word)
      if (norm) {
        const name = `@n${n}`
        params[`n${n}`] = `%${likeEscape(norm)}%`
        const clientsNamed = `SELECT id FROM clients WHERE first_name_norm LIKE ${name} ESCAPE '\\' OR last_name_norm LIKE ${name} ESCAPE '\\'`
        inText.push(`${t}patient_id IN (SELECT id FROM patients WHERE name_norm LIKE ${name} ESCAPE '\\' OR client_id IN (${clientsNamed}))`)
        inText.push(`(${t}entity_type = 'client' AND ${t}entity_id IN (${clientsNamed}))`)
      }
      where.push(`(${inText.join(' OR ')})`)
    })
    return { where: where.length ? `WHERE ${where.join(' AND ')}` : '', params }
  }
}

/** The words of a search, at most eight (each one narrows). */
function searchWords(search: string | undefined): string[] {
  return (search ?? '').trim().split(/\s+/).filter(Boolean).slice(0, 8)
}

/** A word for LIKE: its own % and _ are letters, not wildcards. */
function likeEscape(word: string): string {
  return word.replace(/[\\%_]/g, (c) => `\\${c}`)
}
