/**
 * Take payment: an amount (what is due unless changed), a method, and what the method needs (cash
 * handed over and the change due, a check number, an external terminal's reference, the client's
 * credit, a card terminal). Each press of Pay carries one idempotency key, kept until the payment is
 * answered: a double click, or a retry after a lost answer, takes one payment.
 */
import { useEffect, useRef, useState } from 'react'
import { Alert, Button, Group, Loader, Paper, Select, Stack, Text, TextInput, Title, Tooltip } from '@mantine/core'
import { notifications as toast } from '@mantine/notifications'
import { useQueryClient } from '@tanstack/react-query'
import { IconAlertTriangle, IconBuildingBank, IconCash, IconCheck, IconCreditCard, IconDeviceMobile, IconReceipt, IconRefresh, IconWallet, IconX } from '@tabler/icons-react'
import type { CardService, Invoice, Payment } from '../../../../src-preload/contract'
import type { ApiClientError } from '../../api/client'
import { useAction, useApi, useCall } from '../../api/hooks'
import { parseMoney } from '../../format'
import { fieldErrors } from '../forms'
import { FormProblems } from '../FormProblems'
import { useOpenReceipt } from './InvoicePayments'
import { METHOD_LABEL, NUM, cardText, moneyText, useCurrency, useMoney } from '../billing-shared'
import { MoneyInput, byMethod } from './shared'

export type PayMethod = Payment['method']

/** What a payment is for: an invoice (its due), a deposit on an estimate, or the client's account (credit). */
export type PayTarget = { kind: 'invoice'; invoice: Invoice } | { kind: 'deposit'; estimate: Invoice } | { kind: 'account' }

const METHODS: { value: PayMethod; label: string; icon: typeof IconCash }[] = [
  // "Card terminal", not "Card": this button charges the card on the terminal.
  { value: 'card', label: 'Card terminal', icon: IconCreditCard },
  { value: 'cash', label: METHOD_LABEL.cash, icon: IconCash },
  { value: 'check', label: METHOD_LABEL.check, icon: IconBuildingBank },
  { value: 'credit', label: METHOD_LABEL.credit, icon: IconWallet },
  { value: 'external', label: METHOD_LABEL.external, icon: IconDeviceMobile }
]

const READER_KEY = 'vetos.cardReader'

/** Why the card method cannot be used now, or null when it can. */
export function cardUnavailable(s: CardService | undefined): string | null {
  if (!s) return 'Checking the card payment service…'
  if (!s.configured) return 'No card payment service is set up (Settings › Integrations)'
  if (s.online === false) return s.message ?? 'The payment service cannot be reached'
  if (s.online === null) return 'Checking the card payment service…'
  if (s.readers.length === 0) return 'The payment service lists no card terminal'
  return null
}

/**
 * The red banner over Checkout while card payments cannot be taken; asks the payment service again
 * when Checkout opens (and on "Check again").
 */
