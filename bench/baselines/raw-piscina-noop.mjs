// The raw baseline for thread dispatch: a piscina task that returns its input.
export default function noop(input) {
  return input;
}
