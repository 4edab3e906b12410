import { Area, ComposedChart, Line, ResponsiveContainer, Tooltip, XAxis, YAxis, CartesianGrid } from 'recharts'
import { Loader, Text } from '@mantine/core'
import { useCall } from '../api/hooks'
import { date } from '../format'

/** One analyte across visits, the reference range drawn as a band behind the values. */
export function TrendChart({ patientId, code, name }: { patientId: string; code: string; name: string }) {
  const trend = useCall('labs.trend', { patientId, code })
  if (trend.isLoading) return <Loader />
  const points = (trend.data ?? []).map((p) => ({ t: Date.parse(p.observedAt), value: p.value, band: p.refLow !== null && p.refHigh !== null ? [p.refLow, p.refHigh] : null, flag: p.flag }))
  if (points.length === 0) return <Text c="dimmed">No numeric values for {name} yet.</Text>
  const units = trend.data![0].units ?? ''
  // Keep the reference band in view even when every value sits far from it.
  const all = points.flatMap((p) => [p.value, ...(p.band ?? [])])
  const span = Math.max(...all) - Math.min(...all) || Math.abs(all[0]) || 1
  const domain = [Math.max(0, Math.min(...all) - span * 0.1), Math.max(...all) + span * 0.1]
  return (
    <div data-testid="trend-chart" style={{ width: '100%', height: 280 }}>
      <ResponsiveContainer>
        <ComposedChart data={points} margin={{ top: 10, right: 20, bottom: 10, left: 0 }}>
          <CartesianGrid stroke="#e9ecef" />
          <XAxis dataKey="t" type="number" scale="time" domain={['dataMin', 'dataMax']} tickFormatter={(t: number) => date(new Date(t).toISOString())} fontSize={12} />
          <YAxis fontSize={12} domain={domain} tickFormatter={(v: number) => String(Number(v.toPrecision(3)))} label={{ value: units, angle: -90, position: 'insideLeft', fontSize: 12 }} />
          <Tooltip labelFormatter={(t) => date(new Date(Number(t)).toISOString())} formatter={(v, key) => (key === 'band' && Array.isArray(v) ? [`${v[0]}–${v[1]} ${units}`, 'reference'] : [`${v} ${units}`, name])} />
          <Area dataKey="band" stroke="none" fill="#b2f2bb" fillOpacity={0.6} isAnimationActive={false} connectNulls />
          <Line dataKey="value" stroke="#087f5b" strokeWidth={2} dot={{ r: 4 }} isAnimationActive={false} />
        </ComposedChart>
      </ResponsiveContainer>
    </div>
  )
}
