// What a benchmark scenario reports: one row per measured comparison, judged against its target.
export interface BenchRow {
  scenario: string;
  /** What agentd achieved, with unit, e.g. "3.92 s (3.90–3.95)". */
  agentd: string;
  /** The comparison measured in the same run. */
  comparison: string;
  /** agentd relative to the comparison, in the direction the target is stated. */
  ratio: number;
  /** e.g. ">= 1.8x" */
  target: string;
  pass: boolean;
  notes?: string;
}

export interface BenchSettings {
  quick: boolean;
  rounds: number;
}

export interface Scenario {
  name: string;
  description: string;
  run(settings: BenchSettings): Promise<BenchRow[]>;
}
