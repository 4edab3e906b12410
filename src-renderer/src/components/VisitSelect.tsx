import { Select } from '@mantine/core'
import type { Visit } from '../../../src-preload/contract'
import { date } from '../format'

/** Which visit something belongs to (an imaging request, an imported file); none is allowed. */
export function VisitSelect({ visits, value, onChange }: { visits: Visit[]; value: string | null; onChange: (id: string | null) => void }) {
  return (
    <Select
      label="Visit"
      placeholder="Not linked to a visit"
      clearable
      value={value}
      onChange={onChange}
      data={visits.slice(0, 30).map((v) => ({ value: v.id, label: `${date(v.startedAt ?? v.scheduledAt ?? v.createdAt)} · ${v.reason}` }))}
    />
  )
}
