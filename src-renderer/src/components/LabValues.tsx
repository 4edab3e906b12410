import { Badge, Table, Text, Tooltip } from '@mantine/core'
import type { LabObservation } from '../../../src-preload/contract'

const FLAG_LABEL: Record<string, string> = { H: 'High', L: 'Low', HH: 'Critical high', LL: 'Critical low', A: 'Abnormal', AA: 'Critical', '<': 'Below limit', '>': 'Above limit', N: '' }
export const isCriticalFlag = (f: string | null) => f === 'HH' || f === 'LL' || f === 'AA'
export const isAbnormalFlag = (f: string | null) => !!f && f !== 'N'

export function flagColor(flag: string | null): string | undefined {
  if (isCriticalFlag(flag)) return 'red'
  if (isAbnormalFlag(flag)) return 'orange'
  return undefined
}

export function formatValue(o: Pick<LabObservation, 'valueNum' | 'valueText'>): string {
  return o.valueNum !== null ? String(o.valueNum) : (o.valueText ?? '')
}

/** Values as a vet reads them: out-of-range values stand out, critical ones most. */
export function LabValues({ observations, onTrend, showHistory = false }: { observations: LabObservation[]; onTrend?: (code: string, name: string) => void; showHistory?: boolean }) {
  const rows = observations.filter((o) => showHistory || !o.superseded)
  return (
    <Table verticalSpacing={4} fz="sm" data-testid="lab-values">
      <Table.Thead>
        <Table.Tr>
          <Table.Th>Test</Table.Th>
          <Table.Th ta="right">Result</Table.Th>
          <Table.Th>Units</Table.Th>
          <Table.Th>Reference</Table.Th>
          <Table.Th>Flag</Table.Th>
          <Table.Th />
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {rows.map((o) => {
          const color = flagColor(o.flag)
          return (
            <Table.Tr key={o.id} style={{ textDecoration: o.superseded ? 'line-through' : undefined, opacity: o.superseded ? 0.55 : 1 }} bg={isCriticalFlag(o.flag) && !o.superseded ? 'red.0' : undefined}>
              <Table.Td>
                {onTrend && o.valueNum !== null ? (
                  <Text size="sm" c="teal.8" style={{ cursor: 'pointer' }} onClick={() => onTrend(o.code, o.name)} title="Show the trend">
                    {o.name}
                  </Text>
                ) : (
                  <Text size="sm">{o.name}</Text>
                )}
              </Table.Td>
              <Table.Td ta="right">
                <Text size="sm" fw={color ? 700 : 500} c={color}>
                  {formatValue(o)}
                </Text>
              </Table.Td>
              <Table.Td>
                <Text size="sm" c="dimmed">
                  {o.units}
                </Text>
              </Table.Td>
              <Table.Td>
                <Text size="sm" c="dimmed">
                  {o.refRange}
                </Text>
              </Table.Td>
              <Table.Td>
                {o.flag && o.flag !== 'N' && (
                  <Tooltip label={FLAG_LABEL[o.flag] ?? o.flag}>
                    <Badge size="sm" color={color} variant={isCriticalFlag(o.flag) ? 'filled' : 'light'}>
                      {o.flag}
                    </Badge>
                  </Tooltip>
                )}
              </Table.Td>
              <Table.Td>
                {o.status === 'P' && <Badge size="xs" variant="outline" color="gray">preliminary</Badge>}
                {o.status === 'C' && <Badge size="xs" variant="outline" color="blue">corrected</Badge>}
                {o.superseded && <Badge size="xs" variant="outline" color="gray">replaced</Badge>}
              </Table.Td>
            </Table.Tr>
          )
        })}
      </Table.Tbody>
    </Table>
  )
}
