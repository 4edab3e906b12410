/** A receipt to print or save as PDF: being built. */
export function PrintReceipt() {
  return <div>Receipt</div>
}
