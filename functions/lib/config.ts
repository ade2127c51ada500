/**
 * Reading a Lambda's environment: every entry point has one `loadConfig(env)` built from an
 * {@link EnvReader}, which collects every missing or bad variable and reports them all at once.
 */

/** The environment was incomplete or wrong; `problems` names each variable and what is wrong with it. */
export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid configuration: ${problems.join('; ')}`);
    this.name = 'ConfigError';
  }
}

export type Env = Readonly<Record<string, string | undefined>>;

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error'];

/** Reads typed values from an environment, remembering every problem instead of stopping at the first. */
export class EnvReader {
  private readonly problems: string[] = [];

  constructor(private readonly env: Env) {}

  /** A required, non-empty string. */
  string(name: string): string {
    const value = this.env[name]?.trim();
    if (!value) {
      this.problems.push(`${name} is required`);
      return '';
    }
    return value;
  }

  /** An optional string: undefined when unset or empty. */
  optionalString(name: string): string | undefined {
    const value = this.env[name]?.trim();
    return value ? value : undefined;
  }

  /** An integer in `[min, max]`, or `fallback` when unset. */
  int(name: string, options: { fallback?: number; min: number; max: number }): number {
    const raw = this.env[name]?.trim();
    if (!raw) {
      if (options.fallback !== undefined) return options.fallback;
      this.problems.push(`${name} is required`);
      return options.min;
    }
    const value = Number(raw);
    if (!Number.isInteger(value) || value < options.min || value > options.max) {
      this.problems.push(`${name} must be an integer from ${options.min} to ${options.max} (got "${raw}")`);
      return options.min;
    }
    return value;
  }

  /** An http(s) URL. */
  url(name: string): string {
    const value = this.string(name);
    if (!value) return value;
    try {
      const parsed = new URL(value);
      if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw new TypeError('protocol');
    } catch {
      this.problems.push(`${name} must be an http(s) URL (got "${value}")`);
    }
    return value;
  }

  /** One of `values`, or `fallback` when unset. */
  oneOf<const T extends string>(name: string, values: readonly T[], fallback?: T): T {
    const raw = this.env[name]?.trim();
    if (!raw && fallback !== undefined) return fallback;
    if (raw && (values as readonly string[]).includes(raw)) return raw as T;
    this.problems.push(`${name} must be one of ${values.join(', ')}${raw ? ` (got "${raw}")` : ''}`);
    return values[0]!;
  }

  /** `LOG_LEVEL`, `info` by default. */
  logLevel(): LogLevel {
    return this.oneOf('LOG_LEVEL', LOG_LEVELS, 'info');
  }

  /** Records a problem found by a caller's own check. */
  problem(message: string): void {
    this.problems.push(message);
  }

  /** Returns `value`, or throws one {@link ConfigError} naming every problem seen so far. */
  done<T>(value: T): T {
    // A variable read by two parts of a config (AWS_REGION) is reported once.
    if (this.problems.length > 0) throw new ConfigError([...new Set(this.problems)]);
    return value;
  }
}
