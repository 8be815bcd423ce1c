import { describe, expect, it } from 'vitest';
import { formatLimit, limitLabel, limitLevel } from './limits.ts';

describe('limitLevel', () => {
  it('warns from 80 % and is full at the limit', () => {
    expect(limitLevel({ limit: 100, usage: 79 })).toBe('ok');
    expect(limitLevel({ limit: 100, usage: 80 })).toBe('warn');
    expect(limitLevel({ limit: 100, usage: 100 })).toBe('full');
    expect(limitLevel({ limit: 100, usage: 140 })).toBe('full');
    expect(limitLevel({ limit: 0, usage: 3 })).toBe('ok');
  });
});

describe('limit labels', () => {
  it('names known limits in words and formats bytes', () => {
    expect(limitLabel('max_features_allowed')).toBe('Features in this project');
    expect(limitLabel('max_new_thing')).toBe('max new thing');
    expect(formatLimit('max_environment_document_bytes', 67108864)).toBe('64.0 MiB');
    expect(formatLimit('max_environment_document_bytes', 2048)).toBe('2.0 KiB');
    expect(formatLimit('max_features_allowed', 5000)).toBe('5,000');
  });
});
