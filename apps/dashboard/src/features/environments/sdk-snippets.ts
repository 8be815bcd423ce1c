/** "Use it from your code": the Flagsmith SDKs pointed at this server, for the snippet tabs. */
export interface Snippet {
  id: string;
  label: string;
  code: string;
}

export function sdkSnippets(apiUrl: string, clientKey: string, serverKey: string | undefined): Snippet[] {
  const server = serverKey ?? 'ser.<create a server-side key above>';
  return [
    {
      id: 'js',
      label: 'JavaScript (browser)',
      code: `import flagsmith from 'flagsmith';

await flagsmith.init({
  environmentID: '${clientKey}',
  api: '${apiUrl}',
});
if (flagsmith.hasFeature('new_checkout')) {
  // …
}`,
    },
    {
      id: 'node',
      label: 'Node.js (server)',
      code: `import { Flagsmith } from 'flagsmith-nodejs';

const flagsmith = new Flagsmith({
  environmentKey: '${server}',
  apiUrl: '${apiUrl}',
});
const flags = await flagsmith.getIdentityFlags('user-123', { plan: 'pro' });
flags.isFeatureEnabled('new_checkout');`,
    },
    {
      id: 'python',
      label: 'Python (server)',
      code: `from flagsmith import Flagsmith

flagsmith = Flagsmith(
    environment_key="${server}",
    api_url="${apiUrl}",
)
flags = flagsmith.get_identity_flags("user-123", traits={"plan": "pro"})
flags.is_feature_enabled("new_checkout")`,
    },
    {
      id: 'curl',
      label: 'curl',
      code: `curl -s -H 'X-Environment-Key: ${clientKey}' ${apiUrl}flags/`,
    },
  ];
}
