import { describe, expect, it } from 'vitest';
import { queryValues } from '../src/jsonpath/evaluate-jsonpath.ts';
import { parseJsonPath } from '../src/jsonpath/parse-jsonpath.ts';

// The examples of RFC 9535 (§1.5, §2.3.*), over its bookstore document.
const store = {
  store: {
    book: [
      { category: 'reference', author: 'Nigel Rees', title: 'Sayings of the Century', price: 8.95 },
      { category: 'fiction', author: 'Evelyn Waugh', title: 'Sword of Honour', price: 12.99 },
      {
        category: 'fiction',
        author: 'Herman Melville',
        title: 'Moby Dick',
        isbn: '0-553-21311-3',
        price: 8.99,
      },
      {
        category: 'fiction',
        author: 'J. R. R. Tolkien',
        title: 'The Lord of the Rings',
        isbn: '0-395-19395-8',
        price: 22.99,
      },
    ],
    bicycle: { color: 'red', price: 399 },
  },
};

function query(path: string, document: unknown = store): unknown[] {
  const parsed = parseJsonPath(path);
  if (parsed === undefined) throw new Error(`${path} did not parse`);
  return queryValues(parsed, document, document);
}

describe('RFC 9535 queries', () => {
  it.each([
    ['$.store.book[*].author', ['Nigel Rees', 'Evelyn Waugh', 'Herman Melville', 'J. R. R. Tolkien']],
    ['$..author', ['Nigel Rees', 'Evelyn Waugh', 'Herman Melville', 'J. R. R. Tolkien']],
    // Descendants in pre-order (a node before its descendants, arrays in order), like jsonpath-rfc9535.
    ['$.store..price', [8.95, 12.99, 8.99, 22.99, 399]],
    ['$..book[2].author', ['Herman Melville']],
    ['$..book[-1].title', ['The Lord of the Rings']],
    ['$..book[0,1].title', ['Sayings of the Century', 'Sword of Honour']],
    ['$..book[:2].title', ['Sayings of the Century', 'Sword of Honour']],
    ['$..book[?@.isbn].title', ['Moby Dick', 'The Lord of the Rings']],
    ['$..book[?@.price<10].title', ['Sayings of the Century', 'Moby Dick']],
    ["$.store['bicycle'].color", ['red']],
    ['$.store["bicycle"]["color"]', ['red']],
    ['$.store.book[?@.category == "fiction" && @.price > 20].author', ['J. R. R. Tolkien']],
    ['$.store.book[?!@.isbn].title', ['Sayings of the Century', 'Sword of Honour']],
    ['$.store.book[?length(@.title) > 15].title', ['Sayings of the Century', 'The Lord of the Rings']],
    [
      '$.store.book[?match(@.author, "[A-Z].* R.*")].title',
      ['Sayings of the Century', 'The Lord of the Rings'],
    ],
    ['$.store.book[?match(@.author, "Rees")].title', []],
    ['$.store.book[?search(@.author, "Mel")].price', [8.99]],
    ['$.store[?count(@.*) == 2].color', ['red']],
    ['$.store.book[?value(@..isbn) == "0-553-21311-3"].title', ['Moby Dick']],
    ['$.store.book[::2].price', [8.95, 8.99]],
    ['$.store.book[::-1].price', [22.99, 8.99, 12.99, 8.95]],
    ['$.store.book[1:3:0].price', []],
    ['$.nothing.here', []],
  ])('%s selects %j', (path, expected) => {
    expect(query(path)).toEqual(expected);
  });

  it('selects names with spaces, quotes and non-ASCII characters', () => {
    const traits = { 'a b': 1, "it's": 2, サイズ: 3, '[$the.size$]': 4 };
    expect(query("$['a b']", traits)).toEqual([1]);
    expect(query("$['it\\'s']", traits)).toEqual([2]);
    expect(query('$.サイズ', traits)).toEqual([3]);
    expect(query("$['[$the.size$]']", traits)).toEqual([4]);
  });

  it.each([
    '$.a-b', // '-' cannot appear in a member-name shorthand
    '$.a.',
    '$..',
    "$['a]",
    '$[01]',
    '$[-0]',
    '$.a[1.0]',
    '$[?@.a == @.*]', // a comparison needs singular queries
    '$[?length(@.*) > 1]', // length() takes a value
    '$[?count(1) > 1]', // count() takes nodes
    '$[?foo(@)]', // unknown function
    '$[?length(@.a)]', // a value is not a test
    ' $.a',
    '$.a ',
    'a.b',
  ])('%j is not valid JSONPath', (path) => {
    expect(parseJsonPath(path)).toBeUndefined();
  });
});

