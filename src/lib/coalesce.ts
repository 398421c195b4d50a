/**
 * Group commit for concurrent callers: items added while a batch runs (or within the same turn
 * of the event loop) are handed to `run` together, at most `max` at a time; each caller gets its
 * own result. One query or one transaction then serves many concurrent sends instead of one each.
 * When `run` throws, every item of that batch gets the error (callers may fall back one by one).
 */
export class Coalescer<I, O> {
  private queue: { item: I; resolve: (o: O) => void; reject: (err: unknown) => void }[] = [];
  private running = false;
  private scheduled = false;

  constructor(
    private readonly run: (items: I[]) => Promise<O[]>,
    private readonly max = 64,
  ) {}

  add(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.running || this.scheduled || this.queue.length === 0) return;
    this.scheduled = true;
    // After the current turn: the callers started together (one claim of jobs) join one batch.
    setImmediate(() => {
      this.scheduled = false;
      void this.flush();
    });
  }

  private async flush(): Promise<void> {
    if (this.running || this.queue.length === 0) return;
    this.running = true;
    const batch = this.queue.splice(0, this.max);
    try {
      const out = await this.run(batch.map((b) => b.item));
      batch.forEach((b, i) => b.resolve(out[i] as O));
    } catch (err) {
      for (const b of batch) b.reject(err);
    } finally {
      this.running = false;
      this.schedule();
    }
  }
}
