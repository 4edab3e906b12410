import { Alert, Center, Code, Stack, Text, Title } from '@mantine/core'

/** Opened without the hub's token: say how to get in rather than showing a broken app. */
export function NoHost() {
  return (
    <Center h="100vh">
      <Stack maw={560}>
        <Title order={2}>VetOS</Title>
        <Alert color="yellow" title="This page needs the hub’s access link">
          <Text size="sm">
            Open the address the hub printed when it started; it ends in <Code>?token=…</Code>. Start the hub with <Code>npm start</Code> or{' '}
            <Code>npm run hub -- --data-dir DIR</Code>.
          </Text>
        </Alert>
      </Stack>
    </Center>
  )
}
