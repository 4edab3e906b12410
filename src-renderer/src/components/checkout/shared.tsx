/**
 * What only Checkout's panels share: the day picked and its label, a method in a sentence, tax
 * rates, and an amount field that reads what people type. Helpers Checkout shares with the Billing
 * screen and a client's billing history are in ../billing-shared.
 */
import type { ReactNode } from 'react'
import { Text, TextInput, type TextInputProps } from '@mantine/core'
import type { Payment } from '../../../../src-preload/contract'
import { parseMoney } from '../../format'
import { NUM, todayIso, useCurrency } from '../billing-shared'

/** The currency's symbol, for an amount field's left section ("$"). */
export function currencySymbol(currency: string): string {
  return new Intl.NumberFormat('en-US', { style: 'currency', currency }).formatToParts(0).find((p) => p.type === 'currency')?.value ?? currency
}

export function shiftDay(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10)
}

export function dayLabel(day: string): string {
  const today = todayIso()
  const name = new Date(`${day}T00:00:00Z`).toLocaleDateString(undefined, { weekday: 'short', month: 'short', day: 'numeric', year: 'numeric', timeZone: 'UTC' })
  if (day === today) return `Today · ${name}`
  if (day === shiftDay(today, -1)) return `Yesterday · ${name}`
  return name
}

/** A method in a sentence: "by card", "in cash", "by client credit". */
export function byMethod(m: Payment['method']): string {
  return m === 'cash' ? 'in cash' : m === 'credit' ? 'from client credit' : m === 'external' ? 'on the external terminal' : `by ${m}`
}

/** A tax rate in basis points: 825 → "8.25 %". */
export function rate(bp: number): string {
  return `${(bp / 100).toLocaleString(undefined, { maximumFractionDigits: 2 })} %`
}

/**
 * An amount field: people type "12.50" or "$1,200"; the parent keeps the text and reads it with
 * parseMoney(). Shows a hint when what is typed is not an amount.
 */
export function MoneyInput({ value, onChange, error, ...rest }: Omit<TextInputProps, 'value' | 'onChange'> & { value: string; onChange: (text: string) => void; error?: ReactNode }) {
  const currency = useCurrency()
  const bad = value.trim() !== '' && parseMoney(value, currency) === null
  return (
    <TextInput
      inputMode="decimal"
      autoComplete="off"
      leftSection={<Text size="sm" c="dimmed">{currencySymbol(currency)}</Text>}
      styles={{ input: { textAlign: 'right', ...NUM } }}
      value={value}
      onChange={(e) => onChange(e.currentTarget.value)}
      error={error ?? (bad ? 'Type an amount, such as 12.50' : undefined)}
      {...rest}
    />
  )
}
