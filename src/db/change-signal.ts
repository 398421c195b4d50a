import { afterCommit, type Executor } from './database.js';

/**
 * A counter that moves once a transaction that touched something has committed (at once when
 * `ex` is no transaction). Readers that cache what the database holds compare the version they
 * cached under with the current one: on this node a committed change is seen at once, and a
 * rendering that began before the change is not kept (it may have read the old rows).
 */
export class ChangeSignal {
  private n = 0;

  get version(): number {
    return this.n;
  }

  /** The change in `ex` counts once it has committed (rolled back: never). */
  touch(ex: Executor): void {
    afterCommit(ex, () => this.bump());
  }

  bump(): void {
    this.n++;
  }
}
