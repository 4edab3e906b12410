import { useState, type ReactNode } from 'react'
import { ActionIcon, Button, NumberInput, Select, SimpleGrid, Stack, Table, Text, TextInput } from '@mantine/core'
import { IconPlus, IconTrash } from '@tabler/icons-react'
import type { CatalogTest, LabProfile } from '../../../src-preload/contract'

/** Field errors keyed by their path inside the lab profile, e.g. "catalog.0.code". */
export type ProfileErrors = Record<string, string>

/**
 * Local edit state derived from a value, rebuilt only when the value changes from outside (say, JSON
 * pasted in the other view). It lets a row exist while it cannot be part of the value yet, such as a
 * code map row whose analyzer code is still blank.
 */
export function useDerivedDraft<V, D>(value: V, toDraft: (v: V) => D): [D, (draft: D, emitted: V) => void] {
  const [draft, setDraft] = useState(() => toDraft(value))
  const [seen, setSeen] = useState(value)
  if (!Object.is(value, seen)) {
    setSeen(value)
    setDraft(toDraft(value))
  }
  return [
    draft,
    (d, emitted) => {
      setDraft(d)
      setSeen(emitted)
    }
  ]
}

/**
 * A table of editable rows: a header, a line saying what an empty table means, a remove button on
 * each row and an add button under it. Test ids: <testId>-table, -row, -remove, -add.
 */
