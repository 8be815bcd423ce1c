import { describe, expect, it } from 'vitest';
import { sdkSnippets } from './sdk-snippets.ts';

describe('sdkSnippets', () => {
  it('points each SDK at this server with the right key', () => {
    const snippets = sdkSnippets('https://flags.example/api/v1/', 'client-key', 'ser.server-key');
    const js = snippets.find((s) => s.id === 'js')?.code ?? '';
    expect(js).toContain("environmentID: 'client-key'");
    expect(js).toContain("api: 'https://flags.example/api/v1/'");
    expect(snippets.find((s) => s.id === 'node')?.code).toContain("environmentKey: 'ser.server-key'");
    expect(snippets.find((s) => s.id === 'python')?.code).toContain(
      'api_url="https://flags.example/api/v1/"',
    );
    expect(sdkSnippets('u/', 'k', undefined).find((s) => s.id === 'node')?.code).toContain(
      'ser.<create a server-side key above>',
    );
  });
});
