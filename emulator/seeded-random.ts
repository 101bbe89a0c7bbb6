/**
 * A small seeded pseudo-random source, so that identifiers and probabilistic faults come out the same on
 * every run of a test or benchmark (Math.random and crypto.randomUUID would not).
 */
export class SeededRandom {
  private state: number;

  /** Starts the sequence from `seed` (any 32-bit integer). */
  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** The next number in [0, 1), by mulberry32: tiny, fast and good enough for test data. */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** `length` lowercase hexadecimal digits. */
  hex(length: number): string {
    let out = '';
    while (out.length < length) {
      out += Math.floor(this.next() * 0x10000).toString(16).padStart(4, '0');
    }
    return out.slice(0, length);
  }

  /** A version-4-shaped UUID, which is what the model's `UUID` pattern for operation ids accepts. */
  uuid(): string {
    const h = this.hex(32);
    const variant = '89ab'[Math.floor(this.next() * 4)];
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
  }
}