function EditableTable({ testId, columns, empty, addLabel, onAdd, rows }: { testId: string; columns: { label: string; w?: number }[]; empty: string; addLabel: string; onAdd: () => void; rows: { cells: ReactNode[]; removeLabel: string; onRemove: () => void }[] }) {
  return (
    <Stack gap="xs">
      <Table layout="fixed" verticalSpacing={6} horizontalSpacing="xs" data-testid={`${testId}-table`}>
        <Table.Thead>
          <Table.Tr>
            {columns.map((c) => (
              <Table.Th key={c.label} w={c.w}>
                {c.label}
              </Table.Th>
            ))}
            <Table.Th w={40} />
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.length === 0 && (
            <Table.Tr>
              <Table.Td colSpan={columns.length + 1}>
                <Text c="dimmed" size="sm">
                  {empty}
                </Text>
              </Table.Td>
            </Table.Tr>
          )}
          {rows.map((r, i) => (
            // Rows have no id of their own; the index matches the server's error paths (catalog.N.code).
            <Table.Tr key={i} data-testid={`${testId}-row`} style={{ verticalAlign: 'top' }}>
              {r.cells.map((cell, k) => (
                <Table.Td key={k}>{cell}</Table.Td>
              ))}
              <Table.Td>
                <ActionIcon variant="subtle" color="gray" mt={4} aria-label={r.removeLabel} onClick={r.onRemove} data-testid={`${testId}-remove`}>
                  <IconTrash size={16} />
                </ActionIcon>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <Button variant="subtle" size="xs" w="fit-content" leftSection={<IconPlus size={14} />} onClick={onAdd} data-testid={`${testId}-add`}>
        {addLabel}
      </Button>
    </Stack>
  )
}

const KIND_OPTIONS = [
  { value: 'panel', label: 'Panel' },
  { value: 'test', label: 'Test' }
]

/** The tests the lab offers, one editable row each; the code is what goes in the order (OBR-4). */
export function CatalogTable({ catalog, onChange, errors }: { catalog: CatalogTest[]; onChange: (c: CatalogTest[]) => void; errors: ProfileErrors }) {
  const edit = (i: number, patch: Partial<CatalogTest>) => {
    onChange(
      catalog.map((t, j) => {
        if (j !== i) return t
        const next = { ...t, ...patch }
        // An empty specimen is left out rather than stored as "".
        if (!next.specimen) delete next.specimen
        return next
      })
    )
  }
  const err = (i: number, f: keyof CatalogTest) => errors[`catalog.${i}.${f}`]
  return (
    <EditableTable
      testId="catalog"
      columns={[{ label: 'Code', w: 140 }, { label: 'Name' }, { label: 'Specimen', w: 180 }, { label: 'Kind', w: 110 }]}
      empty="No tests yet: nothing can be ordered from this lab."
      addLabel="Add test"
      onAdd={() => onChange([...catalog, { code: '', name: '', kind: 'test' }])}
      rows={catalog.map((t, i) => ({
        removeLabel: `Remove ${t.code || 'test'}`,
        onRemove: () => onChange(catalog.filter((_, j) => j !== i)),
        cells: [
          <TextInput key="code" aria-label="Code" value={t.code} maxLength={40} onChange={(e) => edit(i, { code: e.currentTarget.value })} error={err(i, 'code')} data-testid="catalog-code" />,
          <TextInput key="name" aria-label="Name" value={t.name} maxLength={120} onChange={(e) => edit(i, { name: e.currentTarget.value })} error={err(i, 'name')} data-testid="catalog-name" />,
          <TextInput key="specimen" aria-label="Specimen" value={t.specimen ?? ''} maxLength={60} onChange={(e) => edit(i, { specimen: e.currentTarget.value })} error={err(i, 'specimen')} data-testid="catalog-specimen" />,
          <Select key="kind" aria-label="Kind" data={KIND_OPTIONS} value={t.kind} allowDeselect={false} onChange={(v) => edit(i, { kind: v as CatalogTest['kind'] })} error={err(i, 'kind')} data-testid="catalog-kind" />
        ]
      }))}
    />
  )
}

type CodeMap = NonNullable<LabProfile['codeMap']>
type CodeRow = { from: string; code: string; name: string }

const toRows = (m: CodeMap | undefined): CodeRow[] => Object.entries(m ?? {}).map(([from, to]) => ({ from, ...to }))

/** Rows with a blank analyzer code stay on screen but are not part of the map; the first of duplicates wins. */
function fromRows(rows: CodeRow[]): CodeMap | undefined {
  const out: CodeMap = {}
  for (const r of rows) {
    const from = r.from.trim()
    if (from && !(from in out)) out[from] = { code: r.code, name: r.name }
  }
  return Object.keys(out).length ? out : undefined
}

/** An analyzer's result codes → the clinic's code and name, so trends line up across instruments. */
export function CodeMapTable({ codeMap, onChange, errors }: { codeMap: CodeMap | undefined; onChange: (m: CodeMap | undefined) => void; errors: ProfileErrors }) {
  const [rows, setRows] = useDerivedDraft(codeMap, toRows)
  const commit = (next: CodeRow[]) => {
    const map = fromRows(next)
    setRows(next, map)
    onChange(map)
  }
  const edit = (i: number, patch: Partial<CodeRow>) => commit(rows.map((r, j) => (j === i ? { ...r, ...patch } : r)))
  const rowError = (i: number): string | undefined => {
    const from = rows[i].from.trim()
    if (!from) return rows[i].code || rows[i].name ? 'Needs the analyzer code, or it is not saved' : undefined
    if (rows.findIndex((r) => r.from.trim() === from) !== i) return 'This analyzer code is already mapped above'
    return errors[`codeMap.${from}`]
  }
  return (
    <EditableTable
      testId="codemap"
      columns={[{ label: 'Code it sends', w: 150 }, { label: 'Clinic code', w: 150 }, { label: 'Clinic name' }]}
      empty="No mappings: results keep the analyzer's own codes."
      addLabel="Add mapping"
      onAdd={() => setRows([...rows, { from: '', code: '', name: '' }], codeMap)}
      rows={rows.map((r, i) => {
        const from = r.from.trim()
        return {
          removeLabel: `Remove ${r.from || 'mapping'}`,
          onRemove: () => commit(rows.filter((_, j) => j !== i)),
          cells: [
            <TextInput key="from" aria-label="Code it sends" value={r.from} onChange={(e) => edit(i, { from: e.currentTarget.value })} error={rowError(i)} data-testid="codemap-from" />,
            <TextInput key="code" aria-label="Clinic code" value={r.code} maxLength={40} onChange={(e) => edit(i, { code: e.currentTarget.value })} error={from ? errors[`codeMap.${from}.code`] : undefined} data-testid="codemap-code" />,
            <TextInput key="name" aria-label="Clinic name" value={r.name} maxLength={120} onChange={(e) => edit(i, { name: e.currentTarget.value })} error={from ? errors[`codeMap.${from}.name`] : undefined} data-testid="codemap-name" />
          ]
        }
      })}
    />
  )
}

/**
 * The positions VetOS reads, grouped by ASTM record, with the standard's positions as placeholders.
 * The renderer cannot import src-main, so these mirror STANDARD_PROFILE in src-main/astm/records.ts.
 */
export const ASTM_FIELD_GROUPS: { record: string; fields: { name: string; label: string; standard: number }[] }[] = [
  {
    record: 'Patient (P) record',
    fields: [
      { name: 'patientIdField', label: 'Patient id', standard: 3 },
      { name: 'patientNameField', label: 'Name', standard: 6 },
      { name: 'patientDobField', label: 'Date of birth', standard: 8 },
      { name: 'patientSexField', label: 'Sex', standard: 9 },
      // The standard has no species field; an analyzer that writes one is read there once it is set.
      { name: 'patientSpeciesField', label: 'Species', standard: 0 }
    ]
  },
  { record: 'Order (O) record', fields: [{ name: 'sampleIdField', label: 'Sample id', standard: 3 }] },
  {
    record: 'Result (R) record',
    fields: [
      { name: 'resultCodeField', label: 'Test code', standard: 3 },
      { name: 'resultCodeComponent', label: 'Code component', standard: 4 },
      { name: 'resultValueField', label: 'Value', standard: 4 },
      { name: 'resultUnitsField', label: 'Units', standard: 5 },
      { name: 'resultRangeField', label: 'Reference range', standard: 6 },
      { name: 'resultFlagField', label: 'Flag', standard: 7 },
      { name: 'resultStatusField', label: 'Status', standard: 9 },
      { name: 'resultTimeField', label: 'Time', standard: 13 },
      { name: 'resultInstrumentField', label: 'Instrument', standard: 14 }
    ]
  }
]
const KNOWN_ASTM_FIELDS = new Set(ASTM_FIELD_GROUPS.flatMap((g) => g.fields.map((f) => f.name)))

type AstmFields = NonNullable<LabProfile['astmFields']>

/** Only positions that differ from the standard need a value; a blank field reads the standard one. */
export function AstmFieldsGrid({ fields, onChange, errors }: { fields: AstmFields | undefined; onChange: (f: AstmFields | undefined) => void; errors: ProfileErrors }) {
  const current = (fields ?? {}) as Record<string, number | undefined>
  const set = (name: string, v: string | number) => {
    const next = { ...current }
    if (typeof v === 'number') next[name] = v
    else delete next[name]
    onChange(Object.keys(next).length ? (next as AstmFields) : undefined)
  }
  // Names VetOS does not read are kept (and shown) so that nothing pasted as JSON is silently dropped.
  const unknown = Object.keys(fields ?? {}).filter((n) => !KNOWN_ASTM_FIELDS.has(n))
  const groups = unknown.length ? [...ASTM_FIELD_GROUPS, { record: 'Not read by VetOS', fields: unknown.map((name) => ({ name, label: name, standard: 0 })) }] : ASTM_FIELD_GROUPS
  return (
    <Stack gap="sm">
      {groups.map((g) => (
        <div key={g.record}>
          <Text size="sm" fw={600} c="dimmed" mb={4}>
            {g.record}
          </Text>
          <SimpleGrid cols={5} spacing="xs" verticalSpacing="xs">
            {g.fields.map((f) => (
              <NumberInput
                key={f.name}
                label={f.label}
                placeholder={f.standard ? String(f.standard) : undefined}
                value={current[f.name] ?? ''}
                onChange={(v) => set(f.name, v)}
                min={f.standard ? 1 : 0}
                max={40}
                allowDecimal={false}
                allowNegative={false}
                error={errors[`astmFields.${f.name}`]}
                data-testid={`astm-field-${f.name}`}
              />
            ))}
          </SimpleGrid>
        </div>
      ))}
    </Stack>
  )
}
