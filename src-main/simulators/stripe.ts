/**
 * The Stripe simulator that ships with VetOS: it plays Stripe at stripe-node's HTTP boundary, so the
 * demo and the tests can run the server-driven Stripe Terminal flow without the internet. It is a
 * real node:http server speaking Stripe's wire format: form-encoded bodies in bracket notation,
 * Bearer keys, Idempotency-Key replay, JSON objects with `object` fields, and errors shaped
 * {error:{type,code,message,param}} under the HTTP status stripe-node maps to its error classes
 * (400/404 invalid request or idempotency, 401 authentication). Point a client at it with
 *   new Stripe(key, { host: '127.0.0.1', port: sim.port, protocol: 'http', maxNetworkRetries: 0, telemetry: false })
 *
 * The slice it models, in memory:
 *   payment intents   create, retrieve, update, list, search (metadata/status/currency equality), cancel, capture;
 *                     payment method types are read by the request's API version: stripe-node 23 pins
 *                     2026-10-28.endive, which takes allowed_payment_method_types[]=card_present and
 *                     refuses payment_method_types (payment_method_types_no_longer_supported)
 *   terminal readers  register ('simulated-wpe'), list, retrieve, process_payment_intent, cancel_action
 *   test helpers      present_payment_method (the customer taps a card)
 *   refunds, charges (for end-of-day reconciliation) and events (read-only; no webhooks are sent)
 *
 * Test cards for present_payment_method's card_present[number]:
 *   4242424242424242  approved (the default)
 *   4000000000000002  declined: card_declined / generic_decline
 *   4000000000009995  declined: card_declined / insufficient_funds
 *   4000000000009987  declined: card_declined / lost_card
 *   4000000000000069  declined: expired_card
 *
 * Not Stripe's, and said so wherever they appear:
 *   POST /v1/test_helpers/terminal/readers/:id/set_status  (status=online|offline) unplugs a reader over HTTP
 *   setReaderOnline() and setFault() do the same from code; setFault makes the whole API slow or unreachable.
 *
 * Differences from Stripe worth knowing: search is immediately consistent (Stripe's lags up to a
 * minute), nothing expires (idempotency keys, authorizations), and only the parameters listed per
 * endpoint are accepted; anything else is refused as `parameter_unknown`, as Stripe refuses a typo.
 */
import { randomBytes, randomUUID } from 'node:crypto'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { listen } from '../core/net'

export interface StripeSimulatorOptions {
  /** 0 (the default) asks for any free port */
  port?: number
  /** default 127.0.0.1 */
  host?: string
  /** accepted secret/restricted keys; default ['sk_test_vetos_simulator'] */
  apiKeys?: string[]
  /** registered at start, online */
  readers?: { id?: string; label: string; serialNumber?: string }[]
  log?: (line: string) => void
  /** ms a reader takes to "tap" a card by itself after process_payment_intent; null (the default) waits for present_payment_method */
  autoPresentMs?: number | null
}

export type SimFault = null | { kind: 'drop' } | { kind: 'delay'; ms: number }

export interface RecordedRequest {
  method: string
  /** the path without its query string */
  path: string
  idempotencyKey: string | null
  /** the parsed form body; for a GET, the parsed query string */
  body: Record<string, unknown>
}

type Metadata = Record<string, string>
type Params = Record<string, unknown>
type PaymentIntentStatus = 'requires_payment_method' | 'requires_confirmation' | 'requires_action' | 'processing' | 'requires_capture' | 'canceled' | 'succeeded'

interface ErrorBody {
  type: 'invalid_request_error' | 'idempotency_error' | 'card_error' | 'api_error'
  message: string
  code?: string
  param?: string
  decline_code?: string
  doc_url?: string
  charge?: string
  payment_intent?: unknown
  payment_method?: unknown
}

interface CardDetails {
  brand: string
  last4: string
  exp_month: number
  exp_year: number
  funding: 'credit'
  country: 'US'
  network: string
  read_method: 'contactless_emv'
}

export interface SimPaymentMethod {
  id: string
  object: 'payment_method'
  type: 'card_present'
  card_present: CardDetails
  created: number
  customer: null
  livemode: false
  metadata: Metadata
}

export interface SimPaymentIntent {
  id: string
  object: 'payment_intent'
  /** what the request allowed (allowed_payment_method_types); null when Stripe chose dynamically */
  allowed_payment_method_types: string[] | null
  amount: number
  amount_capturable: number
  amount_details: { tip: { amount?: number } }
  amount_received: number
  automatic_payment_methods: { enabled: boolean } | null
  canceled_at: number | null
  cancellation_reason: string | null
  capture_method: 'automatic' | 'automatic_async' | 'manual'
  client_secret: string
  confirmation_method: 'automatic'
  created: number
  currency: string
  customer: null
  description: string | null
  excluded_payment_method_types: null
  last_payment_error: ErrorBody | null
  latest_charge: string | null
  livemode: false
  metadata: Metadata
  next_action: null
  payment_method: string | null
  /** the usable subset Stripe computed; a Terminal payment needs card_present here */
  payment_method_types: string[]
  receipt_email: string | null
  statement_descriptor_suffix: string | null
  status: PaymentIntentStatus
}

export interface SimCharge {
  id: string
  object: 'charge'
  amount: number
  amount_captured: number
  /** includes an uncaptured remainder released by a partial capture, as Stripe counts it */
  amount_refunded: number
  balance_transaction: null
  captured: boolean
  created: number
  currency: string
  description: string | null
  failure_code: string | null
  failure_message: string | null
  livemode: false
  metadata: Metadata
  outcome: { network_status: string; reason: string | null; risk_level: 'normal'; seller_message: string; type: string }
  paid: boolean
  payment_intent: string
  payment_method: string
  payment_method_details: { type: 'card_present'; card_present: CardDetails }
  receipt_email: string | null
  refunded: boolean
  status: 'succeeded' | 'failed'
}

export interface SimRefund {
  id: string
  object: 'refund'
  amount: number
  balance_transaction: null
  charge: string
  created: number
  currency: string
  metadata: Metadata
  payment_intent: string
  reason: string | null
  receipt_number: null
  status: 'succeeded'
}

interface ReaderAction {
  type: 'process_payment_intent'
  status: 'in_progress' | 'succeeded' | 'failed'
  failure_code: string | null
  failure_message: string | null
  /** set when an API error (a decline) failed the action; null when the reader itself did (a cancel) */
  api_error: ErrorBody | null
  process_payment_intent: { payment_intent: string; process_config?: Params }
}

export interface SimReader {
  id: string
  object: 'terminal.reader'
  action: ReaderAction | null
  device_sw_version: string
  device_type: string
  ip_address: string
  label: string
  last_seen_at: number | null
  livemode: false
  location: string | null
  metadata: Metadata
  serial_number: string
  status: 'online' | 'offline'
}

interface SimEvent {
  id: string
  object: 'event'
  api_version: string
  created: number
  data: { object: unknown }
  livemode: false
  pending_webhooks: 0
  request: { id: string | null; idempotency_key: string | null }
  type: string
}

/** stripe-node 23's pinned version, echoed when a request names none */
const API_VERSION = '2026-10-28.endive'
const DEFAULT_CARD = '4242424242424242'
const MAX_BODY = 1024 * 1024
/** API versions from this date take allowed_payment_method_types (2026-07-29.dahlia)... */
const ALLOWED_TYPES_SINCE = '2026-07-29'
/** ...and from this one refuse payment_method_types, with code payment_method_types_no_longer_supported (2026-09-30.endive). */
const TYPES_REMOVED_SINCE = '2026-09-30'
const CAPTURE_METHODS = ['automatic', 'automatic_async', 'manual'] as const
const CANCELABLE: PaymentIntentStatus[] = ['requires_payment_method', 'requires_capture', 'requires_confirmation', 'requires_action', 'processing']
/** an intent's amount, currency and methods can change only before it is authorized */
const EDITABLE: PaymentIntentStatus[] = ['requires_payment_method', 'requires_confirmation', 'requires_action']

/** Stripe's test cards that decline, by number; every other well-formed number is approved. */
const DECLINES: Record<string, { code: string; decline_code: string; message: string }> = {
  '4000000000000002': { code: 'card_declined', decline_code: 'generic_decline', message: 'Your card was declined.' },
  '4000000000009995': { code: 'card_declined', decline_code: 'insufficient_funds', message: 'Your card has insufficient funds.' },
  '4000000000009987': { code: 'card_declined', decline_code: 'lost_card', message: 'Your card was declined.' },
  '4000000000000069': { code: 'expired_card', decline_code: 'expired_card', message: 'Your card has expired.' }
}

