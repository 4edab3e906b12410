import { BillingHistory } from '../components/BillingHistory'

/** The patient's Billing tab: this patient's invoices and payments, with the owner's balance and credit. */
export function PatientBilling({ patientId, clientId }: { patientId: string; clientId: string }) {
  return <BillingHistory clientId={clientId} patientId={patientId} />
}
