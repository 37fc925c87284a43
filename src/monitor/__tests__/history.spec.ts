import {
  SampleRing,
  sampleFromHistoryPoint,
  sampleFromSnapshot
} from '../history';
import { largeSnapshot, makeHistoryPoint } from './snapshots';

function sample(seq: number, timestamp = 1000 + seq) {
  return sampleFromHistoryPoint(makeHistoryPoint(seq, timestamp));
}

describe('SampleRing', () => {
  it('keeps the newest samples up to its capacity, oldest first', () => {
    const ring = new SampleRing(10);
    for (let seq = 1; seq <= 23; seq++) {
      expect(ring.push(sample(seq))).toBe(true);
    }
    expect(ring.length).toBe(10);
    expect(ring.toArray().map(s => s.seq)).toEqual([
      14, 15, 16, 17, 18, 19, 20, 21, 22, 23
    ]);
    expect(ring.at(-1)).toBeUndefined();
    expect(ring.at(10)).toBeUndefined();
    expect(ring.latest()!.seq).toBe(23);
  });

  it('ignores a sample that is not newer than the latest', () => {
    const ring = new SampleRing(10);
    ring.push(sample(2, 2000));
    expect(ring.push(sample(1, 1999))).toBe(false);
    expect(ring.push(sample(2, 2000))).toBe(false);
    expect(ring.length).toBe(1);
  });

  it('merges older history in timestamp order without duplicates', () => {
    const ring = new SampleRing(12);
    ring.push(sample(10, 1010));
    ring.push(sample(11, 1011));
    ring.merge([sample(8, 1008), sample(9, 1009), sample(10, 1010)]);
    expect(ring.toArray().map(s => s.seq)).toEqual([8, 9, 10, 11]);
    ring.push(sample(12, 1012));
    expect(ring.latest()!.seq).toBe(12);
  });

  it('keeps only the newest samples of a merge larger than its capacity', () => {
    const ring = new SampleRing(10);
    ring.merge(Array.from({ length: 30 }, (_, n) => sample(n + 1)));
    expect(ring.length).toBe(10);
    expect(ring.at(0)!.seq).toBe(21);
  });

  it('finds the first sample after a time by bisection', () => {
    const ring = new SampleRing(10);
    for (let seq = 1; seq <= 15; seq++) {
      ring.push(sample(seq, seq * 10));
    }
    // Holds 60..150.
    expect(ring.firstIndexAfter(0)).toBe(0);
    expect(ring.firstIndexAfter(60)).toBe(1);
    expect(ring.firstIndexAfter(95)).toBe(4);
    expect(ring.firstIndexAfter(150)).toBe(10);
  });

  it('resizes keeping the newest samples and clamps silly capacities', () => {
    const ring = new SampleRing(20);
    for (let seq = 1; seq <= 20; seq++) {
      ring.push(sample(seq));
    }
    ring.resize(12);
    expect(ring.capacity).toBe(12);
    expect(ring.at(0)!.seq).toBe(9);
    ring.resize(1);
    expect(ring.capacity).toBe(SampleRing.MIN_CAPACITY);
    expect(new SampleRing(Number.NaN).capacity).toBe(SampleRing.MIN_CAPACITY);
    expect(new SampleRing(1e9).capacity).toBe(SampleRing.MAX_CAPACITY);
  });
});

describe('samples', () => {
  it('keeps per-core utilization, device memory and host figures', () => {
    const snapshot = largeSnapshot(7);
    const value = sampleFromSnapshot(snapshot);
    expect(value.seq).toBe(7);
    expect(value.cores).toHaveLength(128);
    expect(value.cores[3]).toBeCloseTo(21);
    expect(value.deviceMemory).toHaveLength(16);
    expect(value.hostMemoryUsed).toBe(snapshot.system!.memory_used_bytes);
    const mean =
      snapshot.cores.reduce((sum, core) => sum + core.utilization, 0) / 128;
    expect(value.meanUtilization).toBeCloseTo(mean, 3);
  });
});
