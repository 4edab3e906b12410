/**
 * The service's own audit (service_audit, append-only by trigger): every chip lookup, every report
 * read by id, every change, with the member that did it. Written in the same transaction as the act.
 */
import type { Queryable } from '../src-server/db'

export type AuditAction =
  | 'member.created'
  | 'member.key-replaced'
  | 'member.revoked'
  | 'report.filed'
  | 'report.updated'
  | 'report.read'
  | 'report.photo-read'
  | 'report.sighting'
  | 'chip.registered'
  | 'chip.updated'
  | 'chip.transferred'
  | 'chip.lookup'

export async function audit(q: Queryable, memberId: string | null, action: AuditAction, subject: string | null, detail: Record<string, unknown> = {}): Promise<void> {
  await q.query('INSERT INTO service_audit (member_id, action, subject, detail) VALUES ($1, $2, $3, $4)', [memberId, action, subject, JSON.stringify(detail)])
}

export interface AuditRow {
  memberId: string | null
  action: string
  subject: string | null
  detail: Record<string, unknown>
  at: Date
}

/** The audit of one subject (a chip, a report), oldest first: for the operator and the tests. */
export async function auditOf(q: Queryable, subject: string): Promise<AuditRow[]> {
  const rows = await q.query<{ member_id: string | null; action: string; subject: string | null; detail: Record<string, unknown>; at: Date }>(
    'SELECT member_id, action, subject, detail, at FROM service_audit WHERE subject = $1 ORDER BY id',
    [subject]
  )
  return rows.map((r) => ({ memberId: r.member_id, action: r.action, subject: r.subject, detail: r.detail, at: r.at }))
}
