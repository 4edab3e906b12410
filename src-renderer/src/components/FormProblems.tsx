import { Alert, List } from '@mantine/core'
import { formProblems } from './forms'

type Refusal = Parameters<typeof formProblems>[0]

/**
 * Above a form's buttons: every problem of a refusal that no field of the form shows (`fields` are
 * the ones it shows beside), so none is lost when others sit beside their fields.
 */
export function FormProblems({ error, fields }: { error: Refusal; fields: readonly string[] }) {
  const { general } = formProblems(error, fields)
  if (!general.length) return null
  return (
    <Alert color="red" data-testid="form-problems">
      {general.length === 1 ? (
        general[0]
      ) : (
        <List size="sm">
          {general.map((g) => (
            <List.Item key={g}>{g}</List.Item>
          ))}
        </List>
      )}
    </Alert>
  )
}
