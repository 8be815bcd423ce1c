import type { FastifyRequest } from 'fastify';
import type { PaginatedWire } from './wire.ts';

/** Django REST framework's PAGE_SIZE, which Flagsmith keeps; `page_size` asks for up to 999. */
export const DEFAULT_PAGE_SIZE = 10;
export const MAX_PAGE_SIZE = 999;

export interface PageRequest {
  page: number;
  pageSize: number;
  offset: number;
}

export function pageRequest(query: { page?: number; page_size?: number }): PageRequest {
  const page = Math.max(1, query.page ?? 1);
  const pageSize = Math.min(MAX_PAGE_SIZE, Math.max(1, query.page_size ?? DEFAULT_PAGE_SIZE));
  return { page, pageSize, offset: (page - 1) * pageSize };
}

/**
 * Wraps one page in `{count, next, previous, results}` with absolute next/previous links built from the request,
 * as DRF does, so clients that follow `next` work behind proxies that keep the Host header.
 */
export function paginated<T>(
  request: FastifyRequest,
  page: PageRequest,
  count: number,
  results: T[],
): PaginatedWire<T> {
  const link = (n: number) => {
    const url = new URL(request.url, `${request.protocol}://${request.host}`);
    if (n === 1) url.searchParams.delete('page');
    else url.searchParams.set('page', String(n));
    return url.toString();
  };
  return {
    count,
    next: page.offset + results.length < count ? link(page.page + 1) : null,
    previous: page.page > 1 ? link(page.page - 1) : null,
    results,
  };
}

/** Pages an in-memory list (for resources that are small and already loaded whole). */
export function paginateList<T>(request: FastifyRequest, page: PageRequest, all: T[]): PaginatedWire<T> {
  return paginated(request, page, all.length, all.slice(page.offset, page.offset + page.pageSize));
}
