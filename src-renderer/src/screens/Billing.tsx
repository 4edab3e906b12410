/** Billing (Operations): being built. */
export function BillingScreen() {
  return <div>Billing</div>
}
