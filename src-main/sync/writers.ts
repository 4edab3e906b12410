/**
 * Who may write each synced table: the roles whose API methods write it (the contract's access,
 * src-preload/contract/), and 'system' where the workstation writes it by itself (results and
 * studies received, an order's status moved by its queue). The central server refuses any other
 * writer, so a workstation whose copy of someone's role is stale, or that was tampered with,
 * cannot widen what that person may change.
 */
import { ROLES, type Role } from '../../src-preload/contract'

export type Writer = Role | 'system'

const EVERY_ROLE = ROLES
const CLINICAL = ['veterinarian', 'technician', 'admin'] as const
const ADMIN = ['admin'] as const

export const WRITERS: Readonly<Record<string, readonly Writer[]>> = {
  clinics: ADMIN,
  staff: ADMIN,
  clients: EVERY_ROLE,
  client_contacts: EVERY_ROLE,
  patients: EVERY_ROLE,
  patient_weights: EVERY_ROLE,
  patient_alerts: CLINICAL,
  visits: EVERY_ROLE,
  clinical_notes: CLINICAL,
  integrations: ADMIN,
  // Orders are placed by clinical staff; their queue and the lab's answers move them afterwards.
  lab_orders: [...CLINICAL, 'system'],
  lab_order_events: [...CLINICAL, 'system'],
  // Results arrive by themselves; an administrator may reprocess a kept message.
  lab_reports: ['system', ...ADMIN],
  lab_observations: ['system', ...ADMIN],
  lab_report_links: [...CLINICAL, 'system'],
  documents: [...CLINICAL, 'system'],
  imaging_requests: [...CLINICAL, 'system'],
  imaging_studies: ['system', ...CLINICAL],
  imaging_instances: ['system', ...CLINICAL],
  imaging_study_links: [...CLINICAL, 'system'],
  imaging_annotations: CLINICAL,
  // The price list and tax rates are the clinic's; anyone at the desk bills and takes payments, and
  // the workstation itself captures charges from orders and settles card payments it reconciles.
  price_items: ADMIN,
  tax_rates: ADMIN,
  invoices: [...EVERY_ROLE, 'system'],
  invoice_lines: [...EVERY_ROLE, 'system'],
  payments: [...EVERY_ROLE, 'system'],
  payment_allocations: [...EVERY_ROLE, 'system'],
  ledger_transactions: [...EVERY_ROLE, 'system'],
  ledger_entries: [...EVERY_ROLE, 'system'],
  // card refunds settle by themselves; plans are made at the desk
  refunds: [...EVERY_ROLE, 'system'],
  payment_plans: [...EVERY_ROLE, 'system'],
  plan_installments: [...EVERY_ROLE, 'system'],
  // anyone caring for the patient registers its chip or opts it out; the workstation records what PetLifeLog confirmed
  petlifelog_patients: [...EVERY_ROLE, 'system'],
  // the opt-out is a person's decision, never the workstation's
  petlifelog_opt_outs: EVERY_ROLE
}

export function mayWrite(table: string, writer: Writer): boolean {
  return WRITERS[table]?.includes(writer) ?? false
}