export function CardServiceBanner() {
  const api = useApi()
  const qc = useQueryClient()
  const svc = useCall('billing.cardService', { recheck: false })
  const [checking, setChecking] = useState(false)
  const recheck = async () => {
    setChecking(true)
    try {
      await api.call('billing.cardService', { recheck: true })
      // The answer comes as a live event; read again shortly in case none does.
      await new Promise((r) => setTimeout(r, 1200))
      await qc.invalidateQueries({ queryKey: ['billing.cardService'] })
    } finally {
      setChecking(false)
    }
  }
  useEffect(() => {
    void recheck()
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [])
  if (svc.data?.online !== false) return null
  return (
    <Alert color="red" variant="filled" icon={<IconAlertTriangle />} data-testid="card-banner">
      <Group justify="space-between" wrap="nowrap" align="flex-start">
        <div>
          <Text fw={700} size="sm">
            Card payments are unavailable: {svc.data.message ?? 'the payment service cannot be reached.'}
          </Text>
          <Text size="sm">{/still work/i.test(svc.data.message ?? '') ? 'Card details are never stored to be sent later.' : 'Card details are never stored to be sent later. Cash, check, client credit and an external terminal still work.'}</Text>
        </div>
        <Button size="xs" variant="white" color="red" style={{ flexShrink: 0 }} leftSection={<IconRefresh size={14} />} loading={checking} onClick={() => void recheck()} data-testid="card-recheck">
          Check again
        </Button>
      </Group>
    </Alert>
  )
}

export function PaymentPanel({ clientId, target, onPayment }: { clientId: string; target: PayTarget; onPayment?: (p: Payment) => void }) {
  const currency = useCurrency()
  const fmt = useMoney()
  const openReceipt = useOpenReceipt()
  const card = useCall('billing.cardService', { recheck: false })
  const account = useCall('billing.clientAccount', { clientId })
  const credit = account.data?.creditMinor ?? 0
  const due = target.kind === 'invoice' ? Math.max(0, target.invoice.dueMinor) : null
  const targetKey = target.kind === 'invoice' ? target.invoice.id : target.kind === 'deposit' ? target.estimate.id : `account:${clientId}`

  const cardProblem = cardUnavailable(card.data)
  const [chosen, setChosen] = useState<PayMethod | null>(null)
  const method: PayMethod = chosen ?? (cardProblem ? 'cash' : 'card')
  const [amount, setAmount] = useState(due !== null ? moneyText(due, currency) : '')
  const [tendered, setTendered] = useState('')
  const [reference, setReference] = useState('')
  const [reader, setReader] = useState<string | null>(() => localStorage.getItem(READER_KEY))
  const [activeCard, setActiveCard] = useState<string | null>(null)
  const [last, setLast] = useState<Payment | null>(null)
  /** one per press of Pay, kept until that payment is answered */
  const key = useRef<string | null>(null)

  // A new target, or what is due changed (a payment was taken): start again from what is due.
  useEffect(() => {
    setAmount(due !== null && due > 0 ? moneyText(due, currency) : '')
    setTendered('')
    setReference('')
  }, [targetKey, due, currency])
  useEffect(() => {
    key.current = null
    setLast(null)
    setActiveCard(null)
    setChosen(null)
  }, [targetKey])

  const readers = card.data?.readers ?? []
  const readerId = reader && readers.some((r) => r.id === reader) ? reader : (readers.find((r) => r.status === 'online')?.id ?? readers[0]?.id ?? null)

  const take = useAction('billing.takePayment')
  const start = useAction('billing.startCardPayment')
  const action = method === 'card' ? start : take
  const errors = fieldErrors(action.error)

  const amountMinor = amount.trim() ? parseMoney(amount, currency) : null
  const tenderedMinor = tendered.trim() ? parseMoney(tendered, currency) : null
  const allocated = target.kind === 'invoice' && amountMinor !== null && due !== null ? Math.min(amountMinor, due) : 0
  const toCredit = amountMinor !== null ? amountMinor - allocated : 0
  const change = method === 'cash' && amountMinor !== null && tenderedMinor !== null ? tenderedMinor - amountMinor : null
  const creditAllowed = target.kind === 'invoice'

  let problem: string | null = null
  if (amountMinor === null || amountMinor < 1) problem = amount.trim() ? 'Type an amount above nothing' : 'Type the amount'
  else if (method === 'card' && cardProblem) problem = cardProblem
  else if (method === 'card' && !readerId) problem = 'Choose the card terminal'
  else if (method === 'cash' && tenderedMinor !== null && change !== null && change < 0) problem = 'The cash handed over is less than the amount'
  else if (method === 'cash' && tendered.trim() && tenderedMinor === null) problem = 'Type the cash handed over as an amount'
  else if (method === 'external' && !reference.trim()) problem = 'Type the external terminal’s reference'
  else if (method === 'credit' && !creditAllowed) problem = 'Client credit pays invoices only'
  else if (method === 'credit' && amountMinor > credit) problem = `The client has ${fmt(credit)} of credit`
  else if (method === 'credit' && toCredit > 0) problem = 'Client credit pays what is due, no more'
  else if (activeCard) problem = 'A card payment is under way'

  const done = (p: Payment) => {
    key.current = null
    setLast(p)
    setTendered('')
    setReference('')
    if (target.kind !== 'invoice') setAmount('')
    onPayment?.(p)
  }
  const failed = (e: ApiClientError) => {
    // Refused outright: nothing was taken, so the next press is a new payment. Otherwise (no
    // answer, an internal error) the same key goes again and can only take it once.
    if (e.code === 'invalid-input' || e.code === 'conflict' || e.code === 'forbidden' || e.code === 'not-found') key.current = null
  }

  const pay = () => {
    if (problem || amountMinor === null) return
    key.current ??= crypto.randomUUID()
    const allocations = target.kind === 'invoice' && allocated > 0 ? [{ invoiceId: target.invoice.id, amountMinor: allocated }] : []
    const depositFor = target.kind === 'deposit' ? target.estimate.id : null
    if (method === 'card') {
      if (!readerId) return
      localStorage.setItem(READER_KEY, readerId)
      start.mutate(
        { clientId, amountMinor, readerId, idempotencyKey: key.current, allocations, depositFor },
        {
          onSuccess: (p) => {
            key.current = null
            setLast(null)
            setActiveCard(p.id)
            onPayment?.(p)
          },
          onError: failed
        }
      )
    } else {
      take.mutate(
        {
          clientId,
          method,
          amountMinor,
          tenderedMinor: method === 'cash' ? (tenderedMinor ?? amountMinor) : null,
          reference: method === 'check' || method === 'external' ? reference : null,
          idempotencyKey: key.current,
          allocations,
          depositFor
        },
        {
          onSuccess: (p) => {
            done(p)
            toast.show({ color: 'green', title: 'Payment received', message: `${fmt(p.amountMinor)} ${byMethod(p.method)}${p.method === 'cash' && p.changeDueMinor > 0 ? `: give ${fmt(p.changeDueMinor)} change` : ''}` })
          },
          onError: failed
        }
      )
    }
  }

  const settled = target.kind === 'invoice' && due === 0
  const lastToCredit = last && !last.depositFor ? last.amountMinor - last.allocations.reduce((x, a) => x + a.amountMinor, 0) : 0
  const title = target.kind === 'deposit' ? 'Take a deposit' : target.kind === 'account' ? 'Payment on account' : settled ? 'Payment' : 'Take payment'
  const payLabel =
    amountMinor && amountMinor > 0
      ? method === 'card'
        ? `Charge ${fmt(amountMinor)} on the terminal`
        : method === 'cash'
          ? `Take ${fmt(amountMinor)} cash`
          : method === 'credit'
            ? `Use ${fmt(amountMinor)} of credit`
            : method === 'check'
              ? `Record ${fmt(amountMinor)} check`
              : `Record ${fmt(amountMinor)} terminal payment`
      : 'Pay'

  return (
    <Paper withBorder p="md" data-testid="payment-panel" data-target={target.kind}>
      <Group justify="space-between" mb="sm">
        <Title order={4}>{title}</Title>
        {due !== null && !settled && (
          <Text size="sm">
            Due{' '}
            <Text span fw={700} style={NUM} data-testid="pay-due">
              {fmt(due)}
            </Text>
          </Text>
        )}
      </Group>
      {target.kind === 'deposit' && (
        <Text size="sm" c="dimmed" mb="sm">
          A deposit is held as the client’s credit and pays the invoice this estimate becomes, when that invoice is finalized.
        </Text>
      )}
      {target.kind === 'account' && (
        <Text size="sm" c="dimmed" mb="sm">
          Paid to no invoice: it is held as the client’s credit and can pay their next invoices.
        </Text>
      )}
      {activeCard ? (
        <CardProgress
          paymentId={activeCard}
          onClose={(p) => {
            setActiveCard(null)
            if (p.status === 'succeeded' && target.kind !== 'invoice') setAmount('')
          }}
        />
      ) : settled ? (
        <Alert color="green" icon={<IconCheck />} data-testid="invoice-paid-in-full">
          <Text fw={700} size="sm">
            Paid in full
          </Text>
          {last && last.status === 'succeeded' && (
            <Text size="sm" data-testid="pay-last" component="div">
              Last payment {fmt(last.amountMinor)} {byMethod(last.method)}
              {lastToCredit > 0 && ` · ${fmt(lastToCredit)} to the client’s credit`}
              {last.method === 'cash' && last.changeDueMinor > 0 && (
                <>
                  {' '}
                  · <b data-testid="last-change-due">give {fmt(last.changeDueMinor)} change</b>
                </>
              )}
            </Text>
          )}
        </Alert>
      ) : (
        <form
          onSubmit={(e) => {
            e.preventDefault()
            pay()
          }}
        >
          <Stack gap="sm">
            <Button.Group aria-label="Payment method" data-testid="pay-methods">
              {METHODS.map((m) => {
                const why = m.value === 'card' ? cardProblem : m.value === 'credit' ? (!creditAllowed ? 'Client credit pays invoices only' : credit <= 0 ? 'The client has no credit' : null) : null
                const active = method === m.value
                const button = (
                  <Button
                    key={m.value}
                    variant={active ? 'filled' : 'default'}
                    leftSection={<m.icon size={16} />}
                    disabled={!!why}
                    aria-pressed={active}
                    onClick={() => {
                      setChosen(m.value)
                      if (m.value === 'credit' && due !== null && (amountMinor === null || amountMinor > Math.min(due, credit))) setAmount(moneyText(Math.min(due, credit), currency))
                    }}
                    data-testid={`pay-method-${m.value}`}
                    data-active={active || undefined}
                    size="sm"
                    px="sm"
                  >
                    {m.label}
                  </Button>
                )
                return why ? (
                  <Tooltip key={m.value} label={why} multiline maw={320}>
                    <span style={{ display: 'inline-flex' }}>{button}</span>
                  </Tooltip>
                ) : (
                  button
                )
              })}
            </Button.Group>
            <Group align="flex-start" gap="md" wrap="nowrap">
              <MoneyInput label="Amount" w={170} size="md" value={amount} onChange={setAmount} error={errors.amountMinor} data-testid="pay-amount" />
              {method === 'cash' && (
                <>
                  <MoneyInput label="Cash handed over" w={170} size="md" placeholder={amountMinor ? moneyText(amountMinor, currency) : ''} value={tendered} onChange={setTendered} error={errors.tenderedMinor} data-testid="pay-tendered" />
                  <div>
                    <Text size="md" fw={500} mb={4}>
                      Change due
                    </Text>
                    <Text size="xl" fw={700} c={change !== null && change < 0 ? 'red' : 'teal.8'} style={NUM} data-testid="change-due">
                      {change === null ? fmt(0) : change < 0 ? `${fmt(-change)} short` : fmt(change)}
                    </Text>
                  </div>
                </>
              )}
              {method === 'check' && <TextInput label="Check number" w={200} size="md" value={reference} onChange={(e) => setReference(e.currentTarget.value)} error={errors.reference} data-testid="pay-reference" />}
              {method === 'external' && (
                <TextInput label="Terminal reference" description="As printed on the terminal’s slip" w={240} size="md" required value={reference} onChange={(e) => setReference(e.currentTarget.value)} error={errors.reference} data-testid="pay-reference" />
              )}
              {method === 'credit' && (
                <div>
                  <Text size="md" fw={500} mb={4}>
                    Available credit
                  </Text>
                  <Text size="xl" fw={700} style={NUM} data-testid="pay-credit-available">
                    {fmt(credit)}
                  </Text>
                </div>
              )}
              {method === 'card' && (
                <Select
                  label="Card terminal"
                  w={240}
                  size="md"
                  data={readers.map((r) => ({ value: r.id, label: r.status === 'online' ? r.label : `${r.label} (${r.status})` }))}
                  value={readerId}
                  onChange={setReader}
                  allowDeselect={false}
                  disabled={!!cardProblem}
                  data-testid="card-reader"
                />
              )}
            </Group>
            {target.kind === 'invoice' && amountMinor !== null && due !== null && amountMinor > 0 && (
              <>
                {toCredit > 0 && method !== 'credit' && (
                  <Text size="sm" c="blue.8" data-testid="pay-to-credit">
                    {fmt(toCredit)} more than is due: it goes to the client’s credit.
                  </Text>
                )}
                {amountMinor < due && (
                  <Text size="sm" c="dimmed" data-testid="pay-remaining">
                    Partial payment: {fmt(due - amountMinor)} will still be due; take the rest by another method next.
                  </Text>
                )}
              </>
            )}
            <FormProblems error={action.error} fields={['amountMinor', 'tenderedMinor', 'reference']} />
            <Group justify="space-between">
              <Text size="xs" c={problem && amount.trim() ? 'red' : 'dimmed'} data-testid="pay-problem">
                {problem ?? ''}
              </Text>
              <Button type="submit" size="md" disabled={!!problem} loading={action.isPending} leftSection={method === 'card' ? <IconCreditCard size={18} /> : <IconCheck size={18} />} data-testid="pay-submit">
                {payLabel}
              </Button>
            </Group>
            {last && last.status === 'succeeded' && (
              <Alert color="green" p="xs" icon={<IconCheck />} data-testid="pay-last">
                <Group justify="space-between" wrap="nowrap">
                  <Text size="sm">
                    Received {fmt(last.amountMinor)} {byMethod(last.method)}
                    {lastToCredit > 0 && ` · ${fmt(lastToCredit)} to the client’s credit`}
                    {last.method === 'cash' && last.changeDueMinor > 0 && (
                      <>
                        {' '}
                        · <b data-testid="last-change-due">give {fmt(last.changeDueMinor)} change</b>
                      </>
                    )}
                  </Text>
                  <Button size="compact-sm" variant="subtle" leftSection={<IconReceipt size={14} />} onClick={() => openReceipt([last.id])} data-testid="pay-last-receipt">
                    Receipt
                  </Button>
                </Group>
              </Alert>
            )}
          </Stack>
        </form>
      )}
    </Paper>
  )
}

const PROGRESS_TEXT: Record<NonNullable<Payment['progress']>, string> = {
  contacting: 'Contacting the terminal…',
  waiting_for_card: 'Ask the client to tap, insert or swipe their card',
  capturing: 'Card read: completing the payment…',
  canceling: 'Canceling at the terminal…'
}

/** A card payment under way at the terminal, followed to its end (live events, and a poll every second). */
export function CardProgress({ paymentId, onClose }: { paymentId: string; onClose: (p: Payment) => void }) {
  const fmt = useMoney()
  const openReceipt = useOpenReceipt()
  const payment = useCall('billing.payment', { paymentId }, { refetchInterval: (q) => (!q.state.data || q.state.data.status === 'pending' ? 1000 : false), staleTime: 0 })
  const cancel = useAction('billing.cancelCardPayment')
  const p = payment.data
  if (!p) return payment.error ? <Alert color="red">{payment.error.message}</Alert> : <Loader size="sm" />
  if (p.status === 'pending')
    return (
      <Paper bg="blue.0" p="lg" radius="md" data-testid="card-progress" data-status="pending" data-progress={p.progress ?? 'unknown'}>
        <Group justify="space-between" wrap="nowrap">
          <Group wrap="nowrap">
            <Loader size="md" />
            <div>
              <Text fw={700} size="lg" data-testid="card-progress-text">
                {p.progress ? PROGRESS_TEXT[p.progress] : 'Waiting for the payment service…'}
              </Text>
              <Text size="sm" c="dimmed">
                {fmt(p.amountMinor)} on the card terminal
              </Text>
            </div>
          </Group>
          <Button color="red" variant="light" leftSection={<IconX size={16} />} onClick={() => cancel.mutate({ paymentId })} loading={cancel.isPending || p.progress === 'canceling'} disabled={p.progress === 'capturing'} data-testid="card-cancel">
            Cancel
          </Button>
        </Group>
        {cancel.error && (
          <Alert color="red" mt="sm" p="xs">
            {cancel.error.message}
          </Alert>
        )}
      </Paper>
    )
  const ok = p.status === 'succeeded'
  return (
    <Paper bg={ok ? 'green.0' : p.status === 'failed' ? 'red.0' : 'gray.1'} p="lg" radius="md" data-testid="card-progress" data-status={p.status}>
      <Group justify="space-between" wrap="nowrap">
        <div>
          <Text fw={700} size="lg" c={ok ? 'green.9' : p.status === 'failed' ? 'red.9' : undefined} data-testid="card-result">
            {ok ? `Approved: ${fmt(p.amountMinor)}` : p.status === 'failed' ? 'Card payment failed' : 'Card payment canceled'}
          </Text>
          <Text size="sm" data-testid="card-result-detail">
            {ok ? cardText(p) : p.status === 'failed' ? (p.failure ?? 'The payment service gave no reason') : 'Nothing was charged.'}
          </Text>
          {!ok && (
            <Text size="xs" c="dimmed" mt={4}>
              Nothing was charged. Try the card again, another card, or another method.
            </Text>
          )}
        </div>
        <Group gap="xs" wrap="nowrap">
          {ok && (
            <Button variant="default" leftSection={<IconReceipt size={16} />} onClick={() => openReceipt([p.id])} data-testid="card-receipt">
              Receipt
            </Button>
          )}
          <Button variant={ok ? 'filled' : 'default'} onClick={() => onClose(p)} data-testid="card-done">
            {ok ? 'Done' : 'Try again'}
          </Button>
        </Group>
      </Group>
    </Paper>
  )
}
