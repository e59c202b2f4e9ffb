/** A rule's verdict in the JSON report. */
export interface RuleResult {
  id: string;
  level: 'must' | 'should' | 'info';
  verdict: 'pass' | 'fail' | 'warn' | 'skip' | 'inconclusive';
  reason: string;
  evidence: { deliveries: unknown[]; observations: unknown[] };
}

export interface CheckResult {
  /** Exit status 0: every must rule was seen to hold. */
  passed: boolean;
  exitCode: number;
  rules: RuleResult[];
  /** The whole JSON report. */
  report: Record<string, unknown>;
  /** The human report. */
  text: string;
}

export interface CheckOptions {
  /** The callback family (default `video`). */
  family?: string;
  /** More flags of `suno-mock check`, like `['--probe-url', 'http://.../state/{task_id}']`. */
  args?: string[];
  /** Another binary than the installed one. */
  binary?: string;
}

export interface MockServer {
  baseUrl: string;
  apiKey: string;
  /** `GET /_mock/tasks`. */
  tasks(): Promise<unknown>;
  /** `GET /_mock/deliveries`. */
  deliveries(): Promise<unknown>;
  /** Stops the server. */
  close(): Promise<void>;
}

export interface ServeOptions {
  /** More flags of `suno-mock serve`, like `['--generation-time', '1s']`. */
  args?: string[];
  binary?: string;
}

/** The tool could not do what it was asked (exit 2, 3, 4 or 130). */
export class SunoMockError extends Error {
  exitCode?: number;
}

export function check(receiver: string, options?: CheckOptions): Promise<CheckResult>;
export function serve(options?: ServeOptions): Promise<MockServer>;
export function binaryPath(): string;

declare const suno: {
  check: typeof check;
  serve: typeof serve;
  binaryPath: typeof binaryPath;
  SunoMockError: typeof SunoMockError;
};
export default suno;