/** What a reader says when its action is canceled through the API. Stripe documents `customer_canceled`
 * for the customer's cancel button but no code for cancel_action; `canceled` keeps the two apart. */
const CANCELED_ACTION = { code: 'canceled', message: 'The reader action was canceled through the API (cancel_action).' }

// ---------------------------------------------------------------- errors

/** A refusal in Stripe's shape. `replayable` says whether an idempotency key keeps it: Stripe keeps
 * the result of any request whose endpoint began executing, but not one refused during validation. */
class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly body: ErrorBody,
    readonly replayable: boolean
  ) {
    super(body.message)
  }
}

const docUrl = (code?: string) => (code ? `https://docs.stripe.com/error-codes/${code.replace(/_/g, '-')}` : undefined)

/** Bad or unknown parameters: refused before the endpoint runs, so nothing is kept for replay. */
function invalidParam(param: string | undefined, message: string, code?: string): ApiFailure {
  return new ApiFailure(400, { type: 'invalid_request_error', code, param, message, doc_url: docUrl(code) }, false)
}

/** Refused by the endpoint itself (wrong state, reader offline): an idempotency key replays it. */
function refused(code: string | undefined, message: string, extra: Partial<ErrorBody> = {}): ApiFailure {
  return new ApiFailure(400, { type: 'invalid_request_error', code, message, doc_url: docUrl(code), ...extra }, true)
}

/** An unknown id: 404 in the path, 400 when a body parameter names it, as Stripe answers. */
function noSuch(kind: string, id: string, param: string, status: 404 | 400 = 404): ApiFailure {
  return new ApiFailure(status, { type: 'invalid_request_error', code: 'resource_missing', param, message: `No such ${kind}: '${id}'`, doc_url: docUrl('resource_missing') }, false)
}

// ---------------------------------------------------------------- form bodies

class MalformedBody extends Error {}

const FORBIDDEN_KEYS = new Set(['__proto__', 'prototype', 'constructor'])
const INDEX = /^\d{1,4}$/

/** Reads `a[b][0]=x&a[c][]=y` into nested objects and arrays, as Stripe reads form bodies and queries. */
export function parseForm(text: string): Params {
  const root: Params = {}
  for (const [key, value] of new URLSearchParams(text)) assign(root, splitKey(key), value)
  return compact(root) as Params
}

function splitKey(key: string): string[] {
  const m = /^([^[\]]+)((?:\[[^[\]]*\])*)$/.exec(key)
  if (!m) throw new MalformedBody(`Invalid parameter name: ${JSON.stringify(key)}`)
  const segments = [m[1], ...Array.from(m[2].matchAll(/\[([^[\]]*)\]/g), (x) => x[1])]
  if (segments.length > 6 || segments.some((s) => FORBIDDEN_KEYS.has(s))) throw new MalformedBody(`Invalid parameter name: ${JSON.stringify(key)}`)
  return segments
}

function assign(root: Params, segments: string[], value: string): void {
  let node: Params | unknown[] = root
  for (let i = 0; i < segments.length; i++) {
    const holder = node as Record<string | number, unknown>
    const slot = slotIn(node, segments[i], segments[0])
    const existing = Object.hasOwn(holder, slot) ? holder[slot] : undefined
    if (i === segments.length - 1) {
      if (typeof existing === 'object') throw new MalformedBody(`Conflicting values for parameter ${segments[0]}`)
      holder[slot] = value
      return
    }
    // The next segment decides the container: `[]` or `[0]` make an array, a name makes a hash.
    const wantArray = segments[i + 1] === '' || INDEX.test(segments[i + 1])
    if (existing === undefined) holder[slot] = wantArray ? [] : {}
    else if (typeof existing !== 'object' || Array.isArray(existing) !== wantArray) throw new MalformedBody(`Conflicting values for parameter ${segments[0]}`)
    node = holder[slot] as Params | unknown[]
  }
}

function slotIn(node: Params | unknown[], segment: string, name: string): string | number {
  if (Array.isArray(node)) {
    if (segment === '') return node.length
    if (INDEX.test(segment)) return Number(segment)
  } else if (segment !== '') return segment
  throw new MalformedBody(`Invalid array or hash in parameter ${name}`)
}

/** Drops the holes `a[5]=x` leaves in an array. */
function compact(v: unknown): unknown {
  if (Array.isArray(v)) return v.filter((x) => x !== undefined).map(compact)
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, compact(x)]))
  return v
}

/** Key-order-independent text of parameters, to tell an idempotent retry from a different request. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`
  if (v && typeof v === 'object') {
    const o = v as Params
    return `{${Object.keys(o)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`)
      .join(',')}}`
  }
  return JSON.stringify(v)
}

// ---------------------------------------------------------------- parameters

function allowOnly(params: Params, allowed: readonly string[], prefix?: string): void {
  for (const key of Object.keys(params)) {
    if ((key === 'expand' && !prefix) || allowed.includes(key)) continue
    const name = prefix ? `${prefix}[${key}]` : key
    throw invalidParam(name, `Received unknown parameter: ${name}`, 'parameter_unknown')
  }
}

function text(params: Params, name: string, label = name): string | undefined {
  const v = params[name]
  if (v === undefined) return undefined
  if (typeof v !== 'string') throw invalidParam(label, `Invalid string: ${label} must be a string, not a hash or an array.`)
  return v
}

function requiredText(params: Params, name: string): string {
  const v = text(params, name)
  if (v === undefined) throw invalidParam(name, `Missing required param: ${name}.`, 'parameter_missing')
  if (v === '') throw invalidParam(name, `You passed an empty string for '${name}'. We assume empty values are an attempt to unset a parameter; however '${name}' cannot be unset.`, 'parameter_invalid_empty')
  return v
}

function integer(params: Params, name: string, label = name): number | undefined {
  const v = params[name]
  if (v === undefined) return undefined
  if (typeof v !== 'string' || !/^-?\d{1,15}$/.test(v)) throw invalidParam(label, `Invalid integer: ${typeof v === 'string' ? v : JSON.stringify(v)}`, 'parameter_invalid_integer')
  return Number(v)
}

function amount(params: Params, name: string, required: boolean): number | undefined {
  const n = integer(params, name)
  if (n === undefined) {
    if (required) throw invalidParam(name, `Missing required param: ${name}.`, 'parameter_missing')
    return undefined
  }
  if (n < 1) throw invalidParam(name, 'Amount must be at least 1 in the smallest currency unit.', 'amount_too_small')
  if (n > 99_999_999) throw invalidParam(name, 'Amount must be no more than 99,999,999 in the smallest currency unit.', 'amount_too_large')
  return n
}

function oneOf<T extends string>(params: Params, name: string, values: readonly T[]): T | undefined {
  const v = text(params, name)
  if (v === undefined) return undefined
  if (!(values as readonly string[]).includes(v)) throw invalidParam(name, `Invalid ${name}: must be one of ${values.join(', ')}`)
  return v as T
}

function currency(params: Params): string {
  const v = requiredText(params, 'currency').toLowerCase()
  if (!/^[a-z]{3}$/.test(v)) throw invalidParam('currency', `Invalid currency: ${v}. Use a three-letter ISO currency code in lowercase.`)
  return v
}

/** Which methods an intent may use: card and card_present anywhere, interac_present in CAD only. */
const usable = (type: string, cur: string) => type === 'card' || type === 'card_present' || (type === 'interac_present' && cur === 'cad')

function typeList(params: Params, name: string): string[] {
  const v = params[name]
  if (!Array.isArray(v) || v.length === 0 || v.some((x) => typeof x !== 'string' || !/^[a-z_]+$/.test(x))) throw invalidParam(name, `Invalid array: ${name} must list payment method types.`)
  return [...new Set(v as string[])]
}

interface MethodChoice {
  allowed: string[] | null
  types: string[]
}

/**
 * The payment method types a create or update asks for, read as the request's API version reads them:
 * stripe-node 23 pins 2026-10-28.endive, where `payment_method_types` is refused and
 * `allowed_payment_method_types` silently drops what cannot be used. undefined = not asked.
 */
