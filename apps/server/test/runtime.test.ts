import { describe, expect, it } from 'vitest';

describe('runtime', () => {
  it('runs on Node.js 24, the version the repo pins through the node devDependency', () => {
    expect(process.versions.node.split('.')[0]).toBe('24');
  });
});
