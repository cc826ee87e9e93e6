// A worker that does nothing, to measure dispatch cost alone.
export function noop(input: unknown): unknown {
  return input;
}
