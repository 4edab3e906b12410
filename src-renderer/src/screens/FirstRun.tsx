import { useEffect, useState } from 'react'
import { Alert, Button, Center, Code, Group, Paper, SimpleGrid, Stack, Text, TextInput, Title } from '@mantine/core'
import { useApi, useCall } from '../api/hooks'
import type { ApiClientError } from '../api/client'

/**
 * A new workstation's first start: join the clinic through its server (the usual case for a
 * second PC), or start a new clinic on this one. Nothing else answers until one is chosen.
 */
export function FirstRun() {
  const api = useApi()
  /** when the join was sent: only answers fetched after it say whether it is still going */
  const [joiningSince, setJoiningSince] = useState<number | null>(null)
  const joining = joiningSince !== null
  const [newPin, setNewPin] = useState<string | null>(null)
  // Asked again while the workstation opens its clinic, joined or new.
  const state = useCall('setup.state', {}, { refetchInterval: joining || newPin ? 500 : false })
  const [serverUrl, setServerUrl] = useState('')
  const [code, setCode] = useState('')
  const [name, setName] = useState('')
  const [errors, setErrors] = useState<Record<string, string>>({})
  const [busy, setBusy] = useState(false)

  const step = state.data?.step
  const fresh = joiningSince === null || state.dataUpdatedAt > joiningSince
  useEffect(() => {
    // The app behind this window now has its clinic: start over at sign-in.
    if (step === 'ready' && !newPin) window.location.reload()
  }, [step, newPin])
  useEffect(() => {
    // The server refused (or could not be reached): the choice is open again, with the reason.
    if (joining && fresh && step === 'choose') setJoiningSince(null)
  }, [joining, fresh, step])
  const reason = joining ? null : (state.data?.error ?? null)
  const serverError = reason && reason.charAt(0).toUpperCase() + reason.slice(1)

  const join = async (e: React.FormEvent) => {
    e.preventDefault()
    setErrors({})
    try {
      setJoiningSince(Date.now())
      await api.call('setup.join', { serverUrl: serverUrl.trim(), code: code.trim(), workstationName: name.trim() })
    } catch (err) {
      setJoiningSince(null)
      const issues = (err as ApiClientError).issues ?? []
      if (issues.length === 0) setErrors({ form: (err as ApiClientError).message })
      else setErrors(Object.fromEntries(issues.map((i) => [i.path, plain(i.path, i.message)])))
    }
  }

  const startNew = async () => {
    setBusy(true)
    try {
      setNewPin((await api.call('setup.startNew', {})).adminPin)
    } catch (err) {
      setErrors({ form: (err as ApiClientError).message })
    } finally {
      setBusy(false)
    }
  }

  if (newPin) {
    return (
      <Center h="100vh">
        <Paper withBorder shadow="sm" p="xl" w={460}>
          <Stack>
            <Title order={2}>Your new clinic</Title>
            <Text>Sign in as Administrator with this PIN. It is shown only once: write it down, then change it in Settings.</Text>
            <Code fz={28} ta="center" data-testid="first-run-pin">
              {newPin}
            </Code>
            <Button onClick={() => window.location.reload()} disabled={step !== 'ready'} loading={step !== 'ready'}>
              Continue to sign in
            </Button>
          </Stack>
        </Paper>
      </Center>
    )
  }

  return (
    <Center h="100vh">
      <Paper withBorder shadow="sm" p="xl" w={820}>
        <Stack>
          <div>
            <Title order={2}>Welcome to VetOS</Title>
            <Text c="dimmed">This workstation is new. Does your clinic already use VetOS?</Text>
          </div>
          <SimpleGrid cols={2} spacing="xl">
            <form onSubmit={join} data-testid="first-run-join">
              <Stack gap="sm">
                <Title order={4}>Join your clinic</Title>
                <Text size="sm" c="dimmed">
                  Your administrator gives you the clinic server’s address and an enrollment code (made with <Code>npm run server:enroll</Code>).
                </Text>
                <TextInput label="Clinic server address" placeholder="https://vetos-server:8788" value={serverUrl} onChange={(e) => setServerUrl(e.currentTarget.value)} error={errors.serverUrl} required autoFocus />
                <TextInput label="Enrollment code" placeholder="XXXX-XXXX-XXXX" value={code} onChange={(e) => setCode(e.currentTarget.value)} error={errors.code} required />
                <TextInput label="This workstation’s name" placeholder="Front desk" description="How administrators will see it in Settings → Workstations" value={name} onChange={(e) => setName(e.currentTarget.value)} error={errors.workstationName} required />
                {serverError && (
                  <Alert color="red" role="alert">
                    {serverError}
                  </Alert>
                )}
                <Button type="submit" loading={joining}>
                  {joining ? 'Joining…' : 'Join the clinic'}
                </Button>
              </Stack>
            </form>
            <Stack gap="sm">
              <Title order={4}>Start a new clinic</Title>
              <Text size="sm" c="dimmed">
                For a clinic’s first workstation, or one that works on its own. You become its administrator; other workstations can join it later through a clinic server.
              </Text>
              <Group mt="auto">
                <Button variant="default" onClick={startNew} loading={busy} disabled={joining}>
                  Start a new clinic
                </Button>
              </Group>
            </Stack>
          </SimpleGrid>
          {errors.form && (
            <Alert color="red" role="alert">
              {errors.form}
            </Alert>
          )}
        </Stack>
      </Paper>
    </Center>
  )
}

/** Schema wording in the words of the form. */
function plain(field: string, message: string): string {
  if (field === 'serverUrl') return 'Type the server’s address as your administrator gave it, such as https://vetos-server:8788'
  if (/at least|empty|required/i.test(message)) return 'Required'
  return message
}