function methodChoice(params: Params, apiVersion: string, cur: string): MethodChoice | undefined {
  const version = apiVersion.slice(0, 10)
  const legacy = params.payment_method_types !== undefined
  const allowed = params.allowed_payment_method_types !== undefined
  if (legacy && version >= TYPES_REMOVED_SINCE) {
    throw invalidParam('payment_method_types', `payment_method_types is no longer supported on API version ${apiVersion}. Use allowed_payment_method_types (for a reader: ['card_present']).`, 'payment_method_types_no_longer_supported')
  }
  if (allowed && version < ALLOWED_TYPES_SINCE) throw invalidParam('allowed_payment_method_types', 'Received unknown parameter: allowed_payment_method_types', 'parameter_unknown')
  if (legacy && allowed) throw invalidParam(undefined, 'You may only specify one of these parameters: allowed_payment_method_types, payment_method_types.', 'parameters_exclusive')
  if (allowed) {
    const list = typeList(params, 'allowed_payment_method_types')
    const types = list.filter((t) => usable(t, cur))
    if (types.length === 0) throw invalidParam('allowed_payment_method_types', `None of the allowed_payment_method_types (${list.join(', ')}) can be used for a ${cur} payment here.`)
    return { allowed: list, types }
  }
  if (!legacy) return undefined
  // The old parameter refuses what it cannot use, where the new one filters.
  const list = typeList(params, 'payment_method_types')
  const bad = list.find((t) => !usable(t, cur))
  if (bad) throw invalidParam('payment_method_types', `The payment method type "${bad}" is invalid or cannot be used for a ${cur} payment.`, 'payment_intent_invalid_parameter')
  return { allowed: null, types: list }
}

/** A metadata hash; null means `metadata=''`, which clears it, as on Stripe. */
function metadata(params: Params): Metadata | null | undefined {
  const v = params.metadata
  if (v === undefined) return undefined
  if (v === '') return null
  if (typeof v !== 'object' || Array.isArray(v)) throw invalidParam('metadata', 'Invalid object')
  const out: Metadata = {}
  for (const [k, x] of Object.entries(v as Params)) {
    if (typeof x !== 'string') throw invalidParam(`metadata[${k}]`, `Invalid string: metadata[${k}] must be a string.`)
    if (k.length > 40) throw invalidParam(`metadata[${k}]`, 'Metadata keys can have up to 40 characters.')
    if (x.length > 500) throw invalidParam(`metadata[${k}]`, 'Metadata values can have up to 500 characters.')
    out[k] = x
  }
  if (Object.keys(out).length > 50) throw invalidParam('metadata', 'Metadata can have up to 50 keys.')
  return out
}

/** Applies an update as Stripe does: an empty value removes its key, '' as the whole hash clears it. */
function mergeMetadata(current: Metadata, update: Metadata | null | undefined): Metadata {
  if (update === undefined) return current
  if (update === null) return {}
  const next = { ...current }
  for (const [k, v] of Object.entries(update)) {
    if (v === '') delete next[k]
    else next[k] = v
  }
  return next
}

function expandParam(params: Params): string[] {
  const v = params.expand
  if (v === undefined) return []
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) throw invalidParam('expand', 'Invalid array')
  return v as string[]
}

/** A list's expansions are written `data.field`. */
function listExpand(params: Params): string[] {
  return expandParam(params).map((path) => {
    if (!path.startsWith('data.')) throw invalidParam('expand', `This property cannot be expanded (${path}). Expand list items with data.${path}.`)
    return path.slice(5)
  })
}

/** `created=N` or `created[gt|gte|lt|lte]=N`, as list endpoints take it. */
function createdFilter(params: Params): (created: number) => boolean {
  const v = params.created
  if (v === undefined) return () => true
  if (typeof v === 'string') {
    const at = integer(params, 'created')
    return (c) => c === at
  }
  if (typeof v !== 'object' || Array.isArray(v)) throw invalidParam('created', 'Invalid created: an integer or a hash of gt, gte, lt, lte.')
  const range = v as Params
  allowOnly(range, ['gt', 'gte', 'lt', 'lte'], 'created')
  const [gt, gte, lt, lte] = (['gt', 'gte', 'lt', 'lte'] as const).map((k) => integer(range, k, `created[${k}]`))
  return (c) => (gt === undefined || c > gt) && (gte === undefined || c >= gte) && (lt === undefined || c < lt) && (lte === undefined || c <= lte)
}

/** Stripe Search's equality clauses joined by AND: metadata['key']:'value', status:'x', currency:'x'. */
function searchClauses(query: string): ((pi: SimPaymentIntent) => boolean)[] {
  return query
    .trim()
    .split(/\s+AND\s+/)
    .map((clause) => {
      const m = /^(?:metadata\[(["'])(.+?)\1\]|(status|currency)):(["'])(.*)\4$/.exec(clause.trim())
      if (!m) throw invalidParam('query', `The search query could not be parsed near ${JSON.stringify(clause)}. This simulator supports metadata['key']:'value', status:'value' and currency:'value', joined by AND.`)
      const [, , key, field, , value] = m
      if (key !== undefined) return (pi: SimPaymentIntent) => pi.metadata[key] === value
      return (pi: SimPaymentIntent) => pi[field as 'status' | 'currency'] === value
    })
}

// ---------------------------------------------------------------- small helpers

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'

function randomChars(n: number): string {
  let s = ''
  for (const b of randomBytes(n)) s += ALPHABET[b % ALPHABET.length]
  return s
}

function digits(n: number): string {
  return Array.from(randomBytes(n), (b) => String(b % 10)).join('')
}

const newId = (prefix: string, n = 24) => `${prefix}_${randomChars(n)}`
const now = () => Math.floor(Date.now() / 1000)
const clone = <T>(v: T): T => structuredClone(v)
const money = (minor: number, cur: string) => (cur === 'usd' ? `$${(minor / 100).toFixed(2)}` : `${(minor / 100).toFixed(2)} ${cur.toUpperCase()}`)

function brandOf(number: string): string {
  if (number.startsWith('4')) return 'visa'
  if (/^(5[1-5]|2[2-7])/.test(number)) return 'mastercard'
  if (/^3[47]/.test(number)) return 'amex'
  if (number.startsWith('6')) return 'discover'
  return 'unknown'
}

function cardDetails(number: string): CardDetails {
  const brand = brandOf(number)
  return { brand, last4: number.slice(-4), exp_month: 12, exp_year: new Date().getFullYear() + 3, funding: 'credit', country: 'US', network: brand, read_method: 'contactless_emv' }
}

function mask(key: string): string {
  return key.length > 12 ? `${key.slice(0, 8)}${'*'.repeat(key.length - 12)}${key.slice(-4)}` : '*'.repeat(key.length)
}

function header(req: IncomingMessage, name: string): string | null {
  const v = req.headers[name]
  return (Array.isArray(v) ? v[0] : v) ?? null
}

function readBody(req: IncomingMessage): Promise<string | null> {
  // Reads to the end even past the limit, so the answer goes out on a drained socket; null = too large.
  return new Promise((resolve) => {
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size <= MAX_BODY) chunks.push(chunk)
    })
    req.on('end', () => resolve(size > MAX_BODY ? null : Buffer.concat(chunks).toString('utf8')))
    req.on('error', () => resolve(null))
    req.on('close', () => resolve(null)) // aborted mid-body; after 'end' this changes nothing
  })
}

/** A request's parameters (a POST's form body, a GET's query), or why they cannot be read: answered 400 after auth. */
function readParams(method: string, url: URL, raw: string | null, contentType: string | null): { params: Params; malformed: ApiFailure | null } {
  try {
    if (raw === null) throw new MalformedBody(`The request body is larger than ${MAX_BODY} bytes.`)
    if (method === 'POST' && raw.trim() && contentType && !/^application\/x-www-form-urlencoded/i.test(contentType)) {
      throw new MalformedBody(`Invalid request: the body must be application/x-www-form-urlencoded, not ${contentType}.`)
    }
    return { params: parseForm(method === 'POST' ? raw : url.search.slice(1)), malformed: null }
  } catch (e) {
    return { params: {}, malformed: invalidParam(undefined, e instanceof MalformedBody ? e.message : 'Invalid request body.') }
  }
}

// ---------------------------------------------------------------- routing

interface Call {
  method: string
  path: string
  params: Params
  apiKey: string
  idempotencyKey: string | null
  apiVersion: string
}

type Handler = (call: Call, ids: string[]) => unknown

interface Route {
  method: 'GET' | 'POST'
  pattern: RegExp
  handle: Handler
}

/** What goes back on the wire; kept as text so an idempotent replay shows the first answer, not today's state. */
interface Answer {
  status: number
  text: string
  replayable: boolean
  replayed?: boolean
}

function route(method: 'GET' | 'POST', path: string, handle: Handler): Route {
  return { method, pattern: new RegExp(`^${path.replace(/:\w+/g, '([^/]+)')}$`), handle }
}

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment)
  } catch {
    return segment
  }
}

const json = (body: unknown) => `${JSON.stringify(body, null, 2)}\n`

function failureAnswer(e: ApiFailure): Answer {
  return { status: e.status, text: json({ error: e.body }), replayable: e.replayable }
}

type Expandable = 'payment_intent' | 'charge' | 'refund' | 'reader' | 'event'

