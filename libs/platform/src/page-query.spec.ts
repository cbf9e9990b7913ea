import { pageOf } from './page-query.dto';

describe('pageOf', () => {
  const key = (n: number) => `after-${n}`;

  it('keeps `limit` rows and points the next cursor at the last one kept when a row more was read', () => {
    expect(pageOf([1, 2, 3, 4], 3, key)).toEqual({ items: [1, 2, 3], nextCursor: 'after-3' });
  });

  it('has no next page when exactly `limit` rows came back', () => {
    expect(pageOf([1, 2, 3], 3, key)).toEqual({ items: [1, 2, 3], nextCursor: null });
  });

  it('has no next page for a short or empty read, and never asks for a key then', () => {
    const keyOf = jest.fn(key);
    expect(pageOf([1], 3, keyOf)).toEqual({ items: [1], nextCursor: null });
    expect(pageOf([], 3, keyOf)).toEqual({ items: [], nextCursor: null });
    expect(keyOf).not.toHaveBeenCalled();
  });
});
