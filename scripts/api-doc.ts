/**
 * docs/API.md is generated from the contract so it cannot drift: `npm run docs:api` writes it,
 * and a test fails when it is out of date.
 */
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { z } from 'zod'
import { contract, ERROR_CODES, METHOD_NAMES } from '../src-preload/contract'

type Schema = { type?: string | string[]; properties?: Record<string, Schema>; required?: string[]; items?: Schema; enum?: unknown[]; anyOf?: Schema[]; format?: string; const?: unknown; minimum?: number; maximum?: number; default?: unknown; additionalProperties?: Schema | boolean }

function typeOf(s: Schema): string {
  if (s.enum) return s.enum.map((v) => JSON.stringify(v)).join(' \\| ')
  if (s.const !== undefined) return JSON.stringify(s.const)
  if (s.anyOf) return [...new Set(s.anyOf.map(typeOf))].join(' \\| ')
  if (s.type === 'array') return `${s.items ? typeOf(s.items) : 'unknown'}[]`
  if (s.type === 'object' && s.properties) return `{ ${Object.entries(s.properties).map(([k, v]) => `${k}${s.required?.includes(k) ? '' : '?'}: ${typeOf(v)}`).join(', ')} }`
  if (s.type === 'object' && typeof s.additionalProperties === 'object') return `Record<string, ${typeOf(s.additionalProperties)}>`
  const base = Array.isArray(s.type) ? s.type.join(' \\| ') : (s.type ?? 'unknown')
  return s.format ? `${base} (${s.format})` : base
}

function params(schema: z.ZodType): string {
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Schema
  const props = Object.entries(json.properties ?? {})
  if (props.length === 0) return '_none_'
  return props
    .map(([name, s]) => {
      const required = json.required?.includes(name) && s.default === undefined
      return `\`${name}\`${required ? '' : '?'}: ${typeOf(s)}${s.default !== undefined ? ` = ${JSON.stringify(s.default)}` : ''}`
    })
    .join('<br>')
}

function output(schema: z.ZodType): string {
  const json = z.toJSONSchema(schema, { io: 'output', unrepresentable: 'any' }) as Schema
  const t = typeOf(json)
  return t.length > 160 ? `${t.slice(0, 157)}…` : t
}

export function renderApiDoc(): string {
  const lines = [
    '# VetOS API',
    '',
    '<!-- Generated from src-preload/contract/ by `npm run docs:api`; do not edit by hand. -->',
    '',
    'One contract serves both hosts. In Electron the renderer calls `window.vetos.invoke(method, input, sessionToken)` (the preload bridge).',
    'On the headless hub it calls `POST /api/<method>` with a JSON body and `Authorization: Bearer <token>`, where the token is',
    'the hub token printed at start (only for the methods marked _public_) or the session token returned by `auth.login`.',
    'Every input is validated against its schema before anything runs; unknown fields are refused.',
    '',
    'Every answer is `{ "ok": true, "result": … }` or `{ "ok": false, "error": { "code", "message", "issues"? } }`.',
    `Error codes: ${ERROR_CODES.map((c) => `\`${c}\``).join(', ')}. On the hub they map to HTTP 400, 404, 401, 403, 404, 409, 403 and 500.`,
    '',
    'Live events arrive on the WebSocket `GET /api/events?token=<session token>` (IPC in Electron) as `{ "type", "payload" }`:',
    '`notification` (a new notification for the signed-in user) and `changed` (`{ entity, id, patientId? }`, a record changed).',
    '',
    '| Method | Who may call | Parameters | Returns | What it does |',
    '| --- | --- | --- | --- | --- |'
  ]
  for (const name of METHOD_NAMES) {
    const def = contract[name]
    const who = def.access === 'public' ? '_public_' : def.access === 'any' ? 'any signed-in staff' : (def.access as readonly string[]).join(', ')
    lines.push(`| \`${name}\` | ${who} | ${params(def.input)} | ${output(def.output)} | ${def.description} |`)
  }
  return lines.join('\n') + '\n'
}

if (process.argv.includes('--write')) {
  writeFileSync(join(import.meta.dirname, '..', 'docs', 'API.md'), renderApiDoc())
  console.log('docs/API.md written')
}
