/** Checkout (Operations): being built. */
export function CheckoutScreen() {
  return <div>Checkout</div>
}
