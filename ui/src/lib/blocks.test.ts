import { describe, expect, it } from 'vitest';
import { Blocks, blocksFor } from './blocks';

describe('list blocks', () => {
  it('names the blocks a window of rows needs', () => {
    expect(blocksFor(0, 35)).toEqual([0]);
    expect(blocksFor(90, 130)).toEqual([0, 1]);
    expect(blocksFor(49_980, 50_000)).toEqual([499]);
    expect(blocksFor(10, 10)).toEqual([]);
  });

  it('asks for each block once, keeps only answers to the current key, and starts over on a new key', () => {
    const b = new Blocks<string>();
    b.reset('open|name');
    expect(b.claim([0, 1])).toEqual([0, 1]);
    expect(b.claim([0, 1, 2])).toEqual([2]);
    expect(b.put('open|name', 1, ['r100', 'r101'])).toBe(true);
    expect(b.row(101)).toBe('r101');
    expect(b.row(5)).toBeUndefined();
    b.reset('open|name#2', true);
    expect(b.row(101)).toBe('r101'); // still shown after a sync, until read again
    expect(b.claim([1])).toEqual([1]);
    b.put('open|name#2', 1, ['n100', 'n101']);
    expect(b.row(101)).toBe('n101');
    b.reset('closed|name');
    expect(b.put('open|name', 0, ['late'])).toBe(false);
    expect(b.row(101)).toBeUndefined();
    expect(b.claim([0])).toEqual([0]);
    b.release('closed|name', 0);
    expect(b.claim([0])).toEqual([0]);
  });
});
