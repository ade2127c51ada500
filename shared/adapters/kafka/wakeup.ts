/**
 * A consumer's `poll` waiting for records: `wait(ms)` resolves after `ms`, or at once when the
 * fetch stream calls `wake()` (a message came, or it failed).
 */
export class Wakeup {
  private wakeUp: (() => void) | null = null;

  wait(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const finish = () => {
        clearTimeout(timer);
        this.wakeUp = null;
        resolve();
      };
      const timer = setTimeout(finish, ms);
      this.wakeUp = finish;
    });
  }

  wake(): void {
    this.wakeUp?.();
  }
}
