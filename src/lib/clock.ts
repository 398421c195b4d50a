/** The only source of "now". Services receive a Clock; tests pass a FakeClock. */
export interface Clock {
  now(): number; // epoch milliseconds
}

export const systemClock: Clock = { now: () => Date.now() };

/** A clock that only moves when told to; for tests and simulations. */
export class FakeClock implements Clock {
  constructor(private current: number = Date.UTC(2026, 0, 5, 0, 0, 0)) {}
  now(): number {
    return this.current;
  }
  set(ms: number): void {
    this.current = ms;
  }
  advance(ms: number): void {
    this.current += ms;
  }
}