/** Which fields each object lets `expand` replace by the object they name. */
const EXPANSIONS: Record<Expandable, Record<string, 'payment_intent' | 'charge' | 'payment_method'>> = {
  payment_intent: { latest_charge: 'charge', payment_method: 'payment_method' },
  charge: { payment_intent: 'payment_intent' },
  refund: { charge: 'charge', payment_intent: 'payment_intent' },
  reader: { 'action.process_payment_intent.payment_intent': 'payment_intent' },
  event: {}
}

// ---------------------------------------------------------------- the simulator

export class StripeSimulator {
  /** every request received (dropped ones never arrive): for tests to assert "one charge" */
  readonly requests: RecordedRequest[] = []
  private server: Server | null = null
  private boundPort = 0
  private readonly host: string
  private readonly apiKeys: Set<string>
  private readonly autoPresentMs: number | null
  private fault: SimFault = null
  private readonly timers = new Set<NodeJS.Timeout>()
  private readonly intentStore = new Map<string, SimPaymentIntent>()
  private readonly chargeStore = new Map<string, SimCharge>()
  private readonly refundStore = new Map<string, SimRefund>()
  private readonly methodStore = new Map<string, SimPaymentMethod>()
  private readonly readerStore = new Map<string, SimReader>()
  private readonly eventStore = new Map<string, SimEvent>()
  private readonly replays = new Map<string, { endpoint: string; fingerprint: string; answer: Answer }>()
  /** the request being handled, for the events it causes */
  private current: { requestId: string; idempotencyKey: string | null; apiVersion: string } | null = null
  private readonly routes: Route[] = [
    route('GET', '/v1/payment_intents', (c) => this.listPaymentIntents(c.params)),
    route('POST', '/v1/payment_intents', (c) => this.createPaymentIntent(c.params, c.apiVersion)),
    route('GET', '/v1/payment_intents/search', (c) => this.searchPaymentIntents(c.params)),
    route('GET', '/v1/payment_intents/:intent', (c, [id]) => this.retrievePaymentIntent(id, c.params)),
    route('POST', '/v1/payment_intents/:intent', (c, [id]) => this.updatePaymentIntent(id, c.params, c.apiVersion)),
    route('POST', '/v1/payment_intents/:intent/cancel', (c, [id]) => this.cancelPaymentIntent(id, c.params)),
    route('POST', '/v1/payment_intents/:intent/capture', (c, [id]) => this.capturePaymentIntent(id, c.params)),
    route('GET', '/v1/terminal/readers', (c) => this.listReaders(c.params)),
    route('POST', '/v1/terminal/readers', (c) => this.registerReader(c.params)),
    route('GET', '/v1/terminal/readers/:reader', (c, [id]) => this.retrieveReader(id, c.params)),
    route('POST', '/v1/terminal/readers/:reader/process_payment_intent', (c, [id]) => this.processPaymentIntent(id, c.params)),
    route('POST', '/v1/terminal/readers/:reader/cancel_action', (c, [id]) => this.cancelAction(id, c.params)),
    route('POST', '/v1/test_helpers/terminal/readers/:reader/present_payment_method', (c, [id]) => this.presentPaymentMethod(id, c.params)),
    route('POST', '/v1/test_helpers/terminal/readers/:reader/set_status', (c, [id]) => this.setStatus(id, c.params)),
    route('GET', '/v1/refunds', (c) => this.listRefunds(c.params)),
    route('POST', '/v1/refunds', (c) => this.createRefund(c.params)),
    route('GET', '/v1/refunds/:refund', (c, [id]) => this.render('refund', this.find(this.refundStore, 'refund', id, 'refund'), this.only(c.params, []))),
    route('GET', '/v1/charges', (c) => this.listCharges(c.params)),
    route('GET', '/v1/charges/:charge', (c, [id]) => this.render('charge', this.find(this.chargeStore, 'charge', id, 'charge'), this.only(c.params, []))),
    route('GET', '/v1/events', (c) => this.listEvents(c.params)),
    route('GET', '/v1/events/:id', (c, [id]) => this.render('event', this.find(this.eventStore, 'event', id, 'id'), this.only(c.params, [])))
  ]

  constructor(private readonly opts: StripeSimulatorOptions = {}) {
    this.host = opts.host ?? '127.0.0.1'
    this.apiKeys = new Set(opts.apiKeys ?? ['sk_test_vetos_simulator'])
    this.autoPresentMs = opts.autoPresentMs ?? null
    for (const r of opts.readers ?? []) this.addReader(r.id ?? newId('tmr', 14), r.label, r.serialNumber ?? `WSC513${digits(9)}`, 'bbpos_wisepos_e', null)
  }

  get port(): number {
    return this.boundPort
  }

  get url(): string {
    const host = this.host === '0.0.0.0' || this.host === '::' ? '127.0.0.1' : this.host
    return `http://${host.includes(':') ? `[${host}]` : host}:${this.boundPort}`
  }

  async start(): Promise<void> {
    const server = createServer((req, res) => void this.onRequest(req, res))
    this.server = server
    this.boundPort = await listen(server, this.opts.port ?? 0, this.host)
    this.log(`Stripe API on ${this.url} with ${this.readerStore.size} reader(s)${this.autoPresentMs === null ? '' : `, cards tapped after ${this.autoPresentMs} ms`}`)
  }

  async stop(): Promise<void> {
    for (const t of this.timers) clearTimeout(t)
    this.timers.clear()
    const server = this.server
    this.server = null
    if (!server) return
    // stripe-node keeps connections alive; close them or close() waits for their idle timeout.
    await new Promise<void>((resolve) => {
      server.close(() => resolve())
      server.closeAllConnections()
    })
  }

  /**
   * Not Stripe's: charges made before the simulator started (the demo clinic's history), so the
   * account holds what the clinic's books say it took: refunds and end-of-day reconciliation of
   * past days then work as against a real account. Each is a captured card_present payment.
   */
  importCharges(history: { intentId: string; amountMinor: number; refundedMinor: number; createdMs: number; currency: string; last4: string; localPaymentId: string }[]): void {
    for (const h of history) {
      if (this.intentStore.has(h.intentId)) continue
      const created = Math.floor(h.createdMs / 1000)
      const method: SimPaymentMethod = { id: newId('pm'), object: 'payment_method', type: 'card_present', card_present: { ...cardDetails('4242424242424242'), last4: h.last4 }, created, customer: null, livemode: false, metadata: {} }
      this.methodStore.set(method.id, method)
      const pi: SimPaymentIntent = {
        id: h.intentId, object: 'payment_intent', allowed_payment_method_types: ['card_present'], amount: h.amountMinor, amount_capturable: 0, amount_details: { tip: {} }, amount_received: h.amountMinor, automatic_payment_methods: null,
        canceled_at: null, cancellation_reason: null, capture_method: 'manual', client_secret: `${h.intentId}_secret_${randomChars(25)}`, confirmation_method: 'automatic', created, currency: h.currency.toLowerCase(), customer: null,
        description: null, excluded_payment_method_types: null, last_payment_error: null, latest_charge: null, livemode: false, metadata: { local_payment_id: h.localPaymentId }, next_action: null, payment_method: method.id,
        payment_method_types: ['card_present'], receipt_email: null, statement_descriptor_suffix: null, status: 'succeeded'
      }
      this.intentStore.set(pi.id, pi)
      const charge = this.newCharge(pi, method, undefined)
      Object.assign(charge, { created, captured: true, amount_captured: h.amountMinor, amount_refunded: h.refundedMinor, refunded: h.refundedMinor >= h.amountMinor })
      pi.latest_charge = charge.id
    }
    this.log(`${history.length} past card charge(s) imported`)
  }

  /** Plugs a reader in or out (not Stripe's): an action in progress stays in progress while it is offline. */
  setReaderOnline(readerId: string, online: boolean): void {
    const reader = this.readerStore.get(readerId)
    if (!reader) throw new Error(`No such reader: ${readerId}`)
    if (!online && reader.status === 'online') reader.last_seen_at = Date.now()
    reader.status = online ? 'online' : 'offline'
    this.log(`reader ${reader.label} (${reader.id}) is ${reader.status}`)
  }

  /**
   * Not Stripe's: { kind: 'drop' } destroys every connection before it is read (the request never
   * reaches the API); { kind: 'delay', ms } handles each request at once but holds its answer for ms,
   * so a client that times out has still charged, as after a real lost response. null clears it.
   */
  setFault(fault: SimFault): void {
    this.fault = fault
    this.log(fault ? `fault: ${fault.kind === 'drop' ? 'dropping every connection' : `answering after ${fault.ms} ms`}` : 'fault cleared')
  }