describe('RFC 9535 details', () => {
  const doc = {
    a: [1, 2, 3, 4, 5],
    o: { x: 1, y: [1, 2], z: { k: 'v' } },
    items: [
      { n: 'b', tags: [1, 2], meta: { k: 1 } },
      { n: 'a', tags: [1, 2], meta: { k: 1 } },
      { n: 'ä', tags: [3], meta: { k: 2 } },
      { n: '\u{1f600}', tags: [], meta: {} },
    ],
    expected: [1, 2],
    meta: { k: 1 },
  };

  it.each([
    ['$..[0]', [1, 1, { n: 'b', tags: [1, 2], meta: { k: 1 } }, 1, 1, 3, 1]],
    ['$.a[-2:]', [4, 5]],
    ['$.a[:-3]', [1, 2]],
    ['$.a[4:1:-1]', [5, 4, 3]],
    ['$.a[::-2]', [5, 3, 1]],
    ['$.a[10:]', []],
    ['$.a[-10:2]', [1, 2]],
    ['$.a[0, -1, 9]', [1, 5]],
    ['$.o.*', [1, [1, 2], { k: 'v' }]],
    ['$.o[*].k', ['v']],
    ['$.items[?@.tags == $.expected].n', ['b', 'a']],
    ['$.items[?@.meta == $.meta].n', ['b', 'a']],
    ['$.items[?@.n < "b"].n', ['a']],
    ['$.items[?@.n > "b"].n', ['ä', '\u{1f600}']],
    ['$.items[?@.n >= "b" && @.n <= "ä"].n', ['b', 'ä']],
    ['$.items[?@.n != "b"].n', ['a', 'ä', '\u{1f600}']],
    ['$.items[?@.n == "a" || @.n == "ä"].n', ['a', 'ä']],
    ['$.items[?!(@.n == "a")].n', ['b', 'ä', '\u{1f600}']],
    ['$.items[?(@.tags[0] == 1)].n', ['b', 'a']],
    ['$.items[?length(@.tags) == 0].n', ['\u{1f600}']],
    ['$.items[?length(@.meta) == 0].n', ['\u{1f600}']],
    ['$.items[?length(@.n) == 1].n', ['b', 'a', 'ä', '\u{1f600}']],
    ['$.items[?length(@.missing) == 0].n', []],
    ['$.items[?match(@.n, ".")].n', ['b', 'a', 'ä', '\u{1f600}']],
    ['$.items[?match(@.n, "[")].n', []],
    ['$.items[?match(@.tags, "1")].n', []],
    ['$.items[?search(@.n, "\\\\.")].n', []],
    ['$.items[?@.meta.k == 1.0].n', ['b', 'a']],
    ['$.items[?@.missing == null].n', []],
    ['$.items[?@.missing == @.other].n', ['b', 'a', 'ä', '\u{1f600}']],
    ['$.items[?@.tags[0] < 1e1].n', ['b', 'a', 'ä']],
    ['$.items[?@.meta.k == true].n', []],
    ['$.items[?@.meta == false].n', []],
    ['$.items[?value(@.tags[*]) == 3].n', ['ä']],
    ["$['o']['z'].k", ['v']],
    ['$["\\u00e4\\uD83D\\uDE00\\n\\t\\/\\\\\\"x"]', []],
  ])('%s selects %j', (path, expected) => {
    expect(query(path, doc)).toEqual(expected);
  });

  it.each([
    '$[?@.a == 1',
    '$[?(@.a == 1]',
    '$[?@.a ==]',
    '$[?!@.a == 1]', // "!" only applies to tests and parenthesised expressions
    '$[?length(@.a, @.b) == 1]',
    '$[?match(@.a) ]',
    '$[?value(1) == 1]',
    '$[?count(@.*, @.a) == 1]',
    '$[?match(@.a, "x") == true]',
    '$[?@.a == 1.]',
    "$['\\x']",
    "$['\\uD800']",
    "$['\\uD800\\u0041']",
    "$['\\uDC00']",
    "$['\u0001']",
    '$[',
    '$[1,]',
    '$[1:2:3:4]',
    '$[:-]',
    '$[9007199254740992]',
    '$.a[?@ == -]',
  ])('%j is not valid JSONPath', (path) => {
    expect(parseJsonPath(path)).toBeUndefined();
  });
});

describe('RFC 9535 function arguments', () => {
  it('accepts value-typed function results as arguments, and rejects logical ones', () => {
    const doc = { items: [{ a: 'xy' }, { a: 'x' }] };
    expect(query('$.items[?length(value(@.a)) == 2].a', doc)).toEqual(['xy']);
    expect(query('$.items[?count(@.*) == length(@.a)].a', doc)).toEqual(['x']);
    expect(parseJsonPath('$[?length(@.a == 1) == 1]')).toBeUndefined();
    expect(parseJsonPath('$[?length(!@.a) == 1]')).toBeUndefined();
  });
});
