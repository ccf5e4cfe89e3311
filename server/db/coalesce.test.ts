import { describe, expect, it } from 'vitest';
import { Coalescer, setCoalescerInFlight } from './coalesce';

/** A load whose calls are recorded and answered when the test says. */
function controlledLoad() {
  const calls: {
    keys: string[];
    answer: (found: Map<string, string>) => void;
    fail: (e: unknown) => void;
  }[] = [];
  const load = (keys: string[]) =>
    new Promise<Map<string, string>>((resolve, reject) =>
      calls.push({ keys, answer: resolve, fail: reject }),
    );
  return { calls, load };
}

const settle = () => new Promise((r) => setImmediate(r));

describe('Coalescer', () => {
  it('sends the first lookup at once and the lookups made meanwhile together in the next query', async () => {
    const { calls, load } = controlledLoad();
    const c = new Coalescer(load);
    const first = c.get('a');
    expect(calls.map((x) => x.keys)).toEqual([['a']]);
    const later = ['b', 'c', 'b', 'a'].map((k) => c.get(k));
    await settle();
    expect(calls).toHaveLength(1); // nothing else sent while the first is in flight
    calls[0]!.answer(new Map([['a', 'A0']]));
    expect(await first).toBe('A0');
    await settle();
    // Lookups made while the first was in flight get a read sent after they asked, not its answer.
    expect(calls.map((x) => x.keys)).toEqual([['a'], ['b', 'c', 'a']]);
    calls[1]!.answer(
      new Map([
        ['a', 'A1'],
        ['b', 'B1'],
      ]),
    );
    expect(await Promise.all(later)).toEqual(['B1', undefined, 'B1', 'A1']);
    await settle();
    expect(calls).toHaveLength(2); // idle again: nothing sent for nothing
    const again = c.get('c');
    expect(calls.map((x) => x.keys).at(-1)).toEqual(['c']);
    calls[2]!.answer(new Map());
    expect(await again).toBeUndefined();
  });

  it('fails the lookups of a failed query only, and goes on with the next', async () => {
    const { calls, load } = controlledLoad();
    const c = new Coalescer(load);
    const first = c.get('a');
    const second = c.get('b');
    calls[0]!.fail(new Error('connection lost'));
    await expect(first).rejects.toThrow('connection lost');
    await settle();
    calls[1]!.answer(new Map([['b', 'B']]));
    expect(await second).toBe('B');
  });

  it('splits a longer queue into queries of at most maxKeys keys', async () => {
    const { calls, load } = controlledLoad();
    const c = new Coalescer(load, 2);
    const first = c.get('x');
    const rest = ['a', 'b', 'c'].map((k) => c.get(k));
    calls[0]!.answer(new Map());
    await first;
    await settle();
    expect(calls[1]!.keys).toEqual(['a', 'b']);
    calls[1]!.answer(new Map([['a', 'A']]));
    await settle();
    expect(calls[2]!.keys).toEqual(['c']);
    calls[2]!.answer(new Map([['c', 'C']]));
    expect(await Promise.all(rest)).toEqual(['A', undefined, 'C']);
  });

  it('with two queries allowed in flight, sends a lookup made while one is out at once, and holds the next', async () => {
    setCoalescerInFlight(2);
    try {
      const { calls, load } = controlledLoad();
      const c = new Coalescer(load);
      const a = c.get('a');
      const b = c.get('b');
      expect(calls.map((x) => x.keys)).toEqual([['a'], ['b']]);
      const later = [c.get('c'), c.get('a')];
      await settle();
      expect(calls).toHaveLength(2);
      // The second answers first: the lookups waiting go in the slot it freed.
      calls[1]!.answer(new Map([['b', 'B0']]));
      expect(await b).toBe('B0');
      await settle();
      expect(calls.map((x) => x.keys)).toEqual([['a'], ['b'], ['c', 'a']]);
      calls[0]!.answer(new Map([['a', 'A0']]));
      calls[2]!.answer(
        new Map([
          ['a', 'A1'],
          ['c', 'C1'],
        ]),
      );
      expect(await a).toBe('A0');
      expect(await Promise.all(later)).toEqual(['C1', 'A1']);
    } finally {
      setCoalescerInFlight(1);
    }
  });
});