  paymentIntents(): SimPaymentIntent[] {
    return [...this.intentStore.values()].map(clone)
  }

  /** every charge, failed (declined) ones included, as Stripe lists them: reconcile the captured ones */
  charges(): SimCharge[] {
    return [...this.chargeStore.values()].map(clone)
  }

  refunds(): SimRefund[] {
    return [...this.refundStore.values()].map(clone)
  }

  private log(line: string): void {
    this.opts.log?.(`[stripe] ${line}`)
  }

  private later(ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      this.timers.delete(t)
      fn()
    }, ms)
    this.timers.add(t)
  }

  // ------------------------------------------------------------ the wire

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    res.on('error', () => undefined)
    const fault = this.fault
    if (fault?.kind === 'drop') {
      req.socket.destroy()
      return
    }
    try {
      const raw = await readBody(req)
      const { answer, headers } = this.receive(req, raw)
      const write = () => {
        if (res.destroyed || res.writableEnded) return // the client gave up waiting
        res.writeHead(answer.status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(answer.text), ...headers })
        res.end(answer.text)
      }
      if (fault?.kind === 'delay') this.later(fault.ms, write)
      else write()
    } catch (e) {
      this.log(`could not answer ${req.method} ${req.url}: ${(e as Error).message}`)
      res.destroy()
    }
  }

  private receive(req: IncomingMessage, raw: string | null): { answer: Answer; headers: Record<string, string> } {
    const method = (req.method ?? 'GET').toUpperCase()
    const url = new URL(req.url ?? '/', 'http://stripe.simulator')
    const idempotencyKey = header(req, 'idempotency-key')
    const requestId = newId('req', 14)
    const apiVersion = header(req, 'stripe-version') ?? API_VERSION
    const headers: Record<string, string> = { 'Request-Id': requestId, 'Stripe-Version': apiVersion }
    if (method === 'POST' && idempotencyKey) headers['Idempotency-Key'] = idempotencyKey

    const { params, malformed } = readParams(method, url, raw, header(req, 'content-type'))
    this.requests.push({ method, path: url.pathname, idempotencyKey, body: params })

    let answer: Answer
    try {
      const apiKey = this.authenticate(header(req, 'authorization'))
      if (malformed) throw malformed
      const call: Call = { method, path: url.pathname, params, apiKey, idempotencyKey, apiVersion }
      this.current = { requestId, idempotencyKey, apiVersion }
      answer = this.idempotent(call, () => this.answer(call))
    } catch (e) {
      if (!(e instanceof ApiFailure)) throw e
      answer = failureAnswer(e)
    } finally {
      this.current = null
    }
    if (answer.replayed) headers['Idempotent-Replayed'] = 'true'
    return { answer, headers }
  }

  private authenticate(authorization: string | null): string {
    if (!authorization) throw new ApiFailure(401, { type: 'invalid_request_error', message: "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY')." }, false)
    const bearer = /^Bearer\s+(\S+)\s*$/i.exec(authorization)
    const basic = /^Basic\s+(\S+)\s*$/i.exec(authorization)
    const key = bearer ? bearer[1] : basic ? Buffer.from(basic[1], 'base64').toString('utf8').split(':')[0] : authorization.trim()
    if (!this.apiKeys.has(key)) throw new ApiFailure(401, { type: 'invalid_request_error', message: `Invalid API Key provided: ${mask(key)}` }, false)
    return key
  }

  /** Stripe's idempotency: a key's first kept answer is replayed to the same request, and refused to a different one. */
  private idempotent(call: Call, run: () => Answer): Answer {
    if (call.method !== 'POST' || !call.idempotencyKey) return run()
    const slot = `${call.apiKey} ${call.idempotencyKey}`
    const endpoint = `${call.method} ${call.path}`
    const fingerprint = canonical(call.params)
    const first = this.replays.get(slot)
    const mismatch = (message: string) => failureAnswer(new ApiFailure(400, { type: 'idempotency_error', message: `${message} Try using a key other than '${call.idempotencyKey}' if you meant to execute a different request.` }, false))
    if (first && first.endpoint !== endpoint) return mismatch(`Keys for idempotent requests can only be used for the same endpoint they were first used for ('${first.endpoint}' vs '${endpoint}').`)
    if (first && first.fingerprint !== fingerprint) return mismatch('Keys for idempotent requests can only be used with the same parameters they were first used with.')
    if (first) return { ...first.answer, replayed: true }
    const answer = run()
    if (answer.replayable) this.replays.set(slot, { endpoint, fingerprint, answer })
    return answer
  }

  private answer(call: Call): Answer {
    try {
      return { status: 200, text: json(this.dispatch(call)), replayable: true }
    } catch (e) {
      if (e instanceof ApiFailure) return failureAnswer(e)
      this.log(`simulator fault on ${call.method} ${call.path}: ${(e as Error).stack ?? e}`)
      return { status: 500, text: json({ error: { type: 'api_error', message: 'An unexpected error occurred in the Stripe simulator.' } }), replayable: false }
    }
  }

  private dispatch(call: Call): unknown {
    for (const r of this.routes) {
      const m = r.method === call.method ? r.pattern.exec(call.path) : null
      if (m) return r.handle(call, m.slice(1).map(decode))
    }
    throw new ApiFailure(404, { type: 'invalid_request_error', message: `Unrecognized request URL (${call.method}: ${call.path}). Please see https://stripe.com/docs or we can help at https://support.stripe.com/.` }, false)
  }

  // ------------------------------------------------------------ lookups, rendering, lists, events

  private find<T>(store: Map<string, T>, kind: string, id: string, param: string): T {
    const found = store.get(id)
    if (!found) throw noSuch(kind, id, param)
    return found
  }

  /** Checks a retrieve's parameters (only `expand`) and hands back its expansions. */
  private only(params: Params, allowed: string[]): string[] {
    allowOnly(params, allowed)
    return expandParam(params)
  }

  private lookup(kind: 'payment_intent' | 'charge' | 'payment_method', id: string): unknown {
    const store = kind === 'payment_intent' ? this.intentStore : kind === 'charge' ? this.chargeStore : this.methodStore
    return store.get(id)
  }

  /** A copy for the wire, with the fields named in `expand` replaced by their objects. */
  private render(kind: Expandable, obj: object, expand: string[]): Record<string, unknown> {
    const out = clone(obj) as Record<string, unknown>
    if (kind === 'reader') out.last_seen_at = (obj as SimReader).status === 'online' ? Date.now() : (obj as SimReader).last_seen_at
    for (const path of expand) {
      const target = EXPANSIONS[kind][path]
      if (!target) throw invalidParam('expand', `This property cannot be expanded (${path}).`)
      const keys = path.split('.')
      let holder: Record<string, unknown> | undefined = out
      for (const k of keys.slice(0, -1)) holder = holder?.[k] as Record<string, unknown> | undefined
      const last = keys[keys.length - 1]
      const id = holder?.[last]
      if (holder && typeof id === 'string') holder[last] = clone(this.lookup(target, id)) ?? id
    }
    return out
  }

  /** A Stripe list, newest first, with limit and starting_after/ending_before cursors. */
  private page<T extends { id: string }>(all: Iterable<T>, params: Params, url: string, render: (t: T) => unknown, keep: (t: T) => boolean): unknown {
    const limit = integer(params, 'limit') ?? 10
    if (limit < 1 || limit > 100) throw invalidParam('limit', 'Limit must be between 1 and 100.')
    const items = [...all].reverse().filter(keep)
    const after = text(params, 'starting_after')
    const before = text(params, 'ending_before')
    const at = (id: string, param: string) => {
      const i = items.findIndex((t) => t.id === id)
      if (i < 0) throw invalidParam(param, `No such object in this list: '${id}'`, 'resource_missing')
      return i
    }
    let from = 0
    let to: number
    if (before !== undefined) {
      to = at(before, 'ending_before')
      from = Math.max(0, to - limit)
    } else {
      if (after !== undefined) from = at(after, 'starting_after') + 1
      to = Math.min(items.length, from + limit)
    }
    const hasMore = before !== undefined ? from > 0 : to < items.length
    return { object: 'list', data: items.slice(from, to).map(render), has_more: hasMore, url }
  }

  private emit(type: string, object: unknown): void {
    const event: SimEvent = {
      id: newId('evt'),
      object: 'event',
      api_version: this.current?.apiVersion ?? API_VERSION,
      created: now(),
      data: { object: clone(object) },
      livemode: false,
      pending_webhooks: 0,
      request: { id: this.current?.requestId ?? null, idempotency_key: this.current?.idempotencyKey ?? null },
      type
    }
    this.eventStore.set(event.id, event)
  }

  private intent(id: string, param = 'intent', status: 404 | 400 = 404): SimPaymentIntent {
    const pi = this.intentStore.get(id)
    if (!pi) throw noSuch('payment_intent', id, param, status)
    return pi
  }

  private reader(id: string): SimReader {
    return this.find(this.readerStore, 'terminal.reader', id, 'reader')
  }

  private renderIntent(pi: SimPaymentIntent, expand: string[] = []): Record<string, unknown> {
    return this.render('payment_intent', pi, expand)
  }

  private renderReader(reader: SimReader, expand: string[] = []): Record<string, unknown> {
    return this.render('reader', reader, expand)
  }

  // ------------------------------------------------------------ payment intents

  private createPaymentIntent(params: Params, apiVersion: string): unknown {
    allowOnly(params, ['amount', 'currency', 'allowed_payment_method_types', 'payment_method_types', 'capture_method', 'metadata', 'description', 'receipt_email', 'statement_descriptor_suffix'])
    const id = newId('pi')
    const value = amount(params, 'amount', true)!
    const cur = currency(params)
    // Asked for nothing, Stripe picks dynamically, which never includes card_present: readers refuse such an intent.
    const methods = methodChoice(params, apiVersion, cur)
    const pi: SimPaymentIntent = {
      id,
      object: 'payment_intent',
      allowed_payment_method_types: methods?.allowed ?? null,
      amount: value,
      amount_capturable: 0,
      amount_details: { tip: {} },
      amount_received: 0,
      automatic_payment_methods: methods ? null : { enabled: true },
      canceled_at: null,
      cancellation_reason: null,
      capture_method: oneOf(params, 'capture_method', CAPTURE_METHODS) ?? 'automatic',
      client_secret: `${id}_secret_${randomChars(25)}`,
      confirmation_method: 'automatic',
      created: now(),
      currency: cur,
      customer: null,
      description: text(params, 'description') ?? null,
      excluded_payment_method_types: null,
      last_payment_error: null,
      latest_charge: null,
      livemode: false,
      metadata: mergeMetadata({}, metadata(params)),
      next_action: null,
      payment_method: null,
      payment_method_types: methods?.types ?? ['card'],
      receipt_email: text(params, 'receipt_email') ?? null,
      statement_descriptor_suffix: text(params, 'statement_descriptor_suffix') ?? null,
      status: 'requires_payment_method'
    }
    const expand = expandParam(params)
    this.render('payment_intent', pi, expand) // refuse a bad expand before anything is stored
    this.intentStore.set(id, pi)
    this.emit('payment_intent.created', pi)
    this.log(`payment intent ${id} for ${money(pi.amount, pi.currency)} (${pi.capture_method} capture)${pi.metadata.local_payment_id ? ` for ${pi.metadata.local_payment_id}` : ''}`)
    return this.renderIntent(pi, expand)
  }

  private retrievePaymentIntent(id: string, params: Params): unknown {
    allowOnly(params, ['client_secret'])
    return this.renderIntent(this.intent(id), expandParam(params))
  }

  private updatePaymentIntent(id: string, params: Params, apiVersion: string): unknown {
    const pi = this.intent(id)
    allowOnly(params, ['amount', 'currency', 'allowed_payment_method_types', 'payment_method_types', 'capture_method', 'metadata', 'description', 'receipt_email', 'statement_descriptor_suffix'])
    const cur = params.currency === undefined ? undefined : currency(params)
    const next = {
      amount: amount(params, 'amount', false),
      currency: cur,
      methods: methodChoice(params, apiVersion, cur ?? pi.currency),
      capture: oneOf(params, 'capture_method', CAPTURE_METHODS),
      metadata: metadata(params),
      description: text(params, 'description'),
      receiptEmail: text(params, 'receipt_email'),
      suffix: text(params, 'statement_descriptor_suffix')
    }
    const expand = expandParam(params)
    const paymentChange = next.amount !== undefined || next.currency !== undefined || next.methods !== undefined || next.capture !== undefined
    if (paymentChange && !EDITABLE.includes(pi.status)) {
      throw refused('payment_intent_unexpected_state', `This PaymentIntent's amount, currency, payment_method_types or capture_method could not be updated because it has a status of ${pi.status}.`, { payment_intent: clone(pi) })
    }
    pi.amount = next.amount ?? pi.amount
    pi.currency = next.currency ?? pi.currency
    if (next.methods) {
      pi.allowed_payment_method_types = next.methods.allowed
      pi.payment_method_types = next.methods.types
      pi.automatic_payment_methods = null
    }
    pi.capture_method = next.capture ?? pi.capture_method
    pi.metadata = mergeMetadata(pi.metadata, next.metadata)
    if (next.description !== undefined) pi.description = next.description || null
    if (next.receiptEmail !== undefined) pi.receipt_email = next.receiptEmail || null
    if (next.suffix !== undefined) pi.statement_descriptor_suffix = next.suffix || null
    return this.renderIntent(pi, expand)
  }

  private listPaymentIntents(params: Params): unknown {
    allowOnly(params, ['created', 'limit', 'starting_after', 'ending_before', 'customer'])
    const expand = listExpand(params)
    const inRange = createdFilter(params)
    const customer = text(params, 'customer')
    // No customers exist here, so a customer filter matches nothing.
    return this.page(this.intentStore.values(), params, '/v1/payment_intents', (pi) => this.renderIntent(pi, expand), (pi) => customer === undefined && inRange(pi.created))
  }

  private searchPaymentIntents(params: Params): unknown {
    allowOnly(params, ['query', 'limit', 'page'])
    const clauses = searchClauses(requiredText(params, 'query'))
    const expand = listExpand(params)
    const limit = integer(params, 'limit') ?? 10
    if (limit < 1 || limit > 100) throw invalidParam('limit', 'Limit must be between 1 and 100.')
    // The page token is the offset, kept opaque-looking as Stripe's is.
    const token = text(params, 'page')
    const offset = token === undefined ? 0 : Number.parseInt(Buffer.from(token, 'base64url').toString('utf8'), 10)
    if (!Number.isInteger(offset) || offset < 0) throw invalidParam('page', `Invalid page token: ${token}`)
    const hits = [...this.intentStore.values()].reverse().filter((pi) => clauses.every((c) => c(pi)))
    const hasMore = offset + limit < hits.length
    return {
      object: 'search_result',
      data: hits.slice(offset, offset + limit).map((pi) => this.renderIntent(pi, expand)),
      has_more: hasMore,
      next_page: hasMore ? Buffer.from(String(offset + limit)).toString('base64url') : null,
      url: '/v1/payment_intents/search'
    }
  }

  private cancelPaymentIntent(id: string, params: Params): unknown {
    const pi = this.intent(id)
    allowOnly(params, ['cancellation_reason'])
    const reason = oneOf(params, 'cancellation_reason', ['abandoned', 'duplicate', 'fraudulent', 'requested_by_customer'] as const)
    const expand = expandParam(params)
    if (!CANCELABLE.includes(pi.status)) {
      throw refused('payment_intent_unexpected_state', `You cannot cancel this PaymentIntent because it has a status of ${pi.status}. Only a PaymentIntent with one of the following statuses may be canceled: ${CANCELABLE.join(', ')}.`, { payment_intent: clone(pi) })
    }
    if (pi.status === 'requires_capture' && pi.latest_charge) {
      // Canceling an authorized payment releases the hold: Stripe shows its charge fully refunded, never captured.
      const charge = this.chargeStore.get(pi.latest_charge)!
      charge.amount_refunded = charge.amount
      charge.refunded = true
      this.emit('charge.refunded', charge)
    }
    pi.status = 'canceled'
    pi.canceled_at = now()
    pi.cancellation_reason = reason ?? null
    pi.amount_capturable = 0
    this.emit('payment_intent.canceled', pi)
    this.log(`payment intent ${pi.id} canceled${reason ? ` (${reason})` : ''}`)
    return this.renderIntent(pi, expand)
  }

  private capturePaymentIntent(id: string, params: Params): unknown {
    const pi = this.intent(id)
    allowOnly(params, ['amount_to_capture', 'metadata'])
    const requested = amount(params, 'amount_to_capture', false)
    const update = metadata(params)
    const expand = expandParam(params)
    if (pi.status !== 'requires_capture') {
      throw refused('payment_intent_unexpected_state', `This PaymentIntent could not be captured because it has a status of ${pi.status}. Only a PaymentIntent with one of the following statuses may be captured: requires_capture.`, { payment_intent: clone(pi) })
    }
    const captured = requested ?? pi.amount_capturable
    if (captured > pi.amount_capturable) throw invalidParam('amount_to_capture', `The amount to capture (${captured}) must be less than or equal to the authorized amount (${pi.amount_capturable}).`, 'amount_too_large')
    const charge = this.chargeStore.get(pi.latest_charge!)!
    charge.captured = true
    charge.amount_captured = captured
    // A partial capture releases the rest, which Stripe reports as refunded.
    charge.amount_refunded = charge.amount - captured
    pi.status = 'succeeded'
    pi.amount_received = captured
    pi.amount_capturable = 0
    pi.metadata = mergeMetadata(pi.metadata, update)
    this.emit('charge.captured', charge)
    this.emit('payment_intent.succeeded', pi)
    this.log(`payment intent ${pi.id} captured ${money(captured, pi.currency)}`)
    return this.renderIntent(pi, expand)
  }

  // ------------------------------------------------------------ terminal readers

  private addReader(id: string, label: string, serial: string, deviceType: string, location: string | null, meta: Metadata = {}): SimReader {
    if (this.readerStore.has(id)) throw new Error(`A reader with id ${id} is already registered`)
    const reader: SimReader = {
      id,
      object: 'terminal.reader',
      action: null,
      device_sw_version: '2.31.3.0',
      device_type: deviceType,
      ip_address: `192.168.1.${50 + this.readerStore.size}`,
      label,
      last_seen_at: Date.now(),
      livemode: false,
      location,
      metadata: meta,
      serial_number: serial,
      status: 'online'
    }
    this.readerStore.set(id, reader)
    return reader
  }

  private registerReader(params: Params): unknown {
    allowOnly(params, ['registration_code', 'label', 'location', 'metadata'])
    const code = requiredText(params, 'registration_code')
    const label = text(params, 'label')
    const location = text(params, 'location') ?? null
    const meta = mergeMetadata({}, metadata(params))
    const expand = expandParam(params)
    if (code !== 'simulated-wpe') throw invalidParam('registration_code', `The registration code '${code}' is invalid or has expired. This simulator registers 'simulated-wpe' only.`)
    // Stripe's own simulated WisePOS E reports itself as simulated_wisepos_e with a UUID serial.
    const serial = randomUUID()
    const reader = this.addReader(newId('tmr', 14), label || `Simulated WisePOS E ${serial.slice(0, 8)}`, serial, 'simulated_wisepos_e', location, meta)
    this.log(`reader ${reader.label} (${reader.id}) registered`)
    return this.renderReader(reader, expand)
  }

  private retrieveReader(id: string, params: Params): unknown {
    allowOnly(params, [])
    return this.renderReader(this.reader(id), expandParam(params))
  }

  private listReaders(params: Params): unknown {
    allowOnly(params, ['limit', 'starting_after', 'ending_before', 'status', 'device_type', 'location', 'serial_number'])
    const status = oneOf(params, 'status', ['online', 'offline'] as const)
    const deviceType = text(params, 'device_type')
    const location = text(params, 'location')
    const serial = text(params, 'serial_number')
    const expand = listExpand(params)
    const keep = (r: SimReader) => (status === undefined || r.status === status) && (deviceType === undefined || r.device_type === deviceType) && (location === undefined || r.location === location) && (serial === undefined || r.serial_number === serial)
    return this.page(this.readerStore.values(), params, '/v1/terminal/readers', (r) => this.renderReader(r, expand), keep)
  }

  private requireOnline(reader: SimReader): void {
    if (reader.status === 'offline') {
      throw refused('terminal_reader_offline', 'Reader is currently offline, please ensure the reader is powered on and connected to the internet before retrying your request. Reference the integration guide at https://docs.stripe.com/terminal/payments/collect-card-payment?terminal-sdk-platform=server-driven#reader-offline for details on how to handle this error.')
    }
  }

  private processPaymentIntent(readerId: string, params: Params): unknown {
    const reader = this.reader(readerId)
    allowOnly(params, ['payment_intent', 'process_config'])
    const pi = this.intent(requiredText(params, 'payment_intent'), 'payment_intent', 400)
    const config = params.process_config
    if (config !== undefined && (typeof config !== 'object' || Array.isArray(config))) throw invalidParam('process_config', 'Invalid object')
    const expand = expandParam(params)
    this.requireOnline(reader)
    // Stricter than Stripe, which lets a new payment replace one still waiting for a card: here the
    // client must cancel_action first, so a second payment can never silently displace the first.
    if (reader.action?.status === 'in_progress') {
      throw refused('terminal_reader_busy', 'Reader is currently busy processing another request. Please reference the integration guide at https://stripe.com/docs/terminal/payments/collect-card-payment?terminal-sdk-platform=server-driven#handle-errors for details on how to handle this error.')
    }
    if (pi.status !== 'requires_payment_method') {
      throw refused('intent_invalid_state', 'Payment intent must be in the requires_payment_method state to be processed by a reader.', { payment_intent: clone(pi) })
    }
    if (!pi.payment_method_types.includes('card_present')) {
      throw refused('payment_intent_incompatible_payment_method', `PaymentIntent ${pi.id} cannot be processed by a reader: its payment_method_types (${pi.payment_method_types.join(', ')}) must include card_present; create it with allowed_payment_method_types[]=card_present.`, { param: 'payment_intent' })
    }
    const action: ReaderAction = {
      type: 'process_payment_intent',
      status: 'in_progress',
      failure_code: null,
      failure_message: null,
      api_error: null,
      process_payment_intent: { payment_intent: pi.id, ...(config ? { process_config: config as Params } : {}) }
    }
    reader.action = action
    this.log(`reader ${reader.label} asks for ${money(pi.amount, pi.currency)} (${pi.id})`)
    if (this.autoPresentMs !== null) {
      this.later(this.autoPresentMs, () => {
        // The customer taps only if the reader is still up and still asking for this payment.
        if (reader.action === action && action.status === 'in_progress' && reader.status === 'online') this.present(reader, DEFAULT_CARD, 0)
      })
    }
    return this.renderReader(reader, expand)
  }

  private cancelAction(readerId: string, params: Params): unknown {
    const reader = this.reader(readerId)
    allowOnly(params, [])
    const expand = expandParam(params)
    this.requireOnline(reader)
    const action = reader.action
    if (!action || action.status !== 'in_progress') throw refused(undefined, `Reader ${reader.id} has no action in progress to cancel.`)
    // The intent stays requires_payment_method, ready for another attempt or to be canceled.
    this.failAction(reader, CANCELED_ACTION.code, CANCELED_ACTION.message, null)
    this.log(`reader ${reader.label}: action canceled`)
    return this.renderReader(reader, expand)
  }

  private presentPaymentMethod(readerId: string, params: Params): unknown {
    const reader = this.reader(readerId)
    allowOnly(params, ['amount_tip', 'card_present', 'type'])
    oneOf(params, 'type', ['card_present'] as const)
    const tip = integer(params, 'amount_tip') ?? 0
    if (tip < 0) throw invalidParam('amount_tip', 'amount_tip cannot be negative.')
    const cardPresent = params.card_present ?? {}
    if (typeof cardPresent !== 'object' || Array.isArray(cardPresent)) throw invalidParam('card_present', 'Invalid object')
    allowOnly(cardPresent as Params, ['number'], 'card_present')
    const number = text(cardPresent as Params, 'number', 'card_present[number]') ?? DEFAULT_CARD
    if (!/^\d{12,19}$/.test(number)) throw invalidParam('card_present[number]', 'Your card number is incorrect.', 'incorrect_number')
    const expand = expandParam(params)
    this.requireOnline(reader)
    if (reader.action?.status !== 'in_progress') throw refused(undefined, `Reader ${reader.id} has no action in progress; call process_payment_intent first.`)
    this.present(reader, number, tip)
    return this.renderReader(reader, expand)
  }

  /** Not Stripe's: takes a reader off the network (or back) over HTTP, as setReaderOnline does. */
  private setStatus(readerId: string, params: Params): unknown {
    const reader = this.reader(readerId)
    allowOnly(params, ['status'])
    const status = oneOf(params, 'status', ['online', 'offline'] as const)
    if (!status) throw invalidParam('status', 'Missing required param: status.', 'parameter_missing')
    this.setReaderOnline(reader.id, status === 'online')
    return this.renderReader(reader, expandParam(params))
  }

  /** The customer taps a card: the reader confirms the intent, and the issuer approves or declines. */
  private present(reader: SimReader, number: string, tip: number): void {
    const pi = this.intentStore.get(reader.action!.process_payment_intent.payment_intent)!
    if (pi.status !== 'requires_payment_method') {
      // The intent changed under the waiting reader (canceled, say), so the reader's confirm fails.
      const error: ErrorBody = { type: 'invalid_request_error', code: 'payment_intent_unexpected_state', message: `This PaymentIntent's status is ${pi.status}; the reader could not confirm it.` }
      this.failAction(reader, error.code!, error.message, error)
      return
    }
    const decline = DECLINES[number]
    const method: SimPaymentMethod = { id: newId('pm'), object: 'payment_method', type: 'card_present', card_present: cardDetails(number), created: now(), customer: null, livemode: false, metadata: {} }
    this.methodStore.set(method.id, method)
    if (!decline && tip > 0) {
      // An on-reader tip raises the amount authorized, as Stripe records it.
      pi.amount += tip
      pi.amount_details.tip.amount = tip
    }
    const charge = this.newCharge(pi, method, decline)
    pi.latest_charge = charge.id
    if (decline) {
      const error: ErrorBody = { type: 'card_error', code: decline.code, decline_code: decline.decline_code, message: decline.message, charge: charge.id, doc_url: docUrl(decline.code) }
      pi.last_payment_error = { ...error, payment_method: clone(method) }
      pi.payment_method = null
      this.emit('charge.failed', charge)
      this.emit('payment_intent.payment_failed', pi)
      this.failAction(reader, decline.code, decline.message, error)
      this.log(`reader ${reader.label}: card ending ${number.slice(-4)} declined (${decline.decline_code})`)
      return
    }
    pi.last_payment_error = null
    pi.payment_method = method.id
    this.emit('charge.succeeded', charge)
    if (pi.capture_method === 'manual') {
      pi.status = 'requires_capture'
      pi.amount_capturable = pi.amount
      this.emit('payment_intent.amount_capturable_updated', pi)
    } else {
      pi.status = 'succeeded'
      pi.amount_received = pi.amount
      this.emit('payment_intent.succeeded', pi)
    }
    reader.action!.status = 'succeeded'
    this.emit('terminal.reader.action_succeeded', this.renderReader(reader))
    this.log(`reader ${reader.label}: card ending ${number.slice(-4)} approved for ${money(pi.amount, pi.currency)}; ${pi.id} is ${pi.status}`)
  }

  private newCharge(pi: SimPaymentIntent, method: SimPaymentMethod, decline: (typeof DECLINES)[string] | undefined): SimCharge {
    const automatic = pi.capture_method !== 'manual'
    const charge: SimCharge = {
      id: newId('ch'),
      object: 'charge',
      amount: pi.amount,
      amount_captured: !decline && automatic ? pi.amount : 0,
      amount_refunded: 0,
      balance_transaction: null,
      captured: !decline && automatic,
      created: now(),
      currency: pi.currency,
      description: pi.description,
      failure_code: decline?.code ?? null,
      failure_message: decline?.message ?? null,
      livemode: false,
      metadata: { ...pi.metadata },
      outcome: decline
        ? { network_status: 'declined_by_network', reason: decline.decline_code, risk_level: 'normal', seller_message: 'The bank did not return any further details with this decline.', type: 'issuer_declined' }
        : { network_status: 'approved_by_network', reason: null, risk_level: 'normal', seller_message: 'Payment complete.', type: 'authorized' },
      paid: !decline,
      payment_intent: pi.id,
      payment_method: method.id,
      payment_method_details: { type: 'card_present', card_present: clone(method.card_present) },
      receipt_email: pi.receipt_email,
      refunded: false,
      status: decline ? 'failed' : 'succeeded'
    }
    this.chargeStore.set(charge.id, charge)
    return charge
  }

  private failAction(reader: SimReader, code: string, message: string, apiError: ErrorBody | null): void {
    const action = reader.action!
    action.status = 'failed'
    action.failure_code = code
    action.failure_message = message
    action.api_error = apiError
    this.emit('terminal.reader.action_failed', this.renderReader(reader))
  }

  // ------------------------------------------------------------ refunds and charges

  private createRefund(params: Params): unknown {
    allowOnly(params, ['payment_intent', 'charge', 'amount', 'reason', 'metadata'])
    const piId = text(params, 'payment_intent')
    const chargeId = text(params, 'charge')
    const requested = amount(params, 'amount', false)
    const reason = oneOf(params, 'reason', ['duplicate', 'fraudulent', 'requested_by_customer'] as const)
    const meta = mergeMetadata({}, metadata(params))
    const expand = expandParam(params)
    if (!piId && !chargeId) throw invalidParam(undefined, 'One of the following params should be provided for this request: payment_intent or charge.')
    const charge = this.refundableCharge(piId, chargeId)
    const remaining = charge.amount - charge.amount_refunded
    if (remaining === 0) throw refused('charge_already_refunded', `Charge ${charge.id} has already been refunded.`, { charge: charge.id })
    const value = requested ?? remaining
    if (value > remaining) throw refused('amount_too_large', `Refund amount (${money(value, charge.currency)}) is greater than unrefunded amount on charge (${money(remaining, charge.currency)})`, { param: 'amount', charge: charge.id })
    const refund: SimRefund = { id: newId('re'), object: 'refund', amount: value, balance_transaction: null, charge: charge.id, created: now(), currency: charge.currency, metadata: meta, payment_intent: charge.payment_intent, reason: reason ?? null, receipt_number: null, status: 'succeeded' }
    this.refundStore.set(refund.id, refund)
    charge.amount_refunded += value
    charge.refunded = charge.amount_refunded === charge.amount
    this.emit('refund.created', refund)
    this.emit('charge.refunded', charge)
    this.log(`refund ${refund.id}: ${money(value, charge.currency)} of ${charge.payment_intent}`)
    return this.render('refund', refund, expand)
  }

  /** The captured charge a refund may draw on; an authorization must be canceled instead. */
  private refundableCharge(piId: string | undefined, chargeId: string | undefined): SimCharge {
    if (piId) {
      const pi = this.intent(piId, 'payment_intent', 400)
      if (pi.status !== 'succeeded' || !pi.latest_charge) {
        const why = pi.status === 'requires_capture' ? 'has not been captured; cancel it to release the authorization instead' : `does not have a successful charge to refund (status ${pi.status})`
        throw refused('charge_not_refundable', `This PaymentIntent (${pi.id}) ${why}.`, { param: 'payment_intent' })
      }
      if (chargeId && chargeId !== pi.latest_charge) throw invalidParam('charge', `Charge ${chargeId} is not the charge of PaymentIntent ${pi.id}.`)
      return this.chargeStore.get(pi.latest_charge)!
    }
    const charge = this.chargeStore.get(chargeId!)
    if (!charge) throw noSuch('charge', chargeId!, 'charge', 400)
    if (charge.status !== 'succeeded' || !charge.captured) {
      const why = charge.status === 'failed' ? 'failed' : 'has not been captured; cancel its PaymentIntent to release the authorization instead'
      throw refused('charge_not_refundable', `Charge ${charge.id} ${why}.`, { param: 'charge', charge: charge.id })
    }
    return charge
  }

  private listRefunds(params: Params): unknown {
    allowOnly(params, ['payment_intent', 'charge', 'created', 'limit', 'starting_after', 'ending_before'])
    const piId = text(params, 'payment_intent')
    const chargeId = text(params, 'charge')
    const inRange = createdFilter(params)
    const expand = listExpand(params)
    const keep = (r: SimRefund) => (piId === undefined || r.payment_intent === piId) && (chargeId === undefined || r.charge === chargeId) && inRange(r.created)
    return this.page(this.refundStore.values(), params, '/v1/refunds', (r) => this.render('refund', r, expand), keep)
  }

  private listCharges(params: Params): unknown {
    allowOnly(params, ['payment_intent', 'created', 'limit', 'starting_after', 'ending_before'])
    const piId = text(params, 'payment_intent')
    const inRange = createdFilter(params)
    const expand = listExpand(params)
    return this.page(this.chargeStore.values(), params, '/v1/charges', (c) => this.render('charge', c, expand), (c) => (piId === undefined || c.payment_intent === piId) && inRange(c.created))
  }

  private listEvents(params: Params): unknown {
    allowOnly(params, ['type', 'types', 'created', 'limit', 'starting_after', 'ending_before', 'delivery_success'])
    const type = text(params, 'type')
    const types = params.types
    if (types !== undefined && (!Array.isArray(types) || types.some((t) => typeof t !== 'string'))) throw invalidParam('types', 'Invalid array')
    const inRange = createdFilter(params)
    // `type` may end in `.*`, as Stripe's filter allows.
    const matches = (t: string) => (type === undefined || (type.endsWith('.*') ? t.startsWith(type.slice(0, -1)) : t === type)) && (types === undefined || (types as string[]).includes(t))
    return this.page(this.eventStore.values(), params, '/v1/events', clone, (e) => matches(e.type) && inRange(e.created))
  }
}
