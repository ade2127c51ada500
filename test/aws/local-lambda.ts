/**
 * A Lambda function run from its bundle in a worker thread: its own `process.env` (what the
 * template gives it, plus what Lambda adds), its module scope evaluated once (the init phase),
 * then invocations with an event and a context, each bounded by the function's timeout. Its log
 * lines (stdout, stderr) are kept, not printed.
 *
 * Unlike Lambda, one instance takes concurrent invocations (Lambda would start more instances);
 * a bundle's clients and pools are shared by them, which only makes it busier than on AWS.
 */
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

const THREAD = fileURLToPath(new URL('./lambda-thread.mjs', import.meta.url));

export class LambdaInvocationError extends Error {
  constructor(
    readonly functionName: string,
    readonly errorName: string,
    message: string,
  ) {
    super(`${functionName}: ${errorName}: ${message}`);
    this.name = 'LambdaInvocationError';
  }
}

export interface LocalLambdaOptions {
  functionName: string;
  /** The bundle (`index.mjs`) and the handler's export name (`index.handler` -> `handler`). */
  file: string;
  exportName: string;
  environment: Readonly<Record<string, string>>;
  timeoutMs: number;
}

interface Outcome {
  type: 'ready' | 'init-error' | 'result' | 'error';
  id?: number;
  result?: unknown;
  error?: { name: string; message: string; stack?: string };
}

export class LocalLambda {
  /** Everything the function wrote (its JSON log lines among it), line by line. */
  readonly output: string[] = [];
  private readonly waiting = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  private nextId = 1;
  invocations = 0;

  private constructor(
    readonly options: LocalLambdaOptions,
    private readonly worker: Worker,
  ) {
    for (const stream of [worker.stdout, worker.stderr]) {
      let rest = '';
      stream.setEncoding('utf8');
      stream.on('data', (text: string) => {
        const lines = (rest + text).split('\n');
        rest = lines.pop() ?? '';
        this.output.push(...lines.filter((line) => line !== ''));
      });
    }
    worker.on('message', (outcome: Outcome) => {
      if (outcome.id === undefined) return;
      const waiter = this.waiting.get(outcome.id);
      if (!waiter) return;
      this.waiting.delete(outcome.id);
      if (outcome.type === 'result') waiter.resolve(outcome.result);
      else waiter.reject(this.errorOf(outcome));
    });
  }

  /** Starts the thread and waits for the init phase; a failing init (a bad environment) throws. */
  static async start(options: LocalLambdaOptions): Promise<LocalLambda> {
    const worker = new Worker(THREAD, {
      workerData: {
        file: options.file,
        exportName: options.exportName,
        functionName: options.functionName,
        timeoutMs: options.timeoutMs,
      },
      env: { ...options.environment },
      execArgv: [],
      stdout: true,
      stderr: true,
    });
    const lambda = new LocalLambda(options, worker);
    const first = await new Promise<Outcome>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    if (first.type !== 'ready') {
      await worker.terminate();
      throw new LambdaInvocationError(
        options.functionName,
        `init failed: ${first.error?.name ?? 'Error'}`,
        `${first.error?.message ?? ''}\n${lambda.output.join('\n')}`,
      );
    }
    return lambda;
  }

  /** Invokes the function with `event`; a thrown error or a timeout rejects, as Lambda reports them. */
  invoke(event: unknown): Promise<unknown> {
    const id = this.nextId++;
    this.invocations += 1;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(id);
        reject(
          new LambdaInvocationError(
            this.options.functionName,
            'Sandbox.Timedout',
            `Task timed out after ${this.options.timeoutMs} ms`,
          ),
        );
      }, this.options.timeoutMs);
      this.waiting.set(id, {
        resolve: (value) => {
          clearTimeout(timer);
          resolve(value);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
      this.worker.postMessage({ id, event });
    });
  }

  /** The function's JSON log lines, parsed (other output is left out). */
  logs(): Record<string, unknown>[] {
    const parsed: Record<string, unknown>[] = [];
    for (const line of this.output) {
      try {
        const value = JSON.parse(line) as unknown;
        if (typeof value === 'object' && value !== null) parsed.push(value as Record<string, unknown>);
      } catch {
        // Not a JSON log line (EMF metrics are JSON too; plain text is skipped).
      }
    }
    return parsed;
  }

  async stop(): Promise<void> {
    await this.worker.terminate();
  }

  private errorOf(outcome: Outcome): Error {
    return new LambdaInvocationError(
      this.options.functionName,
      outcome.error?.name ?? 'Error',
      outcome.error?.message ?? 'unknown error',
    );
  }
}
