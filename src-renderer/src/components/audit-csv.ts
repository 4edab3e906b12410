/** The Audit Log as a CSV file: one row per entry, the columns an auditor reads (billing-screen/csv writes it). */
import type { AuditExportEntry } from '../../../src-preload/contract'
import { toCsv } from './billing-screen/csv'

const HEADER = ['Seq', 'When (UTC)', 'Recorded (UTC)', 'Who', 'Action', 'Direction', 'Outcome', 'What', 'Patient', 'Patient ID', 'Integration', 'Subject', 'Subject ID', 'Details', 'Hash']

export function auditCsv(entries: AuditExportEntry[]): string {
  return toCsv(
    HEADER,
    entries.map((e) => [
      e.seq,
      e.occurredAt,
      e.recordedAt,
      e.actorName,
      e.action,
      e.direction,
      e.outcome,
      e.summary,
      e.patientName,
      e.patientId,
      e.integrationName,
      e.entityType,
      e.entityId,
      e.details,
      e.hash
    ])
  )
}

/** audit-log-2026-12-02.csv, or audit-log-2026-12-02-patient.created.csv when filtered by one action. */
export function auditCsvName(now: Date, action?: string | null): string {
  const day = `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, '0')}-${String(now.getDate()).padStart(2, '0')}`
  const suffix = action ? `-${action.replace(/[^a-z0-9._-]+/gi, '_')}` : ''
  return `audit-log-${day}${suffix}.csv`
}
