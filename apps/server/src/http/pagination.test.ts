import type { FastifyRequest } from 'fastify';
import { describe, expect, it } from 'vitest';
import { pageRequest, paginated, paginateList } from './pagination.ts';

const request = (url: string) => ({ url, protocol: 'http', host: 'vexil.test' }) as FastifyRequest;

describe('pageRequest', () => {
  it('defaults to page 1 of 10 and caps the page size at 999', () => {
    expect(pageRequest({})).toEqual({ page: 1, pageSize: 10, offset: 0 });
    expect(pageRequest({ page: 3, page_size: 5000 })).toEqual({ page: 3, pageSize: 999, offset: 1998 });
  });
});

describe('paginated', () => {
  it('links the next and previous pages with absolute URLs, keeping other query parameters', () => {
    const page = paginated(
      request('/api/v1/audit/?project=2&page=2&page_size=2'),
      pageRequest({ page: 2, page_size: 2 }),
      5,
      [3, 4],
    );
    expect(page.next).toBe('http://vexil.test/api/v1/audit/?project=2&page=3&page_size=2');
    expect(page.previous).toBe('http://vexil.test/api/v1/audit/?project=2&page_size=2');
  });

  it('has no next page on the last one', () => {
    const page = paginateList(request('/x/'), pageRequest({ page_size: 2 }), [1, 2]);
    expect(page).toEqual({ count: 2, next: null, previous: null, results: [1, 2] });
  });
});
